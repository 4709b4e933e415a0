"""A cache of the compiled rule catalog, so the pre-commit hook does not re-read and
re-compile every rule file on every commit.

Keyed by shiftleft's version and, for every rule file, its path, size, mtime
and inode: editing, adding or removing a rule file misses the cache. The key
is stored in the cache file and compared on reading; the file name is only a
short checksum of it (zlib, not hashlib, which costs milliseconds to import on
every run), so two keys sharing a name can only ever cause a miss. The cache
is JSON (never pickle: a CI cache directory can be restored from a pull
request) holding each rule's fields and its CEL expressions in the runtime's
serialized checked form, which loads about 20 times faster than compiling.
Anything unexpected in a cache file means a miss, never an error.
`SHIFTLEFT_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from shiftleft import __version__
from shiftleft.findings import Severity
from shiftleft.policy import cel

FORMAT = 2


def directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shiftleft"


def enabled() -> bool:
    return os.environ.get("SHIFTLEFT_NO_CACHE", "") in ("", "0")


def key(files: Sequence[tuple[Path, str]]) -> str:
    """Identity of a set of rule files: (path, shown name) pairs, stat'ed, not read.

    The whole key material (it is stored in the cache file and compared on reading).
    """
    parts = [f"{FORMAT}\0{__version__}"]
    for path, shown in files:
        st = path.stat()
        parts.append(f"{path}\0{shown}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}")
    return "\0".join(parts)


def _file_name(prefix: str, material: str) -> str:
    """A cache file name from a checksum of `material`; the file itself holds `material` to compare."""
    data = material.encode("utf-8", "surrogatepass")
    return f"{prefix}-{zlib.crc32(data):08x}{zlib.adler32(data):08x}-{len(data):x}.json"


def read(cache_key: str, factory: Callable[..., Any]) -> list[Any] | None:
    """The cached rules for `cache_key`, built with `factory(**fields)`, or None on any miss."""
    if not enabled():
        return None
    try:
        text = (directory() / _file_name("catalog", cache_key)).read_text(encoding="utf-8")
        data = json.loads(text)
        if data.get("format") != FORMAT or data.get("version") != __version__ or data.get("key") != cache_key:
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
    record = {"format": FORMAT, "version": __version__, "key": cache_key, "rules": records}
    try:
        text = json.dumps(record)
    except ValueError:  # a key that is not valid Unicode (surrogates in a path): do without
        return
    _store(_file_name("catalog", cache_key), text)


def program(source: str) -> cel.Program:
    """`cel.compile_expression(source)`, remembered across runs by a checksum of the source.

    For the engine's batched rule programs (one expression for many rules),
    which take milliseconds to compile and a fraction of that to load.
    """
    name = _file_name("program", source)  # the file holds the source, compared below
    if enabled():
        try:
            data = json.loads((directory() / name).read_text(encoding="utf-8"))
            if data.get("version") == __version__ and data.get("source") == source:
                return cel.deserialize(base64.b64decode(data["cel"]), source)
        except Exception:  # noqa: S110 -- missing or damaged: compile below
            pass
    compiled = cel.compile_expression(source)
    record = {"version": __version__, "source": source, "cel": base64.b64encode(compiled.serialize()).decode("ascii")}
    _store(name, json.dumps(record))
    return compiled


def _store(name: str, text: str) -> None:
    if not enabled():
        return
    import tempfile  # only when writing, which a warm cache does not

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
    for name in type(rule)._fields:
        value = getattr(rule, name)
        if isinstance(value, cel.Program):
            value = {"cel": base64.b64encode(value.serialize()).decode("ascii"), "source": value.source}
        elif isinstance(value, Severity):
            value = {"severity": value.value}
        elif name == "references":
            value = [[r.framework, r.control] for r in value]
        elif isinstance(value, Mapping) and not isinstance(value, dict):  # MappingProxyType defaults
            value = dict(value)
        elif isinstance(value, tuple):
            value = {"tuple": list(value)}
        json.dumps(value)  # raises TypeError for anything JSON cannot hold
        out[name] = value
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
