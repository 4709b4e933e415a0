"""Output formats. Each formatter turns a RunResult into a string; the CLI decides where it goes.

The registry is an explicit table of module names; only the chosen module is
imported, so the fast `check` path never loads jinja2 or report code.

Every format also has `write(result, options, out)`, which writes the same
text piece by piece, so a report of 10,000 services is never one string in
memory (docs/decisions/0019-streaming-output.md; markdown and html:
0025-streamed-html-and-markdown.md); `render` is that written to a string.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from typing import NamedTuple, TextIO

from shiftleft.results import RunResult


class Options(NamedTuple):
    color: bool = False
    verbosity: int = 0
    """-1 quiet, 0 normal, 1 verbose."""


Formatter = Callable[[RunResult, Options], str]
Writer = Callable[[RunResult, Options, TextIO], None]

_MODULES = {
    "text": "shiftleft.formatters.text",
    "github": "shiftleft.formatters.github",
    "json": "shiftleft.formatters.json",
    "sarif": "shiftleft.formatters.sarif",
    "junit": "shiftleft.formatters.junit",
    "markdown": "shiftleft.formatters.markdown",
    "html": "shiftleft.formatters.html",
}
"""Format name: module exposing `render(result, options) -> str`, and `write(result, options, out)` when it streams."""

NAMES = tuple(_MODULES)


def get(name: str) -> Formatter:
    """The formatter registered under `name` (imported on demand)."""
    module = importlib.import_module(_MODULES[name])
    render: Formatter = module.render
    return render


def writer(name: str) -> Writer:
    """The streaming form of the formatter `name`; a format without one is rendered, then written."""
    module = importlib.import_module(_MODULES[name])
    write: Writer | None = getattr(module, "write", None)
    if write is not None:
        return write
    render: Formatter = module.render

    def whole(result: RunResult, options: Options, out: TextIO) -> None:
        out.write(render(result, options))

    return whole


def to_string(write: Writer, result: RunResult, options: Options) -> str:
    """What `write` writes, as one string (`render` of a streaming formatter)."""
    out = io.StringIO()
    write(result, options, out)
    return out.getvalue()
