"""A cache of the compiled rule catalog, so the pre-commit hook does not re-read and
re-compile every rule file on every commit.

Keyed by shiftleft's version, the CEL library's identity and, for every rule
file, its path, size, mtime and inode: editing, adding or removing a rule file
misses the cache. Batched programs are keyed by their full source text. The
key is stored in the cache file and compared on reading; the file name is only
a short checksum of it (zlib, not hashlib, which costs milliseconds to import
on every run), so two keys sharing a name can only ever cause a miss. The
cache is JSON (never pickle) holding each rule's fields and its CEL
expressions in the runtime's serialized checked form, which loads about 20
times faster than compiling; the facts cache's packs are marshalled, decoded
only once their MAC matched (decision 0028). `SHIFTLEFT_NO_CACHE=1` turns it off.

The cache folder is not trusted (a CI cache can be restored from a pull
request; decision 0009): every entry carries a keyed BLAKE2b MAC of its whole
content (key, versions, source, serialized programs) under a per-user secret
of 32 random bytes in `secret_path()`, outside the cache folder, created
0600 and refused unless it is a regular file of this user that nobody else
can read. An entry whose MAC, key or versions do not match is a miss: it is
recompiled and rewritten, never trusted. Only regular files are read: a
symlink, FIFO or device in the cache folder is a miss and cannot block the
run. Anything unexpected means a miss, never an error.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from shiftleft import __version__, userdirs
from shiftleft.findings import Severity
from shiftleft.policy import cel

FORMAT = 3
MAX_BYTES = 64 << 20
"""A cache file larger than this is not read (the shipped catalog's is about 0.5 MB)."""
SECRET_BYTES = 32
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def directory() -> Path:
    return userdirs.cache()


def secret_path() -> Path:
    """The MAC key: in the user's state folder, so restoring the cache folder does not bring a key along."""
    return userdirs.state() / "cache.key"


def enabled() -> bool:
    return os.environ.get("SHIFTLEFT_NO_CACHE", "") in ("", "0")


@functools.cache
def _identity() -> str:
    """shiftleft's version and the CEL library's build (path, size, mtime of its extension module)."""
    from cel_expr_python import cel as library  # type: ignore[import-untyped]

    where = str(getattr(library, "__file__", "") or "")
    try:
        st = os.stat(where)
        build = f"{where}\0{st.st_size}\0{st.st_mtime_ns}"
    except OSError:
        build = where
    return f"{FORMAT}\0{__version__}\0{build}\0{sys.implementation.cache_tag}"


def key(files: Sequence[tuple[Path, str]]) -> str:
    """Identity of a set of rule files: (path, shown name) pairs, stat'ed, not read.

    The whole key material (it is stored in the cache file and compared on reading).
    """
    parts = [_identity()]
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
    data = _load(_file_name("catalog", cache_key))
    if data is None or data.get("key") != cache_key:
        return None
    try:
        return [factory(**_decode(record)) for record in data["rules"]]
    except Exception:  # an entry this version cannot build: a miss
        return None


def write(cache_key: str, rules: Sequence[Any]) -> None:
    if not enabled():
        return
    try:
        records = [_encode(rule) for rule in rules]
    except TypeError:  # a field this cache does not know how to store: do without
        return
    _store(_file_name("catalog", cache_key), {"key": cache_key, "rules": records})


def program(source: str) -> cel.Program:
    """`cel.compile_expression(source)`, remembered across runs by a checksum of the source.

    For the engine's batched rule programs (one expression for many rules),
    which take milliseconds to compile and a fraction of that to load.
    """
    name = _file_name("program", source)  # the file holds the source, compared below
    data = _load(name)
    if data is not None and data.get("source") == source:
        try:
            return cel.deserialize(base64.b64decode(data["cel"]), source)
        except Exception:  # noqa: S110 -- authentic but unreadable for this runtime: compile below
            pass
    compiled = cel.compile_expression(source)
    _store(name, {"source": source, "cel": base64.b64encode(compiled.serialize()).decode("ascii")})
    return compiled


def _load(name: str) -> dict[str, Any] | None:
    """The verified content of a cache file: MAC, format, versions; None on any miss.

    A body starting with `M` is marshalled (`store_entry(..., binary=True)`), any other JSON; either is
    decoded only once its MAC, under the key outside the cache folder, says this user's shiftleft wrote it.
    """
    if not enabled():
        return None
    secret = _secret()
    data = read_regular(directory() / name) if secret is not None else None
    if secret is None or data is None:
        return None
    mac, newline, body = data.partition(b"\n")
    # Not a timing-safe comparison: nobody can time this local read to forge a MAC byte by byte.
    if not newline or mac != _mac(secret, body).encode("ascii"):
        return None
    try:
        if body[:1] == b"M":
            content = marshal.loads(body[1:])  # noqa: S302  # authenticated above: written by this user's shiftleft
        else:
            content = json.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(content, dict) or content.get("identity") != _identity():
        return None
    return content


def _store(name: str, content: dict[str, Any], binary: bool = False) -> None:
    if not enabled():
        return
    secret = _secret()
    if secret is None:
        return
    try:
        if binary:
            body = b"M" + marshal.dumps({"identity": _identity(), **content})
        else:
            body = json.dumps({"identity": _identity(), **content}).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):  # e.g. a path that is not valid Unicode: do without
        return
    import tempfile  # only when writing, which a warm cache does not

    folder = directory()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")  # 0600, never an existing file
        with os.fdopen(fd, "wb") as fh:
            fh.write(_mac(secret, body).encode("ascii") + b"\n" + body)
        os.replace(tmp, folder / name)
    except OSError:
        pass  # a read-only home or cache folder only costs speed


