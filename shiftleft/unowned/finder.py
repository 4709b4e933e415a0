"""Where the deployables are: Kubernetes workloads, Terraform roots and Python packages or projects that the
`[unowned]` globs select, found by walking folders or from the changed files alone (the hook)."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from shiftleft.config import Config
from shiftleft.discover import SKIP_DIRS, glob_regex, repo_root
from shiftleft.paths import real_folder

_PROJECT = re.compile(rb"^\s*\[\s*(?:project|build-system|tool\.poetry)\s*\]", re.M)
_MARKERS = ("__init__.py", "pyproject.toml", "setup.py")
RULES = {"kubernetes": "SL822", "terraform": "SL823", "python": "SL824"}
"""Kind of deployable to the rule that reports it unclaimed."""


class Deployable(NamedTuple):
    kind: str
    """kubernetes, terraform or python."""
    file: str
    """The file the finding points at, as found (absolute, symlinks not resolved)."""
    owned: str
    """The real path whose claim decides (the file for Kubernetes, the folder otherwise)."""
    line: int
    col: int
    what: str
    """`Deployment 'web'`, `Terraform root`, `Python package` ..."""
    folder: bool = True
    """Whether the message names the folder (otherwise the file)."""
    holds: bool = False
    """A Python project: also claimed when it holds a claimed code path."""


class Finder:
    """Where deployables are and which globs select them, for one run."""

    def __init__(self, config: Config, cwd: Path, manifests: Collection[str] = ()) -> None:
        """`manifests`: the files discovery found as manifests to check, as it found them (absolute paths, not
        resolved). None of them is read as a Kubernetes workload: a manifest is one document of `kind:
        Service`, and a file that hides a workload under a manifest's name is an invalid manifest, a finding
        of its own (SL0xx). A 1,000-service run then opens 1,000 files fewer."""
        scope = config.unowned
        self.cwd = cwd
        self.manifests = manifests
        """Set once discovery has run, when the finder was made before it (`pipeline`)."""
        self.kinds = {k: [glob_regex(g) for g in getattr(scope, k)] for k in RULES if getattr(scope, k)}
        skip = (*config.exclude, *scope.exclude)
        self.skip = [glob_regex(g) for g in skip]
        self.prune = [glob_regex(g[:-3]) for g in skip if g.endswith("/**")]

    def wanted(self, kind: str, rel: str) -> bool:
        return kind in self.kinds and any(p.match(rel) for p in self.kinds[kind]) and not self.excluded(rel)

    def excluded(self, rel: str) -> bool:
        return any(p.match(rel) for p in self.skip) or any(part in SKIP_DIRS for part in rel.split("/")[:-1])

    def walk(self, top: Path, listing: Mapping[str, list[os.DirEntry[str]]] | None = None) -> Iterator[Deployable]:
        """Every deployable under the folder `top` (symlinked folders and skipped folders not entered).

        `listing`: discovery's entries of the real folders it walked (`discover.discover`), read instead of
        listing those folders again: one walk of the repository per run, not two.
        """
        if not self.kinds:
            return  # every kind switched off: no walk
        real_top = os.path.realpath(top)
        root = str(repo_root(Path(real_top)) or real_top)
        start = "" if real_top == root else os.path.relpath(real_top, root).replace(os.sep, "/") + "/"
        stack: list[tuple[str, str, str, bool]] = [(str(top), real_top, start, False)]
        while stack:
            shown, real, rel, in_package = stack.pop()
            listed = listing.get(real) if listing is not None else None
            if listed is None:
                try:
                    with os.scandir(real) as found:
                        listed = list(found)
                except OSError:
                    continue  # discovery reports a folder it cannot read (SL012)
            entries = sorted(listed, key=lambda e: e.name)
            files = []
            package = any(e.name == "__init__.py" and _is_file(e) for e in entries)
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    sub = f"{rel}{entry.name}"
                    if entry.name not in SKIP_DIRS and not any(p.match(sub) for p in self.prune):
                        stack.append((os.path.join(shown, entry.name), entry.path, sub + "/", package))
                elif _is_file(entry):
                    files.append(entry.name)
            yield from self._folder(root, shown, real, rel, files, package and not in_package)

    def look(self, files: Sequence[str]) -> Iterator[Deployable]:
        """The deployables the given files belong to (the hook's changed files), each once."""
        seen: set[tuple[str, str]] = set()
        for name in files if self.kinds else ():
            path = os.path.normpath(os.path.join(self.cwd, name))
            if not os.path.isfile(path):
                continue  # deleted, or a folder: nothing to look at
            folder, base = os.path.split(path)
            real = real_folder(folder)
            root = str(repo_root(Path(real)) or real)
            rel_folder = "" if real == root else os.path.relpath(real, root).replace(os.sep, "/") + "/"
            if base.endswith(".py") and base != "setup.py":  # a module or __init__.py: its top package
                top = _top_package(folder, root)
                if top is None:
                    continue
                folder, real = top, real_folder(top)
                rel_folder = "" if real == root else os.path.relpath(real, root).replace(os.sep, "/") + "/"
                names, package = ["__init__.py"], True
            elif base.endswith(".tf") or base in _MARKERS:
                names, package = _files_in(real), False  # a root is the whole folder
            else:
                names, package = [base], False
            for found in self._folder(root, folder, real, rel_folder, names, package, only=base):
                if (found.kind, found.file) not in seen:
                    seen.add((found.kind, found.file))
                    yield found

    def _folder(self, root: str, shown: str, real: str, rel: str, names: list[str], package: bool,
                only: str | None = None) -> Iterator[Deployable]:  # fmt: skip
        """The deployables of one folder: `names` are its files; `package`: the top of a Python package;
        `only`: a changed file (its YAML alone, or its folder's Terraform or Python markers)."""
        from shiftleft import workloads

        for name in names:
            if (only is None or name == only) and self.wanted("kubernetes", rel + name):
                if os.path.join(shown, name) in self.manifests:
                    continue
                path = os.path.join(real, name)
                target = os.path.realpath(path)
                if not (target == root or target.startswith(root.rstrip(os.sep) + os.sep)):
                    continue  # a symlink out of the repository is not read (as evidence does not scan it)
                found, problem = workloads.read(target, name)
                for w in found:
                    what = f"{w.kind} {w.name!r}" if w.name else w.kind
                    if problem:
                        what += f" (the file is not valid YAML: {problem})"
                    yield Deployable("kubernetes", os.path.join(shown, name), path, w.line, w.col, what, False)
        tf = [n for n in names if n.endswith(".tf") and self.wanted("terraform", rel + n)]
        if tf and (only is None or only.endswith(".tf")):
            for name in tf:
                yield Deployable("terraform", os.path.join(shown, name), os.path.join(real, name), 1, 1,
                                 "Terraform root")  # fmt: skip
        if only is not None and not only.endswith(".py") and only not in _MARKERS:
            return
        if package and "__init__.py" in names and self.wanted("python", rel + "__init__.py"):
            yield Deployable("python", os.path.join(shown, "__init__.py"), real, 1, 1, "Python package")
        for marker in ("pyproject.toml", "setup.py") if real != root else ():  # the root is the repository
            if marker in names and self.wanted("python", rel + marker) and _project(os.path.join(real, marker)):
                yield Deployable("python", os.path.join(shown, marker), real, 1, 1, "Python project", holds=True)
                break


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()  # a symlinked file counts where it is (its target is judged where it lives too)
    except OSError:
        return False


def _files_in(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as listing:
            return sorted(e.name for e in listing if _is_file(e))
    except OSError:
        return []


def _top_package(folder: str, root: str) -> str | None:
    """The outermost folder above `folder` (itself included, the repository's root not) of an unbroken chain
    of `__init__.py`; None when `folder` is not in a package."""
    top = None
    while os.path.isfile(os.path.join(folder, "__init__.py")) and real_folder(folder) != root:
        top = folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return top


def _project(path: str) -> bool:
    """Whether `setup.py` or a `pyproject.toml` (with a project, build system or Poetry table) makes a project;
    a pyproject.toml that cannot be read counts as one (fail closed)."""
    if path.endswith("setup.py"):
        return True
    try:
        with open(path, "rb") as fh:
            data = fh.read(1024 * 1024)
    except OSError:
        return True
    return _PROJECT.search(data) is not None
