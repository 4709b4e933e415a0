"""`check --shard K/N`: which services one job of a CI matrix reports.

A service belongs to shard `blake2b(name) mod N + 1`: deterministic across
machines and Python versions (unlike `hash()`), stable when services are
added (a service never moves because another one appeared), and the same for
every manifest carrying a name, so duplicates land in one shard together.
Every shard still loads the whole catalog: the graph rules see every
neighbour, and the shards' reports add up to one run's (`shiftleft merge`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from shiftleft.errors import UsageError

MAX = 1024
_FORM = re.compile(r"([0-9]{1,4})/([0-9]{1,4})")


class Shard(NamedTuple):
    k: int
    """1-based: this job's shard."""
    n: int
    """How many shards the services are split into."""

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"

    def contains(self, name: str) -> bool:
        return of(name, self.n) == self.k


def of(name: str, count: int) -> int:
    """The shard (1-based) of the service `name` among `count` shards."""
    try:
        from _blake2 import blake2b  # CPython's own module: avoids hashlib's OpenSSL import
    except ImportError:  # pragma: no cover - another interpreter
        from hashlib import blake2b
    digest = blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count + 1


def parse(text: str) -> Shard:
    """`K/N` with 1 <= K <= N <= 1024; anything else is a usage error."""
    match = _FORM.fullmatch(text.strip())
    if match is None:
        raise UsageError(f"--shard: {text!r} is not K/N (this job's shard K of N, for example 2/7)")
    index, count = int(match[1]), int(match[2])
    if not 1 <= count <= MAX:
        raise UsageError(f"--shard {text}: N must be between 1 and {MAX}")
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text}: K must be between 1 and N ({count})")
    return Shard(index, count)
