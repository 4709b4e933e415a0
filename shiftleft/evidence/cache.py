"""Scanner results cached by what they depend on, outside the checkout.

The key is a SHA-256 of the scanner, the identity of its executable (path,
size, modification time: a reinstall changes it), shiftleft's version, the
fixed arguments, the custom policies, and the path and content hash of every
scanned file. A hit means no scanner starts. The cache lives beside the rule
catalog's cache (`$XDG_CACHE_HOME/shiftleft/evidence`), never in the
checkout; the stored key is compared on reading, and anything unexpected is a
miss. `SHIFTLEFT_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from shiftleft import __version__
from shiftleft.evidence.model import Problem, Result, Scan
from shiftleft.policy import cache as policy_cache

FORMAT = 1


def directory() -> Path:
    return policy_cache.directory() / "evidence"


def key(scanner: str, executable: str, args: Sequence[str], files: Sequence[str], extra: Sequence[str] = ()) -> str:
    """Hex digest of everything a scan's result depends on."""
    digest = hashlib.sha256()
    st = os.stat(executable)
    for part in (
        str(FORMAT),
        __version__,
        scanner,
        os.path.realpath(executable),
        str(st.st_size),
        str(st.st_mtime_ns),
        *args,
        *extra,
    ):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for path in files:
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0")
        try:
            with open(path, "rb") as fh:
                digest.update(hashlib.file_digest(fh, "sha256").digest())
        except OSError as e:
            digest.update(f"unreadable:{e.errno}".encode())
    return digest.hexdigest()


def read(cache_key: str) -> Scan | None:
    if not policy_cache.enabled():
        return None
    try:
        data = json.loads((directory() / f"{cache_key}.json").read_text(encoding="utf-8"))
        if data["format"] != FORMAT or data["key"] != cache_key:
            return None
        return Scan(
            data["scanner"],
            data["version"],
            tuple(Result(*r) for r in data["results"]),
            tuple(Problem(*p) for p in data["problems"]),
        )
    except Exception:  # missing, stale, truncated or tampered: a miss
        return None


def write(cache_key: str, scan: Scan) -> None:
    """Store a scan that ran; a failed scan is never cached (the next run tries again)."""
    if not policy_cache.enabled() or scan.failure:
        return
    record = {
        "format": FORMAT,
        "key": cache_key,
        "scanner": scan.scanner,
        "version": scan.version,
        "results": [list(r) for r in scan.results],
        "problems": [list(p) for p in scan.problems],
    }
    folder = directory()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh)
        os.replace(tmp, folder / f"{cache_key}.json")
    except OSError:
        pass  # a read-only cache folder only costs speed
