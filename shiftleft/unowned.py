"""Deployables no manifest claims (SL822-SL824): nothing deployable merges without a manifest.

Three kinds, each marked by files the `[unowned]` globs select (relative to
the repository root; docs/evidence.md):

- a Kubernetes workload (`shiftleft.workloads`): claimed when its file is
  under some service's `spec.paths.infrastructure`; the finding points at
  the document's `kind:` line;
- a Terraform root, a folder holding `*.tf` files: claimed when each of
  them is under some `spec.paths.infrastructure`; the finding points at line
  1 of the first one that is not;
- a Python package, a folder with `__init__.py` whose parent has none (its
  subpackages belong to it): claimed when the folder is under some
  `spec.paths.code`; a project, a folder with `setup.py` or a
  `pyproject.toml` that declares one (`[project]`, `[build-system]` or
  `[tool.poetry]`): claimed when it is under a code path or holds one (the
  repository root's own is not judged: it is the repository's, often only
  its tooling, and its packages are judged one by one). The finding points
  at line 1 of the `__init__.py`, `pyproject.toml` or `setup.py`.

What discovery skips is skipped (`.git`, vendored and generated folders,
symlinked folders), and so is what the configuration's `exclude` and
`unowned.exclude` globs match. A claim is a declared path confined to the
repository as the loader confines it (no `..` or symlink escape). A run over
folders walks them; `check --changed` (the pre-commit hook) and file
arguments look at the given files only: each one's workloads, Terraform
folder or Python package.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from shiftleft.config import Config, Unowned
from shiftleft.discover import SKIP_DIRS, display_path, glob_regex, repo_root
from shiftleft.findings import Finding, Location, Severity, in_file_order
from shiftleft.paths import confine, real_folder

if TYPE_CHECKING:
    from shiftleft.manifest.model import Manifest
    from shiftleft.policy.catalog import Catalog
    from shiftleft.results import RunResult

RULES = {"kubernetes": "SL822", "terraform": "SL823", "python": "SL824"}
"""Kind of deployable to the rule that reports it unclaimed."""
_PROJECT = re.compile(rb"^\s*\[\s*(?:project|build-system|tool\.poetry)\s*\]", re.M)
_MARKERS = ("__init__.py", "pyproject.toml", "setup.py")


class Claims:
    """Every loaded manifest's `spec.paths`, resolved (once, when first asked) to real absolute paths."""

    def __init__(self) -> None:
        self._declared: list[tuple[str, str, list[str], list[str]]] = []
        self._sets: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None

    def add(self, manifest: Manifest) -> None:
        """Take the manifest's paths (valid or not: an invalid manifest still says what it owns)."""
        spec = manifest.raw.get("spec")
        paths = spec.get("paths") if isinstance(spec, dict) else None
        if isinstance(paths, dict):
            infra, code = _strings(paths.get("infrastructure")), _strings(paths.get("code"))
            if infra or code:
                self._declared.append((str(manifest.directory), str(manifest.root), infra, code))
                self._sets = None

    def owns(self, kind: str, real: str, holds: bool = False) -> bool:
        """Whether a claim of `kind`'s paths (infrastructure, or code for python) contains the real path;
        `holds`: or lies inside it (a Python project holding claimed code)."""
        infra, code, around = self._resolved()
        claimed = code if kind == "python" else infra
        if holds and real in around:
            return True
        path = real
        while True:
            if path in claimed:
                return True
            parent = os.path.dirname(path)
            if parent == path:
                return False
            path = parent

    def _resolved(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        if self._sets is None:
            infra: set[str] = set()
            code: set[str] = set()
            for folder, root, infra_values, code_values in self._declared:
                base, root_real = real_folder(os.path.normpath(os.path.abspath(folder))), os.path.realpath(root)
                for values, into in ((infra_values, infra), (code_values, code)):
                    for value in values:
                        if confine(base, root_real, value)[0] is None:  # SL008 reports the others
                            into.add(os.path.realpath(os.path.join(base, value)))
            around = {a for c in code for a in _ancestors(c)}
            self._sets = frozenset(infra), frozenset(code), frozenset(around)
        return self._sets


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

    def __init__(self, config: Config, cwd: Path) -> None:
        scope = config.unowned
        self.cwd = cwd
        self.kinds = {k: [glob_regex(g) for g in getattr(scope, k)] for k in RULES if getattr(scope, k)}
        skip = (*config.exclude, *scope.exclude)
        self.skip = [glob_regex(g) for g in skip]
        self.prune = [glob_regex(g[:-3]) for g in skip if g.endswith("/**")]

    def wanted(self, kind: str, rel: str) -> bool:
        return kind in self.kinds and any(p.match(rel) for p in self.kinds[kind]) and not self.excluded(rel)

    def excluded(self, rel: str) -> bool:
        return any(p.match(rel) for p in self.skip) or any(part in SKIP_DIRS for part in rel.split("/")[:-1])

    def walk(self, top: Path) -> Iterator[Deployable]:
        """Every deployable under the folder `top` (symlinked folders and skipped folders not entered)."""
        if not self.kinds:
            return  # every kind switched off: no walk
        real_top = os.path.realpath(top)
        root = str(repo_root(Path(real_top)) or real_top)
        start = "" if real_top == root else os.path.relpath(real_top, root).replace(os.sep, "/") + "/"
        stack: list[tuple[str, str, str, bool]] = [(str(top), real_top, start, False)]
        while stack:
            shown, real, rel, in_package = stack.pop()
            try:
                with os.scandir(real) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError:
                continue  # discovery reports a folder it cannot read (SL012)
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


def judge(found: Iterator[Deployable], claims: Claims, cwd: Path) -> list[tuple[str, Location, str]]:
    """(rule, where, message) of every deployable no claim covers; a Terraform root once, at its first file."""
    out: list[tuple[str, Location, str]] = []
    roots: set[str] = set()
    for d in found:
        if claims.owns(d.kind, d.owned, d.holds):
            continue
        if d.kind == "terraform":
            folder = os.path.dirname(d.owned)
            if folder in roots:
                continue
            roots.add(folder)
        shown = display_path(Path(d.file), cwd)
        where = shown.rsplit("/", 1)[0] + "/" if "/" in shown else "./"
        paths = "code" if d.kind == "python" else "infrastructure"
        subject = f"{d.what} in {shown}" if not d.folder else f"{d.what} {where} ({shown.rsplit('/', 1)[-1]})"
        message = (
            f"{subject} is in no service's spec.paths.{paths}: run `shiftleft init` for its service, "
            f"or add its folder to the spec.paths.{paths} of the manifest that owns it"
        )
        out.append((RULES[d.kind], Location(shown, d.line, d.col), message))
    return out


def apply(result: RunResult, found: list[tuple[str, Location, str]], catalog: Catalog,
          severity: Mapping[str, Severity], disable: Collection[str], scope: Unowned) -> RunResult:  # fmt: skip
    """`result` with the findings of no service, and the rules of the kinds looked for (`scope`) in its catalog."""
    from shiftleft.policy.catalog import Rule

    rules = []
    for kind, rule_id in RULES.items():
        rule = catalog.get(rule_id) or Rule(rule_id, "unowned", Severity.HIGH, "evidence", "", "", "", "", builtin=True)
        if rule_id not in disable and getattr(scope, kind):
            rules.append(rule)
    by_id = {r.id: r for r in rules}
    made = (
        Finding(r.id, r.name, severity.get(r.id, r.severity), r.category, "", where, message, r.remediation)
        for rule_id, where, message in found
        if (r := by_id.get(rule_id)) is not None
    )
    findings = tuple(sorted(made, key=Finding.sort_key))
    known = {r.id for r in result.catalog}
    catalog_ = (*result.catalog, *(r for r in rules if r.id not in known))
    every = in_file_order([result.findings, findings]) if findings else result.findings
    return result._replace(findings=every, unowned=findings, catalog=catalog_)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _ancestors(path: str) -> Iterator[str]:
    while True:
        yield path
        parent = os.path.dirname(path)
        if parent == path:
            return
        path = parent


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
