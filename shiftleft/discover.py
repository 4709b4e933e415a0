"""Finding manifests: walk the given paths, or map given files to the services that own them."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from shiftleft.errors import UsageError

SKIP_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", "site-packages", ".eggs",
    }
)  # fmt: skip


class Target(NamedTuple):
    """A manifest to check."""

    file: Path
    """Absolute path."""
    display: str
    """Relative to the working directory when inside it."""
    root: Path
    """Repository root for path confinement."""


def glob_regex(pattern: str) -> re.Pattern[str]:
    """`**/shiftleft.yaml` style globs as a regex over '/'-separated relative paths."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def repo_root(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def display_path(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: list[str], manifests: tuple[str, ...], exclude: tuple[str, ...], cwd: Path) -> list[Target]:
    """Manifests under directories, and the manifests owning given files.

    A file that is itself a manifest is checked; any other file is mapped to
    the nearest manifest in its folder or above (so a staged Terraform file
    checks its service). Files no manifest owns are ignored.
    """
    include = [glob_regex(g) for g in manifests]
    skip = [glob_regex(g) for g in exclude]
    names = {g.rsplit("/", 1)[-1] for g in manifests if "*" not in g.rsplit("/", 1)[-1]}
    found: dict[Path, Target] = {}
    for arg in paths or ["."]:
        path = (cwd / arg).absolute()
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"path not found: {arg}")
        if path.is_dir():
            root = repo_root(path.resolve()) or path.resolve()
            for file in _walk(path, include, skip):
                found.setdefault(file, Target(file, display_path(file, cwd), root))
        else:
            owner = _owner(path, include, names)
            if owner is not None:
                root = repo_root(owner.parent.resolve()) or (cwd if _is_inside(owner, cwd) else owner.parent)
                found.setdefault(owner, Target(owner, display_path(owner, cwd), root))
    return sorted(found.values(), key=lambda t: t.display)


def _walk(top: Path, include: list[re.Pattern[str]], skip: list[re.Pattern[str]]) -> list[Path]:
    out = []
    for folder, dirs, files in os.walk(top):
        if "pyvenv.cfg" in files and folder != str(top):  # a virtualenv: skip it whole
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        rel_folder = os.path.relpath(folder, top).replace(os.sep, "/")
        for name in files:
            rel = name if rel_folder == "." else f"{rel_folder}/{name}"
            if any(p.match(rel) for p in include) and not any(p.match(rel) for p in skip):
                out.append(Path(folder) / name)
    return out


def _owner(path: Path, include: list[re.Pattern[str]], names: set[str]) -> Path | None:
    if any(p.match(path.name) or p.match(path.as_posix()) for p in include):
        return path
    for folder in path.parents:
        for name in sorted(names):
            candidate = folder / name
            if candidate.is_file():
                return candidate
        if (folder / ".git").exists():
            break
    return None


def _is_inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
