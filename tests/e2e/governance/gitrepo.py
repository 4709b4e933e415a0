"""A small git repository in a temporary folder, with the real git, for the `--base` mutant tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")
ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"}


def git(repo: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([GIT or "git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**ENV, "HOME": str(repo)}, input=stdin)  # fmt: skip
    return done.stdout.strip()


def commit(repo: Path, message: str = "c") -> str:
    """Commit everything; the new commit's id."""
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def init(root: Path, files: dict[str, str]) -> str:
    """`git init` on `main` with these files committed; the commit's id."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return commit(root, "base")


class Gitlink(NamedTuple):
    """A submodule entry of a crafted tree: the commit it pins (which need not exist here)."""

    commit: str


Tree = list[tuple[str, "str | Gitlink | Tree"]]


def crafted(repo: Path, tree: Tree) -> str:
    """A commit git's porcelain never makes (a `.git` entry, two entries of one name, a name too long for the
    file system, a submodule), written with `git mktree`: (name, text) is a file, (name, [...]) a folder. The commit's id."""
    tree_id = _tree(repo, tree)
    return git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit-tree", "-m", "crafted", tree_id)


def _tree(repo: Path, tree: Tree) -> str:
    lines = []
    for name, value in tree:
        if isinstance(value, Gitlink):
            lines.append(f"160000 commit {value.commit}\t{name}\n")
        elif isinstance(value, str):
            lines.append(f"100644 blob {git(repo, 'hash-object', '-w', '--stdin', stdin=value)}\t{name}\n")
        else:
            lines.append(f"040000 tree {_tree(repo, value)}\t{name}\n")
    return git(repo, "mktree", stdin="".join(lines))
