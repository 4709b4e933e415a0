"""Finding manifests: walk the given paths, or map given files to the services that own them.

Nothing the checkout controls may hide a manifest (DESIGN.md section 10). A
file the manifest globs match is either checked or returned with the reason it
is not (`Target.skip`), which the pipeline turns into a finding:

- inside a folder of vendored or generated files (`VENDOR_DIRS`, by name):
  SL012, which fails the gate, since a pull request can name its folders;
- matched by the configuration's `exclude` globs: SL013 (info), visible in
  every report;
- a folder that cannot be read: SL012 on the folder.

Only `.git` is never entered: git refuses to check out a path named `.git`,
so no pull request can put a manifest there. Symlinked folders are not
followed (what they point to is checked where it lives, if inside the
repository); a symlinked manifest is loaded and confined by `manifest.model`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from shiftleft.errors import UsageError
from shiftleft.paths import printable

VENDOR_DIRS = frozenset(
    {
        ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".terraform", "site-packages", ".eggs",
    }
)  # fmt: skip
"""Folders of vendored or generated files: a manifest inside one is reported, not checked."""
SKIP_DIRS = VENDOR_DIRS | {".git"}
"""Folders that hold no service's own files (for `init`, which only looks for evidence)."""

NOT_CHECKED = "SL012"
EXCLUDED = "SL013"


class Target(NamedTuple):
    """A manifest to check, or one matched by the globs that is reported instead."""

    file: Path
    """Absolute path."""
    display: str
    """Relative to the working directory when inside it; undecodable bytes shown as U+FFFD."""
    root: Path
    """Repository root for path confinement."""
    skip: tuple[str, str] | None = None
    """(rule id, reason) when the manifest is not checked; None when it is."""


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
        shown = path.relative_to(cwd).as_posix()
    except ValueError:
        shown = path.as_posix()
    return printable(shown)


def discover(
    paths: list[str],
    manifests: tuple[str, ...],
    exclude: tuple[str, ...],
    cwd: Path,
    *,
    vendored: bool = True,
) -> list[Target]:
    """Manifests under directories, and the manifests owning given files.

    A file that is itself a manifest is checked; any other file is mapped to
    the nearest manifest in its folder or above (so a staged Terraform file
    checks its service). Files no manifest owns are ignored. `vendored=False`
    does not enter vendor folders while walking (the pre-commit hook, which
    reports only the owners of the files it is given).
    """
    include = [glob_regex(g) for g in manifests]
    skip = [(g, glob_regex(g)) for g in exclude]
    names = {g.rsplit("/", 1)[-1] for g in manifests if "*" not in g.rsplit("/", 1)[-1]}
    found: dict[Path, Target] = {}
    for arg in paths or ["."]:
        path = (cwd / arg).absolute()
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"path not found: {printable(arg)}")
        if path.is_dir():
            root = repo_root(path.resolve()) or path.resolve()
            for file, why in _walk(path, include, skip, vendored):
                found.setdefault(file, Target(file, display_path(file, cwd), root, why))
        else:
            owner = _owner(path, include, names)
            if owner is not None:
                root = repo_root(owner.parent.resolve()) or (cwd if _is_inside(owner, cwd) else owner.parent)
                base = root if _is_inside(owner, root) else cwd
                rel = os.path.relpath(owner, base).replace(os.sep, "/")
                why = _excluded(rel, skip) or _vendor_reason(rel.split("/")[:-1])
                found.setdefault(owner, Target(owner, display_path(owner, cwd), root, why))
    return sorted(found.values(), key=lambda t: t.display)


def _walk(
    top: Path, include: list[re.Pattern[str]], skip: list[tuple[str, re.Pattern[str]]], vendored: bool
) -> list[tuple[Path, tuple[str, str] | None]]:
    out: list[tuple[Path, tuple[str, str] | None]] = []
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(top, onerror=unreadable.append):
        dirs[:] = sorted(d for d in dirs if d != ".git" and (vendored or d not in VENDOR_DIRS))
        rel_folder = os.path.relpath(folder, top).replace(os.sep, "/")
        parts = [] if rel_folder == "." else rel_folder.split("/")
        vendor = _vendor_reason(parts)
        # A folder under a manifest's name is reported (the loader: "not a regular file"), never skipped silently.
        for name in [*files, *(d for d in dirs if d.endswith((".yaml", ".yml")))]:
            rel = name if not parts else f"{rel_folder}/{name}"
            if any(p.match(rel) for p in include):
                # An explicit exclusion wins: it is how a vendored manifest is accepted (SL013, not SL012).
                out.append((Path(folder) / name, _excluded(rel, skip) or vendor))
    for error in unreadable:
        reason = f"not checked: this folder cannot be read ({error.strerror or error}); fix its permissions"
        out.append((Path(str(error.filename)), (NOT_CHECKED, reason)))
    return out


def _vendor_reason(parts: list[str]) -> tuple[str, str] | None:
    for i, part in enumerate(parts):
        if part in VENDOR_DIRS:
            where = printable("/".join(parts[: i + 1]))
            return NOT_CHECKED, (
                f"not checked: inside {where}/, a folder of vendored or generated files; move the service out, "
                "or add it to the configuration's `exclude` globs"
            )
    return None


def _excluded(rel: str, skip: list[tuple[str, re.Pattern[str]]]) -> tuple[str, str] | None:
    for glob, pattern in skip:
        if pattern.match(rel):
            return EXCLUDED, f"not checked: excluded by the configuration's `exclude` glob {glob!r}"
    return None


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
