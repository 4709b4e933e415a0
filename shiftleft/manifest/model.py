"""A loaded manifest: raw values as written, typed values for CEL, and its problems."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shiftleft.errors import ManifestError
from shiftleft.manifest import schema, values, yamlsafe
from shiftleft.manifest.schema import Path_, Problem


@dataclass
class Manifest:
    """One service manifest after loading. `problems` non-empty means it is not evaluated."""

    file: Path
    """Absolute path of the manifest."""
    display: str
    """Path as shown to the user."""
    root: Path
    """Repository root that every referenced path must stay inside."""
    raw: dict[str, Any] = field(default_factory=dict)
    """Values as written (for messages)."""
    typed: dict[str, Any] = field(default_factory=dict)
    """Values for CEL: durations in seconds, dates in RFC 3339, percentages as doubles."""
    files: dict[str, bool] = field(default_factory=dict)
    """Every path the manifest declares, relative as written, and whether it exists."""
    problems: list[ManifestError] = field(default_factory=list)

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
        return self.file.parent.name or self.display

    def locate(self, paths: list[tuple[Path_, bool]]) -> list[tuple[int, int]]:
        """1-based line and column of each (manifest path, point-at-key) pair.

        Reads and composes the file once for the whole batch; an absent path
        resolves to its closest existing parent.
        """
        try:
            text = self.file.read_text(encoding="utf-8").removeprefix("\ufeff")
            root = yamlsafe.compose(text, self.display)
        except (OSError, UnicodeDecodeError, ManifestError):
            return [(1, 1)] * len(paths)
        return [yamlsafe.locate_in(root, path, key=key) for path, key in paths]


def load(file: Path, display: str, root: Path, *, max_bytes: int = yamlsafe.MAX_BYTES) -> Manifest:
    """Read, parse, validate and type one manifest. Never raises for bad content."""
    manifest = Manifest(file=file, display=display, root=root)
    try:
        text = yamlsafe.read_text(file, display, max_bytes)
        data = yamlsafe.parse(text, display)
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
    problems = schema.validate(data)
    typer = _Typer(manifest)
    typed = typer.typed(data, schema.type_tree(), ())
    if problems:
        # Keep the typer's own problems (paths outside the repository, calendar
        # dates) where the schema had nothing to say about the same value.
        seen = {p.path for p in problems}
        problems += [p for p in typer.problems if p.path not in seen]
    else:
        manifest.typed = typed
        problems = typer.problems
    if problems:
        for text_problem in _located(manifest, text, problems):
            manifest.problems.append(text_problem)
    return manifest


def _located(manifest: Manifest, text: str, problems: list[Problem]) -> list[ManifestError]:
    root = yamlsafe.compose(text, manifest.display)
    out = []
    for p in problems:
        line, col = yamlsafe.locate_in(root, p.path, key=p.key)
        out.append(ManifestError(p.rule, p.message, file=manifest.display, line=line, col=col))
    out.sort(key=lambda e: (e.line, e.col))
    return out


class _Typer:
    """Builds the typed copy, checking what the schema cannot: calendar dates, path confinement."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.problems: list[Problem] = []
        self._root_real = os.path.realpath(manifest.root)

    def typed(self, value: Any, tree: Any, path: Path_) -> Any:
        if isinstance(tree, str):
            return self.leaf(value, tree, path)
        if isinstance(value, dict):
            if not tree:
                return value
            return {k: self.typed(v, tree.get(k), (*path, k)) if k in tree else v for k, v in value.items()}
        if isinstance(value, list) and tree and "*" in tree:
            return [self.typed(v, tree["*"], (*path, i)) for i, v in enumerate(value)]
        return value

    def leaf(self, value: Any, kind: str, path: Path_) -> Any:
        try:
            if kind == "duration":
                return values.cel_duration(values.parse_duration(value))
            if kind == "date":
                return values.cel_timestamp(values.parse_date(value))
            if kind == "percent":
                return values.parse_percent(value)
        except ValueError as e:
            rule = "SL006" if kind == "percent" else "SL007"
            self.problems.append(Problem(rule, f"{schema.dotted(path)}: {e}", path))
            return value
        if isinstance(value, str):
            self.check_path(value, path)
        return value

    def check_path(self, value: str, path: Path_) -> None:
        where = schema.dotted(path)
        if os.path.isabs(value) or value.startswith("~") or (len(value) > 1 and value[1] == ":"):
            self.problems.append(
                Problem("SL008", f"{where}: {value!r} is absolute; write it relative to the manifest's folder", path)
            )
            return
        joined = os.path.normpath(os.path.join(self.manifest.directory, value))
        root = os.path.normpath(self.manifest.root)
        if not _inside(joined, root):
            self.problems.append(
                Problem("SL008", f"{where}: {value!r} points outside the repository", path)
            )
            return
        exists = os.path.exists(joined)
        if exists and not _inside(_realpath(joined), self._root_real):
            self.problems.append(
                Problem("SL008", f"{where}: {value!r} is a symlink that leads outside the repository", path)
            )
            return
        self.manifest.files[value] = exists


@functools.lru_cache(maxsize=16384)
def _real_folder(folder: str) -> str:
    """realpath of a normalised absolute folder, one lstat per uncached component."""
    parent, name = os.path.split(folder)
    if not name:
        return folder
    candidate = os.path.join(_real_folder(parent), name)
    return os.path.realpath(candidate) if os.path.islink(candidate) else candidate


def _realpath(path: str) -> str:
    """os.path.realpath with the folder part cached: manifests name many files in few folders."""
    folder, name = os.path.split(path)
    real = os.path.join(_real_folder(folder), name)
    return os.path.realpath(real) if os.path.islink(real) else real


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
