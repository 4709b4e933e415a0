"""The cache folder is not trusted (issue 9, item 6; DESIGN.md section 10).

Every cached program is verified (keyed MAC over its source, versions and
blob) before use; a tampered entry is recompiled and rewritten; only regular
files are read, so a FIFO or symlink cannot hang the run or redirect it; the
crash log does not follow symlinks or block on FIFOs.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from shiftleft.policy import cel
from tests.helpers import NOW, two_service_repo

SL301 = (
    "services/checkout/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier RTO 2h exceeds the tier 1 "
    "(mission-critical) ceiling of 1h"
)
TIMEOUT = 120
"""Seconds: far above a normal run (about 1 s), far below a hang."""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return two_service_repo(tmp_path)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SHIFTLEFT_NO_CACHE", "GITHUB_ACTIONS")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    return env


def _check(repo: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shiftleft", "check", "--now", NOW, "-q", *extra],
        cwd=repo, env=_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


def _entries(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache" / "shiftleft"
    return sorted(p for p in folder.iterdir() if p.name.startswith(("catalog-", "program-")))


def _always_true(blob: dict[str, str]) -> str:
    """A serialized program of the same shape that is always true (a list of trues for a batch)."""
    source = blob["source"]
    if source.startswith("[\n"):
        program = cel.compile_expression("[" + ", ".join(["true"] * (source.count(",\n") + 1)) + "]")
    else:
        program = cel.compile_expression("true")
    return base64.b64encode(program.serialize()).decode("ascii")


def _tamper(path: Path) -> None:
    """What an attacker who can write the cache folder but not read the key does: keep the MAC line,
    swap every program for an always-true one."""
    mac, body = path.read_bytes().split(b"\n", 1)
    content = json.loads(body)
    if "rules" in content:
        for record in content["rules"]:
            for value in record.values():
                if isinstance(value, dict) and set(value) == {"cel", "source"}:
                    value["cel"] = _always_true(value)
    else:
        content["cel"] = _always_true(content)
    path.write_bytes(mac + b"\n" + json.dumps(content).encode())


def test_always_true_programs_written_into_the_cache_are_not_trusted(repo: Path, tmp_path: Path) -> None:
    # Before: the run that had failed with SL301 passed ("ok") once the cache held always-true programs.
    first = _check(repo, tmp_path)
    assert (first.returncode, first.stdout.splitlines()) == (1, [SL301])
    entries = _entries(tmp_path)
    assert [p.name.split("-")[0] for p in entries].count("catalog") == 1 and len(entries) >= 3
    tampered = {}
    for path in entries:
        _tamper(path)
        tampered[path] = path.read_bytes()
    second = _check(repo, tmp_path)
    assert (second.returncode, second.stdout.splitlines(), second.stderr) == (1, [SL301], "")
    for path, text in tampered.items():  # recompiled and rewritten, with a MAC that verifies again
        assert path.read_bytes() != text
    third = _check(repo, tmp_path)
    assert (third.returncode, third.stdout.splitlines()) == (1, [SL301])


def test_entries_signed_with_another_key_are_not_trusted(repo: Path, tmp_path: Path) -> None:
    """A cache restored from elsewhere brings its own key's MACs: none verifies under this user's key."""
    _check(repo, tmp_path)
    before = {p: p.read_bytes() for p in _entries(tmp_path)}
    key = tmp_path / "state" / "shiftleft" / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32
    key.unlink()  # a new key: every existing entry is now foreign
    for path in before:
        _tamper(path)
    run = _check(repo, tmp_path)
    assert (run.returncode, run.stdout.splitlines()) == (1, [SL301])


@pytest.mark.parametrize("how", ["world-readable", "symlink", "wrong size"])
def test_a_key_that_is_not_private_is_replaced(repo: Path, tmp_path: Path, how: str) -> None:
    _check(repo, tmp_path)
    key = tmp_path / "state" / "shiftleft" / "cache.key"
    old = key.read_bytes()
    if how == "world-readable":
        key.chmod(0o644)
    elif how == "symlink":
        (tmp_path / "planted.key").write_bytes(old)
        key.unlink()
        key.symlink_to(tmp_path / "planted.key")
    else:
        key.write_bytes(old + b"x")
    for path in _entries(tmp_path):
        _tamper(path)
    run = _check(repo, tmp_path)
    assert (run.returncode, run.stdout.splitlines()) == (1, [SL301])
    assert not key.is_symlink() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes() != old and len(key.read_bytes()) == 32


def test_fifos_in_the_cache_folder_do_not_hang_the_run(repo: Path, tmp_path: Path) -> None:
    # Before: reading a FIFO planted at a cache entry's name blocked forever.
    _check(repo, tmp_path)
    entries = _entries(tmp_path)
    for path in entries:
        path.unlink()
        os.mkfifo(path)
    os.mkfifo(tmp_path / "cache" / "shiftleft" / "crash.log")
    run = _check(repo, tmp_path)  # raises TimeoutExpired if it blocks
    assert (run.returncode, run.stdout.splitlines(), run.stderr) == (1, [SL301], "")
    for path in entries:  # replaced by real entries
        assert stat.S_ISREG(path.lstat().st_mode)


def test_symlinks_in_the_cache_folder_are_not_followed(repo: Path, tmp_path: Path) -> None:
    _check(repo, tmp_path)
    entries = _entries(tmp_path)
    for n, path in enumerate(entries):
        target = Path("/dev/zero") if n % 2 else tmp_path / f"elsewhere-{n}"
        if n % 2 == 0:
            target.write_bytes(path.read_bytes())
            _tamper(target)
        path.unlink()
        path.symlink_to(target)
    run = _check(repo, tmp_path)
    assert (run.returncode, run.stdout.splitlines()) == (1, [SL301])
    for path in entries:
        assert not path.is_symlink() and stat.S_ISREG(path.lstat().st_mode)


def _crash(tmp_path: Path, repo: Path) -> subprocess.CompletedProcess[str]:
    """A real internal error: the engine's finish() replaced by one that raises, in a fresh interpreter."""
    code = (
        "import sys\n"
        "from shiftleft import engine\n"
        "from shiftleft.main import main\n"
        "def explode(*a, **k):\n"
        "    raise RuntimeError('simulated bug')\n"
        "engine.Evaluation.finish = explode\n"
        f"sys.exit(main(['check', '--now', '{NOW}']))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=repo, env=_env(tmp_path), capture_output=True, text=True,
        timeout=TIMEOUT, check=False,
    )  # fmt: skip


