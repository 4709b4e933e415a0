"""Scanner fault injection beyond tests/evidence/test_failures.py: the gate fails closed, in time, with a clear message.

Fake `checkov` and `bandit` executables (small Python scripts first on PATH)
crash on a signal, hang, write partial JSON, exit with codes the scanners never
use, write only to stderr, fork a child that keeps the pipe open, or flood
their output. test_failures.py already covers a traceback, exit 2, garbage, an
unknown report shape, an empty report, a missing scanner and a hang at the
wrapper level; each case here is one it does not have.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import pytest

from tests.evidence.test_failures import (  # noqa: F401  (fakes and ledger are fixtures)
    BARE_SUMMARY,
    CLEAN_BANDIT,
    MANIFEST,
    Fakes,
    _evidence,
    fakes,
    ledger,
)
from tests.evidence.test_scanners import check

HEAD = f"#!{sys.executable}\nimport os, signal, sys, time\n"
LINE = {"checkov": 12, "bandit": 10}
"""The manifest line each scanner's SL802 points at (its first claim)."""
CLAIMS = {"checkov": 2, "bandit": 1}
CLEAN = {"checkov": BARE_SUMMARY, "bandit": CLEAN_BANDIT}
STATUSES = {"checkov": ("SL810", "SL811"), "bandit": ("SL821",)}


def fake(folder: Path, name: str, body: str) -> None:
    exe = folder / name
    exe.write_text(HEAD + body, encoding="utf-8")
    exe.chmod(0o755)


def prints(text: str, code: int = 0, err: str = "") -> str:
    return f"sys.stdout.write({text!r})\nsys.stderr.write({err!r})\nsys.exit({code})\n"


@pytest.fixture
def bin_folder(fakes: Fakes) -> Path:  # noqa: F811
    """test_failures' fake folder first on PATH (clean scanners by default); a test overwrites one with a script."""
    return fakes.folder


def gate(root: Path, *extra: str) -> tuple[int, list[tuple[str, str, int, str]], dict[str, str], float]:
    start = time.perf_counter()
    code, err = check(root, "--evidence", "--format", "json=out.json", *extra)
    seconds = time.perf_counter() - start
    assert err.splitlines() == ["shiftleft: evidence: running checkov on 1 file(s), bandit on 1 file(s)"], err
    findings, statuses = _evidence(root)
    return code, findings, statuses, seconds


def failed(scanner: str, message: str) -> list[tuple[str, str, int, str]]:
    """The one SL802 a failed scanner gives, at the manifest's first claim it judges."""
    return [("SL802", MANIFEST, LINE[scanner], f"{message}; {CLAIMS[scanner]} claim(s) it judges stay unverified")]


