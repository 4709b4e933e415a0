"""A loaded manifest: raw values as written, typed values for CEL, and its problems."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from shiftleft.discover import Target
from shiftleft.errors import ManifestError
from shiftleft.manifest import schema, values, yamlsafe
from shiftleft.manifest.schema import Path_, Problem
from shiftleft.paths import confine, explain, inside, printable, real_folder, realpath


class Manifest:
    """One service manifest after loading. `problems` non-empty means it is not evaluated.

    Only the values as written are kept: a catalog of 10,000 manifests must fit
    the memory budget, so the typed view for CEL is computed when asked for.

    - `file`: absolute path of the manifest; `display`: the path as shown to the user;
    - `root`: repository root that every referenced path must stay inside;
    - `raw`: values as written (for messages);
    - `files`: every path the manifest declares, relative as written, and whether it exists;
    - `nodes`: the composed YAML node tree while it is useful for locating; `release()` drops it
      (not part of the repr nor of equality);
    - `placeholders`: (line, column, line text) of every value still marked `TODO` (`shiftleft init`'s
      placeholders), outside whole-line comments.
    """

    __slots__ = ("_typed", "display", "file", "files", "invalid", "nodes", "placeholders", "problems", "raw", "root")

    def __init__(
        self,
        file: Path,
        display: str,
        root: Path,
        raw: dict[str, Any] | None = None,
        files: dict[str, bool] | None = None,
        problems: list[ManifestError] | None = None,
        nodes: Any = None,
    ) -> None:
        self.file = file
        self.display = display
        self.root = root
        self.raw: dict[str, Any] = {} if raw is None else raw
        self.files: dict[str, bool] = {} if files is None else files
        self.problems: list[ManifestError] = [] if problems is None else problems
        self.nodes = nodes
        self.invalid: list[Path_] | None = None
        """Where a parsed manifest's values are wrong (schema and typing problems); None when it did not
        parse, so nothing of it can be evaluated."""
        self.placeholders: list[tuple[int, int, str]] = []
        self._typed: tuple[dict[str, Any], dict[str, Any]] | None = None
        """(raw, typed view of it) built while loading, until `release()`: the typed view is built once."""

    _COMPARED = ("file", "display", "root", "raw", "files", "problems")

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._COMPARED)
        return f"Manifest({fields})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._COMPARED)

    __hash__ = None  # type: ignore[assignment]  # mutable (decision 0022)

    def release(self) -> None:
        """Forget the node tree (it is several times the size of the values) and the typed view."""
        self.nodes = None
        self._typed = None

    @property
    def directory(self) -> Path:
        return self.file.parent

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def name(self) -> str:
        meta = self.raw.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"]:
            return str(meta["name"])
        return printable(self.file.parent.name) or self.display

    def exists(self, path: str) -> bool:
        """Whether a file or folder exists at `path` (relative to the manifest) inside the repository."""
        known = self.files.get(path)
        if known is not None:
            return known
        base = real_folder(os.path.normpath(os.path.abspath(self.directory)))
        problem, exists = confine(base, os.path.realpath(self.root), path)
        return problem is None and exists

    def typed(self) -> dict[str, Any]:
        """Values for CEL: durations as "Ns", dates in RFC 3339, percentages as doubles.

        Built on each call (keep the result while you need it), except the one
        loading built, kept until `release()` while `raw` is the same object;
        empty for an invalid manifest. Read-only: callers share it.
        """
        if not self.valid:
            return {}
        if self._typed is not None and self._typed[0] is self.raw:
            return self._typed[1]
        built = _Typer(self, check=False).walk(self.raw, schema.type_tree(), ())
        return built if isinstance(built, dict) else {}

    def valid_part(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The typed and the raw values of a parsed but invalid manifest without its invalid parts.

        Each wrong value is left out whole (a list with one wrong item is left
        out as a list, so the indexes of what remains never shift). None when
        the manifest did not parse or what remains cannot be typed.
        """
        if self.invalid is None:
            return None
        raw = _without(self.raw, self.invalid)
        try:
            built = _Typer(self, check=False).walk(raw, schema.type_tree(), ())
        except (ValueError, TypeError, KeyError):
            return None
        return (built, raw) if isinstance(built, dict) else None

    def locate(self, paths: list[tuple[Path_, bool]]) -> list[tuple[int, int]]:
        """1-based line and column of each (manifest path, point-at-key) pair.

        Uses the node tree kept from loading, or reads and composes the file
        once for the whole batch; an absent path resolves to its closest
        existing parent.
        """
        root = self.nodes
        if root is None:
            try:
                text = self.file.read_text(encoding="utf-8").removeprefix("\ufeff")
                root = yamlsafe.compose(text, self.display)
            except (OSError, UnicodeDecodeError, ManifestError):
                return [(1, 1)] * len(paths)
        return [yamlsafe.locate_in(root, path, key=key) for path, key in paths]


