"""Output formats. Each formatter turns a RunResult into a string; the CLI decides where it goes.

The registry is an explicit table of module names; only the chosen module is
imported, so the fast `check` path never loads jinja2 or report code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NamedTuple

from shiftleft.results import RunResult


class Options(NamedTuple):
    color: bool = False
    verbosity: int = 0
    """-1 quiet, 0 normal, 1 verbose."""


Formatter = Callable[[RunResult, Options], str]

_MODULES = {
    "text": "shiftleft.formatters.text",
    "github": "shiftleft.formatters.github",
    "json": "shiftleft.formatters.json",
    "sarif": "shiftleft.formatters.sarif",
    "junit": "shiftleft.formatters.junit",
    "markdown": "shiftleft.formatters.markdown",
    "html": "shiftleft.formatters.html",
}
"""Format name: module exposing `render(result, options) -> str`."""

NAMES = tuple(_MODULES)


def get(name: str) -> Formatter:
    """The formatter registered under `name` (imported on demand)."""
    module = importlib.import_module(_MODULES[name])
    render: Formatter = module.render
    return render