PARTIAL_CHECKOV = BARE_SUMMARY[: len(BARE_SUMMARY) // 2]
PARTIAL_BANDIT = CLEAN_BANDIT[:-7]

FAULTS = {
    # name: (script body, the message after "<scanner>")
    "sigsegv": ("os.kill(os.getpid(), signal.SIGSEGV)\n", "was killed by SIGSEGV: no message on stderr"),
    "sigkill-after-stderr": (
        "sys.stderr.write('MemoryError\\n'); sys.stderr.flush(); os.kill(os.getpid(), signal.SIGKILL)\n",
        "was killed by SIGKILL: MemoryError",
    ),
    "exit-3": (prints("", 3, "boom\n"), "exited with 3: boom"),
    "exit-127": (prints("", 127, "python: can't open file\n"), "exited with 127: python: can't open file"),
    "exit-255": (prints("{}", 255), "exited with 255: no message on stderr"),
    "stderr-only-exit-0": (
        prints("", 0, "WARNING everything is fine\n"),
        "wrote no report (exit 0): WARNING everything is fine",
    ),
    "whitespace-report": (prints(" \n\t\n", 0), "wrote no report (exit 0): no message on stderr"),
    "nul-bytes": (prints("\0" * 100, 0), "'s report is not JSON (exit 0): no message on stderr"),
    "invalid-utf8": (
        'sys.stdout.buffer.write(b\'{"a": "\\xff\\xfe"}\')\n',
        "'s report has an unknown shape (exit 0): no message on stderr",
    ),
}


@pytest.mark.parametrize("scanner", ["checkov", "bandit"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_broken_scanner_fails_the_gate(bin_folder: Path, ledger: Path, scanner: str, fault: str) -> None:  # noqa: F811
    body, message = FAULTS[fault]
    fake(bin_folder, scanner, body)
    code, findings, statuses, seconds = gate(ledger)
    sep = "" if message.startswith("'") else " "
    assert (code, findings) == (1, failed(scanner, f"{scanner}{sep}{message}"))
    assert all(statuses[rule] == "unverified" for rule in STATUSES[scanner])
    assert seconds < 30


@pytest.mark.parametrize("scanner", ["checkov", "bandit"])
def test_partial_json_is_not_a_report(bin_folder: Path, ledger: Path, scanner: str) -> None:  # noqa: F811
    partial = {"checkov": PARTIAL_CHECKOV, "bandit": PARTIAL_BANDIT}[scanner]
    fake(bin_folder, scanner, prints(partial, 1))
    code, findings, _statuses, _seconds = gate(ledger)
    assert (code, findings) == (1, failed(scanner, f"{scanner}'s report is not JSON (exit 1): no message on stderr"))


def test_a_hanging_scanner_fails_the_gate_at_the_configured_timeout(bin_folder: Path, ledger: Path) -> None:  # noqa: F811
    (ledger / ".shiftleft.toml").write_text("evidence_timeout = 10\n", encoding="utf-8")
    fake(bin_folder, "checkov", "time.sleep(300)\n")
    code, findings, _statuses, seconds = gate(ledger)
    assert (code, findings) == (1, failed("checkov", "checkov did not finish within 10s (evidence_timeout)"))
    assert 10 <= seconds < 25


FORKS = """\
if os.fork() == 0:
    {leave}
    (pathlib.Path(sys.argv[0]).parent / "child.pid").write_text(str(os.getpid()))
    time.sleep(120)  # keeps stdout and stderr open
    os._exit(0)
time.sleep(0.2)
sys.stdout.write({report!r})
sys.exit(0)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:  # a zombie is not alive
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_child_that_keeps_the_pipe_open_neither_delays_nor_outlives_the_scan(
    bin_folder: Path,
    ledger: Path,  # noqa: F811
) -> None:
    fake(bin_folder, "bandit", "import pathlib\n" + FORKS.format(leave="pass", report=CLEAN_BANDIT))
    _code, findings, statuses, seconds = gate(ledger)
    assert (findings, statuses["SL821"]) == ([], "verified")  # the scanner's own report counts
    assert seconds < 10  # not the 600 s evidence timeout
    pid = int((bin_folder / "child.pid").read_text(encoding="ascii"))
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the scanner's child outlived the run"


def test_a_child_that_leaves_the_group_and_keeps_the_pipe_fails_the_gate(bin_folder: Path, ledger: Path) -> None:  # noqa: F811
    fake(bin_folder, "bandit", "import pathlib\n" + FORKS.format(leave="os.setsid()", report=CLEAN_BANDIT))
    try:
        code, findings, _statuses, seconds = gate(ledger)
    finally:
        pid_file = bin_folder / "child.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text(encoding="ascii")), 9)  # the child this test's fake started
    assert (code, findings) == (
        1,
        failed("bandit", "bandit exited (code 0) but a process it started kept its output open"),
    )
    assert seconds < 10


def test_huge_output_fails_the_gate(bin_folder: Path, ledger: Path) -> None:  # noqa: F811
    fake(bin_folder, "checkov", "sys.stdout.write('[' + ' ' * (70 * 1024 * 1024) + ']')\n")
    code, findings, _statuses, _seconds = gate(ledger)
    assert (code, findings) == (1, failed("checkov", "checkov wrote more than 64 MiB of output"))


ENDLESS = "chunk = 'x' * (1 << 20)\nwhile True:\n    sys.stdout.write(chunk)\n"


def test_endless_output_is_cut_off_in_bounded_memory(tmp_path: Path, bin_folder: Path, ledger: Path) -> None:  # noqa: F811
    """The whole run under a 1 GiB address-space limit: output is read with a cap, not until the timeout."""
    import subprocess

    fake(bin_folder, "bandit", ENDLESS)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "shiftleft", "check", "--now", "2026-11-25", "--evidence", "--format", "json=out.json"],
        cwd=ledger, capture_output=True, text=True, timeout=120, preexec_fn=limit, check=False,
        env={**os.environ, "PATH": os.environ["PATH"]},
    )  # fmt: skip
    seconds = time.perf_counter() - start
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    findings, _statuses = _evidence(ledger)
    assert findings == failed("bandit", "bandit wrote more than 64 MiB of output")
    assert seconds < 60


def test_every_fault_reaches_every_format(bin_folder: Path, ledger: Path) -> None:  # noqa: F811
    """The scanner's words reach the SARIF and text reports too, on one line."""
    fake(bin_folder, "checkov", FAULTS["sigkill-after-stderr"][0])
    code, _err = check(ledger, "--evidence", "--format", "sarif=out.sarif", "--format", "text=out.txt")
    assert code == 1
    sarif = json.loads((ledger / "out.sarif").read_text(encoding="utf-8"))
    texts = [r["message"]["text"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "SL802"]
    assert texts == ["checkov was killed by SIGKILL: MemoryError; 2 claim(s) it judges stay unverified"]
    lines = [line for line in (ledger / "out.txt").read_text(encoding="utf-8").splitlines() if " SL802 " in line]
    assert lines == [
        f"{MANIFEST}:12:27: CRITICAL SL802 scanner-failed checkov was killed by SIGKILL: MemoryError; "
        "2 claim(s) it judges stay unverified"
    ]
