"""Scanner results cached by what they depend on, outside the checkout.

The key is a SHA-256 of the scanner, its identity (`identity.of`: the
installed distribution's version and RECORD digest, and the console script's
path, size, modification time and bytes), shiftleft's version, the
fixed arguments, the custom policies, and the path and content hash of every
scanned file. A hit means no scanner starts. Entries live beside the rule
catalog's (`$XDG_CACHE_HOME/shiftleft/evidence-<key>.json`), never in the
checkout, and carry the same keyed MAC (`shiftleft.policy.cache`): a result
written by anyone but this user's shiftleft, such as a cache folder restored
from a pull request's job, is a miss, so a forged "clean" scan is never
believed. `SHIFTLEFT_NO_CACHE=1` turns it off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from shiftleft import __version__
from shiftleft.evidence import identity
from shiftleft.evidence.model import Problem, Result, Scan
from shiftleft.policy import cache as policy_cache

FORMAT = 2


def key(
    scanner: str, installed: identity.Identity, args: Sequence[str], files: Sequence[str], extra: Sequence[str] = ()
) -> str:
    """Hex digest of everything a scan's result depends on; `installed`: the scanner's `identity.of`."""
    digest = hashlib.sha256()
    for part in (
        str(FORMAT),
        __version__,
        scanner,
        installed.version,
        installed.digest,
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
    try:
        data = policy_cache.load_entry(_name(cache_key))  # MAC, versions and identity verified
        if data is None or data["format"] != FORMAT or data["key"] != cache_key:
            return None
        return Scan(
            data["scanner"],
            data["version"],
            tuple(Result(*r) for r in data["results"]),
            tuple(Problem(*p) for p in data["problems"]),
        )
    except Exception:  # stale or malformed: a miss
        return None


def write(cache_key: str, scan: Scan) -> None:
    """Store a scan that ran; a failed scan is never cached (the next run tries again)."""
    if scan.failure:
        return
    record = {
        "format": FORMAT,
        "key": cache_key,
        "scanner": scan.scanner,
        "version": scan.version,
        "results": [list(r) for r in scan.results],
        "problems": [list(p) for p in scan.problems],
    }
    policy_cache.store_entry(_name(cache_key), record)


def _name(cache_key: str) -> str:
    return f"evidence-{cache_key}.json"