def load_target(target: Target, *, max_bytes: int = yamlsafe.MAX_BYTES) -> Manifest:
    """`load` a discovered manifest, or, when discovery skipped it, a manifest that is not read
    and carries one finding (`target.skip`) saying why."""
    if target.skip is None:
        return load(target.file, target.display, target.root, max_bytes=max_bytes)
    rule, reason = target.skip
    problem = ManifestError(rule, reason, file=target.display, line=1, col=1)
    return Manifest(file=target.file, display=target.display, root=target.root, problems=[problem])


def load(file: Path, display: str, root: Path, *, max_bytes: int = yamlsafe.MAX_BYTES) -> Manifest:
    """Read, parse, validate and type-check one manifest. Never raises for bad content."""
    manifest = Manifest(file=file, display=display, root=root)
    absolute, top = os.path.abspath(file), os.path.abspath(root)  # a path named on the CLI may lead anywhere
    if not inside(realpath(absolute), real_folder(top)):
        if os.path.islink(absolute):
            where = "the manifest is a symlink that leads outside the repository"
        elif inside(absolute, top):
            where = "a folder of the manifest's path is a symlink that leads outside the repository"
        else:
            where = "the manifest is outside the repository"
        manifest.problems.append(ManifestError("SL008", f"{where}; it was not read", file=display, line=1, col=1))
        return manifest
    try:
        text = yamlsafe.read_text(file, display, max_bytes)
        data, manifest.nodes = yamlsafe.parse_with_nodes(text, display)
    except ManifestError as e:
        manifest.problems.append(e)
        return manifest
    if not isinstance(data, dict):
        manifest.problems.append(
            ManifestError(
                "SL006",
                "a manifest is a mapping with apiVersion, kind, metadata and spec",
                file=display,
                line=1,
                col=1,
            )
        )
        return manifest
    manifest.raw = data
    if "TODO" in text:  # one C-speed scan; lines are split only when a marker is there
        manifest.placeholders = placeholders(text)
    problems = schema.validate(data)
    typer = _Typer(manifest, check=True)
    typed = typer.walk(data, schema.type_tree(), ())
    # Keep the typer's own problems (paths outside the repository, calendar
    # dates) where the schema had nothing to say about the same value.
    seen = {p.path for p in problems}
    problems += [p for p in typer.problems if p.path not in seen]
    if problems:
        # A missing key (SL005) leaves nothing wrong to take out; any other problem takes out its value.
        manifest.invalid = [prune_point(p.path) for p in problems if p.rule != "SL005"]
        positions = manifest.locate([(p.path, p.key) for p in problems])
        located = [
            ManifestError(p.rule, p.message, file=display, line=line, col=col)
            for p, (line, col) in zip(problems, positions, strict=True)
        ]
        manifest.problems.extend(sorted(located, key=lambda e: (e.line, e.col)))
    elif isinstance(typed, dict):
        manifest._typed = (data, typed)  # the rules read it next (engine.Evaluation.add)
    return manifest


