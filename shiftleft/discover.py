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
    text, top = str(path), str(cwd)
    if os.sep == "/" and path.is_absolute() and cwd.is_absolute():  # Path.relative_to, by string (per manifest)
        prefix = top if top.endswith("/") else top + "/"
        shown = "." if text == top else text[len(prefix) :] if text.startswith(prefix) else text
        return printable(shown)
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
    listing: dict[str, list[os.DirEntry[str]]] | None = None,
) -> list[Target]:
    """Manifests under directories, and the manifests owning given files.

    A file that is itself a manifest is checked; any other file is mapped to
    the nearest manifest in its folder or above (so a staged Terraform file
    checks its service). Files no manifest owns are ignored. `vendored=False`
    does not enter vendor folders while walking (the pre-commit hook, which
    reports only the owners of the files it is given). `listing`, when given, receives each walked
    folder's entries by its path, for `factcache` to answer questions about files without asking the file
    system again: only from a walk that starts at a real path, so every folder it names is a real folder.
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
            real = listing if listing is not None and os.path.realpath(path) == str(path) else None
            for file, why in _walk(path, include, skip, vendored, _literal_names(manifests), real):
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
    top: Path,
    include: list[re.Pattern[str]],
    skip: list[tuple[str, re.Pattern[str]]],
    vendored: bool,
    literal: frozenset[str] | None = None,
    listing: dict[str, list[os.DirEntry[str]]] | None = None,
) -> list[tuple[Path, tuple[str, str] | None]]:
    """Every file under `top` the globs match, as `os.walk` (not following symlinked folders) would find it.

    One `scandir` per folder with the relative path built as it goes: `os.walk` plus a `relpath` per folder
    was a third of the warm pre-commit hook in a 1,000-service repository (decision 0018).
    """
    out: list[tuple[Path, tuple[str, str] | None]] = []
    unreadable: list[tuple[str, OSError]] = []
    stack: list[tuple[str, str]] = [(str(top), "")]  # a folder and its path relative to `top`, with a "/"
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                listed = list(entries)
        except OSError as e:
            unreadable.append((folder, e))
            continue
        if listing is not None:
            listing[folder] = listed
        for entry in listed:
            name = entry.name
            try:
                real_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                real_dir = False
            if real_dir:
                if name != ".git" and (vendored or name not in VENDOR_DIRS):
                    stack.append((entry.path, f"{prefix}{name}/"))
                if not name.endswith((".yaml", ".yml")):
                    continue
                # A folder under a manifest's name is reported (the loader: "not a regular file"), never
                # skipped silently.
            if literal is not None and name not in literal:
                continue
            try:
                if entry.is_symlink() and entry.is_dir():
                    continue  # a symlinked folder is not entered (os.walk lists it as a folder, not a file)
            except OSError:
                pass
            rel = prefix + name
            if any(p.match(rel) for p in include):
                # An explicit exclusion wins: it is how a vendored manifest is accepted (SL013, not SL012).
                vendor = _vendor_reason(prefix.split("/")[:-1])
                out.append((Path(folder) / name, _excluded(rel, skip) or vendor))
    for folder, error in unreadable:  # after the manifests, as os.walk's onerror reported them
        reason = f"not checked: this folder cannot be read ({error.strerror or error}); fix its permissions"
        out.append((Path(folder), (NOT_CHECKED, reason)))
    return out


def _literal_names(globs: tuple[str, ...]) -> frozenset[str] | None:
    """The file names the globs can match when each ends in a plain name (`**/shiftleft.yaml`); None: any."""
    last = [g.rsplit("/", 1)[-1] for g in globs]
    if any(not name or "*" in name or "?" in name for name in last):
        return None
    return frozenset(last)


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
