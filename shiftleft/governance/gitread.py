"""Reading a commit through git: `check --base REF` takes the policy and the old manifests from here.

Every call is an argument list (never a shell), with a timeout; a REF is
always passed after `--end-of-options` or as `REF:path`, so a value such as
`--output=x` is never read as an option. Paths come back relative to the
repository root, '/'-separated.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

from shiftleft.errors import UsageError

TIMEOUT = 60
SYMLINK, SUBMODULE = "120000", "160000"
"""The modes of a symlink and of a submodule (a gitlink) in a tree; a file is `100644` or `100755`."""


class Entry(NamedTuple):
    """One file of a commit's tree."""

    path: str
    mode: str
    """`100644`, `100755`; `SYMLINK` or `SUBMODULE`."""


def _git(args: list[str], cwd: Path, *, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise UsageError("--base needs git, which is not installed")
    try:
        return subprocess.run([git, *args], cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} took longer than {TIMEOUT}s") from None


def toplevel(cwd: Path) -> Path:
    """The work tree root; a usage error outside a git repository."""
    done = _git(["rev-parse", "--show-toplevel"], cwd)
    if done.returncode != 0:
        raise UsageError("--base needs a git repository; this folder is not in one")
    return Path(done.stdout.decode().strip()).resolve()


def resolve(ref: str, root: Path) -> str:
    """The commit `ref` names; a usage error naming the fetch to run when this clone lacks it."""
    if not ref or ref.startswith("-") or any(c.isspace() or ord(c) < 32 for c in ref):
        raise UsageError(f"--base: {ref!r} is not a git revision")
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root)
    if done.returncode != 0:
        raise UsageError(
            f"--base: {ref} is not a commit in this clone; fetch it first: git fetch --no-tags --depth=1 origin {ref}"
        )
    return done.stdout.decode().strip()


def files(commit: str, root: Path, prefix: str = "") -> list[Entry]:
    """Files of the commit, under `prefix` (a folder or file, relative to the root) or all; submodules are listed
    too (mode `160000`), for the caller to refuse or skip: a policy folder holding one is not a plain folder."""
    args = ["ls-tree", "-r", "-z", "--full-tree", commit]
    if prefix:
        args += ["--", prefix]
    done = _git(args, root)
    if done.returncode != 0:
        raise UsageError(f"--base: cannot list {prefix or 'the tree'} at {commit[:12]}: {_err(done)}")
    out = []
    for record in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _tab, path = record.partition("\t")
        mode, kind, _sha = meta.split(" ")
        if kind in ("blob", "commit"):  # "commit": a submodule (git's gitlink)
            out.append(Entry(path, mode))
    return out


def show(commit: str, path: str, root: Path) -> bytes | None:
    """The content of a file at the commit; None when it does not exist there."""
    done = _git(["cat-file", "blob", f"{commit}:{path}"], root)
    return done.stdout if done.returncode == 0 else None


def changed(commit: str, root: Path) -> list[str]:
    """Tracked files that differ between the commit and the working tree (deleted ones included),
    plus untracked files not ignored."""
    diff = _git(["diff", "--no-renames", "--name-only", "-z", commit, "--"], root)
    if diff.returncode != 0:
        raise UsageError(f"--base: git diff against {commit[:12]} failed: {_err(diff)}")
    new = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    if new.returncode != 0:  # untracked files would drop out of the focus: fail closed, as for the diff
        raise UsageError(f"--base: git ls-files (the untracked files) failed: {_err(new)}")
    names = diff.stdout.decode("utf-8", "surrogateescape").split("\0")
    names += new.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({n for n in names if n})


def _err(done: subprocess.CompletedProcess[bytes]) -> str:
    return " ".join(done.stderr.decode("utf-8", "replace").split())[:300]
