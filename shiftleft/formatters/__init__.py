"""Output formats. Each formatter turns a RunResult into a string; the CLI decides where it goes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from shiftleft.results import RunResult


@dataclass(frozen=True)
class Options:
    color: bool = False
    verbosity: int = 0
    """-1 quiet, 0 normal, 1 verbose."""


Formatter = Callable[[RunResult, Options], str]


def get(name: str) -> Formatter:
    """The formatter registered under `name` (imported on demand)."""
    if name == "text":
        from shiftleft.formatters import text

        return text.render
    raise KeyError(name)


NAMES = ("text",)