def _mac(secret: bytes, body: bytes) -> str:
    try:
        from _blake2 import blake2b  # CPython's own module: avoids hashlib's OpenSSL import (tens of ms)
    except ImportError:  # pragma: no cover - another interpreter
        from hashlib import blake2b
    return blake2b(body, key=secret, digest_size=32).hexdigest()


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of `path` if it is a regular file (not a symlink) of at most `limit` bytes, else None.

    Opened without following a symlink and without blocking (a FIFO opens at
    once and is then refused by fstat).
    """
    try:
        fd = os.open(path, _READ)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        chunks = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return None if size > limit else b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


@functools.cache
def _secret() -> bytes | None:
    """The per-user MAC key, created on first use; None (no cache) when it cannot be had safely."""
    path = secret_path()
    for _attempt in range(3):
        try:
            fd = os.open(path, _READ)
        except FileNotFoundError:
            created = _create_secret(path)
            if created is not None:
                return created
            continue  # another run created it first: read that one
        except OSError:  # a symlink (ELOOP) or unreadable: replace it below
            fd = -1
        if fd >= 0:
            try:
                st = os.fstat(fd)
                data = os.read(fd, SECRET_BYTES + 1)
            except OSError:
                data, st = b"", None
            finally:
                os.close(fd)
            if st is not None and _private(st) and len(data) == SECRET_BYTES:
                return data
        try:  # not a private regular file of ours with a key in it: a new key (old entries become misses)
            os.unlink(path)
        except OSError:
            return None
    return None


def _private(st: os.stat_result) -> bool:
    owner = getattr(os, "geteuid", None)
    mine = owner is None or st.st_uid == owner()
    return stat.S_ISREG(st.st_mode) and mine and not st.st_mode & 0o077


def _create_secret(path: Path) -> bytes | None:
    """A new key, put in place whole (written to a private temporary file, then hard-linked to `path`,
    which fails if another run got there first); None when it cannot be created."""
    import tempfile

    secret = os.urandom(SECRET_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # 0600
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secret)
        os.link(tmp, path)
    except OSError:
        return None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    return secret


def _encode(rule: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in type(rule)._fields:
        value = getattr(rule, name)
        if isinstance(value, cel.Program):
            value = {"cel": base64.b64encode(value.serialize()).decode("ascii"), "source": value.source}
        elif isinstance(value, Severity):
            value = {"severity": value.value}
        elif isinstance(value, Mapping) and not isinstance(value, dict):  # MappingProxyType defaults
            value = dict(value)
        elif isinstance(value, tuple):
            value = {"tuple": list(value)}
        json.dumps(value)  # raises TypeError for anything JSON cannot hold
        out[name] = value
    return out


def _decode(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, dict) and set(value) == {"cel", "source"}:
            value = cel.deserialize(base64.b64decode(value["cel"]), value["source"], lazy=True)
        elif isinstance(value, dict) and set(value) == {"severity"}:
            value = Severity(value["severity"])
        elif isinstance(value, dict) and set(value) == {"tuple"}:
            value = tuple(value["tuple"])
        out[name] = value
    return out


def entry_name(prefix: str, material: str) -> str:
    """The file name of the entry keyed by `material` (for other caches under the same folder and MAC)."""
    return _file_name(prefix, material)


def load_entry(name: str) -> dict[str, Any] | None:
    """The verified content of the entry `name` (MAC, format, versions), or None on any miss."""
    return _load(name)


def store_entry(name: str, content: dict[str, Any], *, binary: bool = False) -> None:
    """Write the entry `name` with its MAC (nothing when the cache is off or the key cannot be had);
    `binary`: marshalled rather than JSON, for content read on every run (the facts cache): several times
    faster to read, and tied to this interpreter's version (`_identity`)."""
    _store(name, content, binary)


def prune(prefix: str, keep: str, *, most: int, max_age: float) -> None:
    """Delete old entries `prefix-*.json` besides `keep`: beyond the `most` newest, or unwritten for `max_age` s.

    Only regular files of this cache's own naming are removed (never a symlink's target). A process
    still reading a removed entry gets a miss, which only costs speed.
    """
    folder = directory()
    stamped = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name == keep or not name.startswith(f"{prefix}-") or not name.endswith(".json"):
                    continue
                try:
                    if entry.is_file(follow_symlinks=False):
                        stamped.append((entry.stat(follow_symlinks=False).st_mtime, name))
                except OSError:
                    continue
    except OSError:
        return
    import time

    now = time.time()
    stamped.sort(reverse=True)
    for rank, (mtime, name) in enumerate(stamped, start=1):
        if rank >= most or now - mtime > max_age:  # `keep` is one of the `most`
            with contextlib.suppress(OSError):
                os.unlink(folder / name)
