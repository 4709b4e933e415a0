"""A JSON array produced on demand, so a long report is written one item at a time (decision 0019).

Its own module, below both the JSON formatter (which streams it) and `resultfile` (which adds to a
report that may hold it), so neither imports the other back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple


class Items(NamedTuple):
    """A JSON array produced on demand (the function is called once per write)."""

    produce: Callable[[], Iterable[Any]]


def each(lazy: bool, produce: Callable[[], Iterable[Any]]) -> Any:
    """`Items(produce)` when streaming, else the list (for callers that want plain data)."""
    return Items(produce) if lazy else list(produce())


def items(value: Any) -> Iterable[Any]:
    """The elements of an array that may be `Items` or a list."""
    return value.produce() if isinstance(value, Items) else value
