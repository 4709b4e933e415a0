"""A small git repository in a temporary folder, with the real git, for the `--base` mutant tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")
ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([GIT or "git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**ENV, "HOME": str(repo)})  # fmt: skip
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