def placeholders(text: str) -> list[tuple[int, int, str]]:
    """Lines holding a `TODO` marker (a `TODO-...` value or a `# TODO` note), whole-line comments aside."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if "TODO" in line and not stripped.startswith("#"):
            out.append((number, len(line) - len(stripped) + 1, " ".join(stripped.split())[:120]))
    return out


def prune_point(path: Path_) -> Path_:
    """The mapping key to leave out for a wrong value at `path`: list items take their whole list."""
    for i, part in enumerate(path):
        if isinstance(part, int):
            return path[:i]
    return path


def _without(raw: dict[str, Any], paths: list[Path_]) -> dict[str, Any]:
    """A copy of `raw` without the values at `paths` (copied only along those paths)."""
    out = dict(raw)
    for path in paths:
        if not path:
            return {}
        parent: Any = out
        for key in path[:-1]:
            child = parent.get(key) if isinstance(parent, dict) else None
            if not isinstance(child, dict):
                parent = None
                break
            parent[key] = child = dict(child)
            parent = child
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    return out


class _Typer:
    """Walks the values the schema types (durations, dates, percentages, integers, paths).

    It builds the typed copy for CEL; with `check=True` it also records what
    the schema cannot see (calendar dates, integers written as 3.0, paths
    leaving the repository).
    """

    def __init__(self, manifest: Manifest, *, check: bool) -> None:
        self.manifest = manifest
        self.check = check
        self.problems: list[Problem] = []
        if check:
            self._root_real = os.path.realpath(manifest.root)
            self._base = real_folder(os.path.normpath(os.path.abspath(manifest.directory)))

    def walk(self, value: Any, tree: Any, path: Path_) -> Any:
        if isinstance(tree, str):
            return self.leaf(value, tree, path)
        if isinstance(value, dict):
            if not tree:
                return value
            return {k: self.walk(v, tree[k], (*path, k)) if k in tree else v for k, v in value.items()}
        if isinstance(value, list) and tree and "*" in tree:
            return [self.walk(v, tree["*"], (*path, i)) for i, v in enumerate(value)]
        return value

    def leaf(self, value: Any, kind: str, path: Path_) -> Any:
        if kind in _CONVERTED:
            short = isinstance(value, int | float) or (isinstance(value, str) and len(value) <= _SHORT)
            converted, error = _convert(kind, value) if short else _typed(kind, value)
            if error is None:
                return converted
            if self.check:
                rule = "SL006" if kind == "percent" else "SL007"
                self.problems.append(Problem(rule, f"{schema.dotted(path)}: {error}", path))
            return value
        if self.check:
            if kind == "integer" and isinstance(value, float):
                where = schema.dotted(path)
                self.problems.append(Problem("SL006", f"{where} must be an integer, not {value}", path))
            elif kind == "path" and isinstance(value, str):
                self.check_path(value, path)
        return value

    def check_path(self, value: str, path: Path_) -> None:
        problem, exists = confine(self._base, self._root_real, value)
        if problem is None:
            self.manifest.files[value] = exists
            return
        rule = "SL006" if problem == "a control character" else "SL008"
        message = f"{schema.dotted(path)}: {explain(value, problem, _ANCHOR)}"
        if problem in ("outside", "symlink"):  # say which folder was taken as the repository
            why = (
                "the folder holding .git"
                if os.path.lexists(os.path.join(self._root_real, ".git"))
                else ("the checked folder, as it is not in a git repository")
            )
            message += f" ({self._root_real}, {why})"
        self.problems.append(Problem(rule, message, path))


_ANCHOR = "the manifest's folder"
_CONVERTED = frozenset({"duration", "date", "percent"})
_SHORT = 40
"""Longer text is converted each time: the cache holds no large value of an untrusted manifest."""


def _typed(kind: str, value: Any) -> tuple[Any, str | None]:
    """A duration, date or percentage as CEL takes it, or why it is not one."""
    try:
        if kind == "duration":
            return values.cel_duration(values.parse_duration(value)), None
        if kind == "date":
            return values.cel_timestamp(values.parse_date(value)), None
        return values.parse_percent(value), None
    except ValueError as e:
        return None, str(e)


_convert = functools.lru_cache(maxsize=4096, typed=True)(_typed)
"""`_typed` remembered: a catalog writes the same few durations, dates and percentages again and again
(`typed`: `True` and `1` are different keys)."""
