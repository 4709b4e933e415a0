"""The hostile-input corpus: one Case per hostile input, with its exact outcome and its time and memory bound.

A case is a small repository (files written under a fresh folder with a
`.git` marker), the command line run in it, and what must come out: the exact
stdout lines of `shiftleft check . --now NOW -q --format text` (or the
formats the case names), the exact first line of stderr, and the exit code.
Every case runs as its own subprocess under an address-space limit and a
timeout (as tests/test_cost_attacks.py does), so a case that hangs, loops or
allocates without bound fails instead of taking the suite down.

The base repository is `svc/shiftleft.yaml`, a manifest the whole default
catalog passes (tests.helpers.GOOD, tier 1): a case changes it or adds files,
so every line of output is about the hostile input alone.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import GOOD_DOCS, NOW, good_manifest

MANIFEST = "svc/shiftleft.yaml"
MiB = 1024 * 1024
SECONDS = 30.0
"""Default time bound of one case: far above its real time (about 1 s), far below a hang."""
MEMORY = 768 * MiB
"""Default address space of one case's process (a plain run takes about 250 MiB of address space)."""


def base() -> str:
    return good_manifest("svc", 1)


def edit(old: str, new: str, text: str | None = None) -> str:
    """The base manifest (or `text`) with `old`, which must occur exactly once, replaced by `new`."""
    text = base() if text is None else text
    assert text.count(old) == 1, old
    return text.replace(old, new)


@dataclass(frozen=True)
class Case:
    name: str
    """Unique, kebab-case: the test id."""
    category: str
    """yaml, manifest, paths, config, rules, waivers or report."""
    files: Mapping[str, str | bytes]
    """Files to write (relative path: text or bytes); `svc/shiftleft.yaml` replaces the base manifest."""
    code: int
    """The exit code (the exact stdout and stderr are in expected.py, under the case's name)."""
    args: tuple[str, ...] = ()
    """Extra command-line arguments after `check . --now NOW -q --format text`."""
    setup: Callable[[Path], None] | None = None
    """Makes what a file cannot hold (symlinks, FIFOs, device links) in the repository."""
    then: Callable[[Path], None] | None = None
    """Further checks on what the run wrote (reports), given the repository."""
    seconds: float = SECONDS
    memory: int = MEMORY
    cmd: tuple[str, ...] = ("check", ".", "--now", NOW, "-q", "--format", "text")
    """The command, without the extra `args`."""
    refs: tuple[str, ...] = field(default=())
    """Tests elsewhere in the suite that already cover a neighbouring input (not repeated here)."""


def build(case: Case, root: Path) -> Path:
    repo = root / "repo"
    (repo / ".git").mkdir(parents=True)
    files: dict[str, str | bytes] = {MANIFEST: base()}
    for doc in GOOD_DOCS:
        files[f"svc/{doc}"] = f"# {doc}\n"
    files.update(case.files)
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    if case.setup is not None:
        case.setup(repo)
    return repo


def run(case: Case, repo: Path) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (case.memory, case.memory))

    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR")}
    env["XDG_CACHE_HOME"] = str(repo.parent / "cache")
    env["XDG_STATE_HOME"] = str(repo.parent / "state")
    return subprocess.run(
        [sys.executable, "-I", "-m", "shiftleft", *case.cmd, *case.args],
        cwd=repo, env=env, capture_output=True, text=True, errors="replace", timeout=case.seconds,
        preexec_fn=limit, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def outcome(done: subprocess.CompletedProcess[str], repo: Path) -> tuple[tuple[str, ...], str]:
    """The stdout lines and the first stderr line, with the repository folder as `{root}`."""
    root = str(repo.resolve())
    token = re.search(r"^::stop-commands::([0-9a-f]+)$", done.stdout, re.M)
    text = done.stdout.replace(token.group(1), "{token}") if token else done.stdout  # random per run
    lines = tuple(line.replace(root, "{root}") for line in text.splitlines())
    err = done.stderr.splitlines()[0].replace(root, "{root}") if done.stderr.strip() else ""
    return lines, err