def test_crash_log_does_not_follow_a_symlink(repo: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n", encoding="utf-8")
    log = tmp_path / "cache" / "shiftleft" / "crash.log"
    log.parent.mkdir(parents=True)
    log.symlink_to(victim)
    run = _crash(tmp_path, repo)
    assert run.returncode == 3
    assert run.stderr == (
        "shiftleft: internal error: RuntimeError: simulated bug. This is a bug in shiftleft; "
        "the crash log could not be written. Please report it with that log.\n"
    )
    assert victim.read_text(encoding="utf-8") == "untouched\n"


def test_crash_log_fifo_does_not_block(repo: Path, tmp_path: Path) -> None:
    log = tmp_path / "cache" / "shiftleft" / "crash.log"
    log.parent.mkdir(parents=True)
    os.mkfifo(log)
    run = _crash(tmp_path, repo)  # raises TimeoutExpired if it blocks
    assert run.returncode == 3
    assert "the crash log could not be written" in run.stderr


def test_crash_log_is_a_private_regular_file(repo: Path, tmp_path: Path) -> None:
    run = _crash(tmp_path, repo)
    log = tmp_path / "cache" / "shiftleft" / "crash.log"
    assert run.returncode == 3 and f"details in {log}." in run.stderr
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "simulated bug" in log.read_text(encoding="utf-8")
