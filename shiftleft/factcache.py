"""Loaded, validated facts of unchanged manifests, remembered across runs (the pre-commit hook's cache).

`check --changed` evaluates only the changed manifests and their dependents,
but the graph needs every service of the repository. Parsing, validating and
typing 1,000 unchanged manifests is most of the hook's time, so a run that
has a focus keeps, for every valid manifest, what the engine keeps of a
manifest outside the focus (`engine.Evaluation.add`): its graph node, its
sections the graph rules read (`Evaluation.keep`) marshalled as the engine
packs them, its name, tier and `spec.paths` (which files it owns,
`shiftleft.unowned`), and the answers about the paths it declares. Such a
manifest is then neither parsed nor decoded: the engine takes the node and
the bytes as they are (`engine.Known`), and decodes the bytes only if the
service depends on the focus.

One entry ("pack") per repository root, in the rule cache's folder and under
its MAC (`policy.cache`), marshalled (decision 0028): a pack whose MAC,
format or versions do not match is a miss. Inside a pack, a manifest's facts
are used only when all of these are the same as when they were stored, so a
stale entry cannot be used:

- the manifest's bytes (BLAKE2b-256 of the content; its path and path as
  shown are part of the lookup);
- shiftleft's version, the CEL library's build and the interpreter's version
  (the MAC'd identity), and a fingerprint of the loader's and the graph
  node's own source and the shipped schema, so an edited schema or loader
  misses even without a version change;
- the sections the rule set reads (`keep`) and the size limit for manifests;
- for every path the manifest declares: still inside the repository, and
  whether it exists (checked on every use, as loading would).

Only valid manifests are stored; invalid ones are always parsed, so their
findings come from the loader itself. Rules, tiers and every finding are
evaluated fresh on every run: the cache holds inputs, never results.
`SHIFTLEFT_NO_CACHE=1` turns it off, like the rule cache.
"""

from __future__ import annotations

import functools
import json
import marshal
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shiftleft.discover import Target
from shiftleft.engine import Known, _tier_number, _trim
from shiftleft.graph import nodes
from shiftleft.manifest import model
from shiftleft.paths import present, real_folder, still
from shiftleft.policy import cache

FORMAT = 2
PACKS = 8
"""At most this many packs (one per repository root and rule set) stay in the cache folder."""
MAX_AGE = 30 * 24 * 3600.0
"""A pack not written for this long (seconds) is removed when another pack is written."""
_LOADER = (
    "paths.py", "discover.py", "manifest/model.py", "manifest/schema.py", "manifest/values.py",
    "manifest/yamlsafe.py", "schema/manifest.schema.json", "graph/nodes.py", "factcache.py", "engine.py",
    "results.py",
)  # fmt: skip


class Facts:
    """The pack of one run: cached facts to use, and the facts of this run to store."""

    def __init__(
        self, root: Path, keep: Mapping[str, frozenset[str] | None], max_bytes: int,
        listing: Mapping[str, list[os.DirEntry[str]]] | None = None,
    ) -> None:  # fmt: skip
        self.max_bytes = max_bytes
        self.walked = _Walked(listing or {})
        self.keep = keep
        """The engine's: the packed sections are `engine._trim(raw, keep)`, in this order."""
        shown = json.dumps([[k, sorted(v) if v is not None else None] for k, v in keep.items()])
        self.material = f"facts\0{FORMAT}\0{_fingerprint()}\0{root}\0{max_bytes}\0{shown}"
        self.name = cache.entry_name("facts", self.material)
        content = cache.load_entry(self.name) if cache.enabled() else None
        entries = content.get("entries") if content is not None and content.get("key") == self.material else None
        self.cached: dict[str, Any] = entries if isinstance(entries, dict) else {}
        self.now: dict[str, Any] = {}
        """The entries of this run's manifests (what `save` writes)."""
        self.hits = 0
        self.changed = False

    def load(self, target: Target, focused: bool) -> tuple[model.Manifest, Known | None]:
        """The manifest at `target`, loaded; or, when it is outside the focus and unchanged, from the pack: then
        with the engine's `Known` facts, and `raw` holding only its name, tier and `spec.paths`."""
        if target.skip is not None:  # not read at all (a vendored or excluded manifest): the loader says why
            return model.load_target(target, max_bytes=self.max_bytes), None
        data = _read(target.file, self.max_bytes)
        digest = _digest(data) if data is not None else None
        key = str(target.file)
        if digest is not None and not focused:
            restored = self._restore(self.cached.get(key), target, digest)
            if restored is not None:
                self.hits += 1
                self.now[key] = self.cached[key]
                return restored
        manifest = model.load(target.file, target.display, target.root, max_bytes=self.max_bytes)
        if digest is not None and manifest.valid:
            entry = self._entry(manifest, target, digest)
            if entry is not None and _digest(_read(target.file, self.max_bytes)) == digest:  # not edited meanwhile
                self.now[key] = entry
                self.changed = self.changed or not _same_entry(entry, self.cached.get(key))
                return manifest, None
        self.changed = self.changed or key in self.cached
        return manifest, None

    def save(self) -> None:
        """Store this run's entries when anything was parsed or a manifest went away."""
        if cache.enabled() and (self.changed or self.now.keys() != self.cached.keys()):
            cache.store_entry(self.name, {"key": self.material, "entries": self.now}, binary=True)
            cache.prune("facts", self.name, most=PACKS, max_age=MAX_AGE)  # only when writing: a warm run never

    def _entry(self, manifest: model.Manifest, target: Target, digest: str) -> tuple[Any, ...] | None:
        """(digest, display, root, declared paths, node, packed sections, name, tier, spec.paths), or None."""
        spec = manifest.raw.get("spec")
        paths = spec.get("paths") if isinstance(spec, dict) else None
        node = nodes.from_manifest(manifest.raw, manifest.name, True)
        try:
            packed = marshal.dumps(_trim(manifest.raw, self.keep))
            entry = (digest, target.display, str(target.root), dict(manifest.files), nodes.to_plain(node), packed,
                     manifest.name, _tier_number(manifest), paths)  # fmt: skip
            if not _same(marshal.loads(marshal.dumps(entry)), entry):  # noqa: S302  # our own bytes
                return None  # a value marshal would not give back as it is: never cached
        except (TypeError, ValueError):
            return None
        return entry

    def _restore(self, entry: Any, target: Target, digest: str) -> tuple[model.Manifest, Known] | None:
        if type(entry) is not tuple or len(entry) != 9 or entry[0] != digest:
            return None
        _, display, root, files, node, packed, name, tier, paths = entry
        if display != target.display or root != str(target.root) or type(name) is not str or not name:
            return None
        if type(files) is not dict or type(packed) is not bytes or not _paths_hold(target, files, self.walked):
            return None
        try:
            known = Known(nodes.from_plain(node), packed)
        except (TypeError, ValueError):
            return None
        spec: dict[str, Any] = {} if tier is None else {"tier": tier}
        if paths is not None:
            spec["paths"] = paths
        raw = {"metadata": {"name": name}, "spec": spec}
        return model.Manifest(target.file, target.display, target.root, raw, dict(files)), known


