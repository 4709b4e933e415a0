"""A cache of the compiled rule catalog, so the pre-commit hook does not re-read and
re-compile every rule file on every commit.

Keyed by shiftleft's version and, for every rule file, its path, size, mtime
and inode: editing, adding or removing a rule file misses the cache. The cache
is JSON (never pickle: a CI cache directory can be restored from a pull
request) holding each rule's fields and its CEL expressions in the runtime's
serialized checked form, which loads about 20 times faster than compiling.
Anything unexpected in a cache file means a miss, never an error.
`SHIFTLEFT_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from shiftleft import __version__
from shiftleft.findings import Severity
from shiftleft.policy import cel

FORMAT = 1


def directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shiftleft"


def enabled() -> bool:
    return os.environ.get("SHIFTLEFT_NO_CACHE", "") in ("", "0")


def key(files: Sequence[tuple[Path, str]]) -> str:
    """Identity of a set of rule files: (path, shown name) pairs, stat'ed, not read."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}".encode())
    for path, shown in files:
        st = path.stat()
        digest.update(f"\0{path}\0{shown}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode())
    return digest.hexdigest()[:32]


def read(cache_key: str, factory: Callable[..., Any]) -> list[Any] | None:
    """The cached rules for `cache_key`, built with `factory(**fields)`, or None on any miss."""
    if not enabled():
        return None
    try:
        data = json.loads((directory() / f"catalog-{cache_key}.json").read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("version") != __version__:
            return None
        return [factory(**_decode(record)) for record in data["rules"]]
    except Exception:  # a missing, stale, truncated or tampered cache is just a miss
        return None


def write(cache_key: str, rules: Sequence[Any]) -> None:
    if not enabled():
        return
    try:
        records = [_encode(rule) for rule in rules]
    except TypeError:  # a field this cache does not know how to store: do without
        return
    _store(f"catalog-{cache_key}.json", json.dumps({"format": FORMAT, "version": __version__, "rules": records}))


def program(source: str) -> cel.Program:
    """`cel.compile_expression(source)`, remembered across runs by the source's hash.

    For the engine's batched rule programs (one expression for many rules),
    which take milliseconds to compile and a fraction of that to load.
    """
    name = f"program-{hashlib.sha256(source.encode()).hexdigest()[:32]}.json"
    if enabled():
        try:
            data = json.loads((directory() / name).read_text(encoding="utf-8"))
            if data.get("version") == __version__ and data.get("source") == source:
                return cel.deserialize(base64.b64decode(data["cel"]), source)
        except Exception:  # missing or damaged: compile below
            pass
    compiled = cel.compile_expression(source)
    record = {"version": __version__, "source": source, "cel": base64.b64encode(compiled.serialize()).decode("ascii")}
    _store(name, json.dumps(record))
    return compiled


def _store(name: str, text: str) -> None:
    if not enabled():
        return
    folder = directory()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, folder / name)
    except OSError:
        pass  # a read-only home or cache folder only costs speed


def _encode(rule: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(rule):
        value = getattr(rule, f.name)
        if isinstance(value, cel.Program):
            value = {"cel": base64.b64encode(value.serialize()).decode("ascii"), "source": value.source}
        elif isinstance(value, Severity):
            value = {"severity": value.value}
        elif f.name == "references":
            value = [[r.framework, r.control] for r in value]
        elif isinstance(value, tuple):
            value = {"tuple": list(value)}
        json.dumps(value)  # raises TypeError for anything JSON cannot hold
        out[f.name] = value
    return out


def _decode(record: dict[str, Any]) -> dict[str, Any]:
    from shiftleft.policy.catalog import Reference

    out: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, dict) and set(value) == {"cel", "source"}:
            value = cel.deserialize(base64.b64decode(value["cel"]), value["source"])
        elif isinstance(value, dict) and set(value) == {"severity"}:
            value = Severity(value["severity"])
        elif name == "references":
            value = tuple(Reference(framework, control) for framework, control in value)
        elif isinstance(value, dict) and set(value) == {"tuple"}:
            value = tuple(value["tuple"])
        out[name] = value
    return out