def _paths_hold(target: Target, files: dict[str, Any], walked: _Walked) -> bool:
    """Every declared path still answers as when the manifest was loaded (inside the repository, exists).

    `paths.still` for each path, asking discovery's listing first: a walked folder is real (walked from the
    resolved repository root, never through a symlink), so an entry listed as a plain file or folder, or
    not listed, answers without a system call. About 6,000 paths of 1,000 manifests in the pre-commit hook,
    where a system call is not cheap.
    """
    if not files:
        return True
    base = os.path.normpath(os.path.abspath(target.file.parent))
    if base not in walked:  # a walked folder is real
        base = real_folder(base)
    root_real = _real_root(str(target.root))
    return all(
        type(path) is str and type(exists) is bool and still(base, root_real, path, exists, walked.look)
        for path, exists in files.items()
    )


class _Walked:
    """The folders discovery listed: real folders (walked from the resolved repository root, never through a
    symlinked folder), each entry's type as the listing read it."""

    def __init__(self, listing: Mapping[str, list[os.DirEntry[str]]]) -> None:
        self._listing = listing
        self._named: dict[str, dict[str, os.DirEntry[str]]] = {}

    def __contains__(self, folder: str) -> bool:
        return folder in self._listing

    def look(self, joined: str) -> bool | None:
        """`paths.present`, answered from the listing when `joined` is in a walked folder."""
        folder, name = os.path.split(joined)
        return self.present(folder, name) if folder in self._listing else present(joined)

    def present(self, folder: str, name: str) -> bool | None:
        """Like `paths.present`, from the listing of a walked folder (a FIFO or device goes to `confine`)."""
        named = self._named.get(folder)
        if named is None:
            named = self._named[folder] = {e.name: e for e in self._listing[folder]}
        entry = named.get(name)
        if entry is None:
            return False
        try:  # a symlink (only `confine` can tell where it leads) or a FIFO, socket or device (no document): None
            plain = entry.is_file(follow_symlinks=False) or entry.is_dir(follow_symlinks=False)
        except OSError:
            return None
        return True if plain else None


@functools.lru_cache(maxsize=64)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def _read(file: Path, max_bytes: int) -> bytes | None:
    """The manifest's bytes, or None when the loader must judge it (a symlink, too large, unreadable, a FIFO)."""
    return cache.read_regular(file, max_bytes)


def _digest(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        from _blake2 import blake2b  # CPython's own module: avoids hashlib's OpenSSL import
    except ImportError:  # pragma: no cover - another interpreter
        from hashlib import blake2b
    return blake2b(data, digest_size=32).hexdigest()


@functools.cache
def _fingerprint() -> str:
    """A digest of the loader's source files and the shipped schema (an edited install misses too)."""
    package = Path(sys.modules["shiftleft"].__file__ or ".").parent
    parts = []
    for name in _LOADER:
        try:
            parts.append((package / name).read_bytes())
        except OSError:
            parts.append(b"?")
    return _digest(b"\0".join(parts)) or ""


def _same_entry(entry: tuple[Any, ...], cached: Any) -> bool:
    """Whether `cached` holds what `entry` holds. The packed sections are compared decoded: marshal writes the
    same values as different bytes depending on what else refers to them (its back-references), so a warm
    run would otherwise rewrite the pack it just read."""
    if type(cached) is not tuple or len(cached) != len(entry) or type(cached[5]) is not bytes:
        return False
    try:
        packed = marshal.loads(cached[5])  # noqa: S302  # authenticated with the pack (policy.cache)
    except (ValueError, EOFError, TypeError):
        return False
    rest = (*entry[:5], *entry[6:]) == (*cached[:5], *cached[6:])
    return rest and _same(packed, marshal.loads(entry[5]))  # noqa: S302  # marshalled just now


def _same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (1 stays 1, True stays True, "1" stays "1")."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) or (a != a and b != b)  # NaN == NaN here
