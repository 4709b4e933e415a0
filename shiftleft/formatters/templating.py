"""jinja2 environments for the report templates in shiftleft/templates/.

Both render in jinja2's SandboxedEnvironment with StrictUndefined, so a typo
in a template fails loudly and a template cannot reach Python internals. The
HTML environment autoescapes everything; the Markdown one cannot (Markdown is
not HTML), so every manifest-derived value goes through the `md` filter
(shiftleft/formatters/safe.py). `stream` writes a template's output as it is
produced, never the whole page as one string.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from jinja2 import FileSystemLoader, StrictUndefined, Template, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from shiftleft.formatters.safe import clean, inline_html, md, md_code

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CHUNK = 32_768
"""Characters gathered into one chunk: template output comes in pieces from a few characters to a card of a few KB;
joining them to about this size costs few writes and never holds much of the page (a count of pieces could)."""


def chunks(template: Template, context: Mapping[str, Any]) -> Iterator[str]:
    """`template` rendered with `context`, as jinja2 produces it, in chunks of about CHUNK characters."""
    pending: list[str] = []
    size = 0
    for piece in template.generate(context):
        pending.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(pending)
            pending.clear()
            size = 0
    if pending:
        yield "".join(pending)


def stream(template: Template, context: Mapping[str, Any], out: TextIO) -> None:
    """Write `template` rendered with `context` to `out` as it is produced."""
    for chunk in chunks(template, context):
        out.write(chunk)


@cache
def html_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "j2", "svg"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_printable,
    )
    return env


def _printable(value: object) -> object:
    """Control characters, terminal escapes and bidirectional overrides dropped before escaping; `##[` (a
    runner command, should the page be printed to a CI log) written with a character reference."""
    if isinstance(value, Markup) or not isinstance(value, str):  # Markup: already-rendered template output
        return value
    text = clean(value)
    return escape(text).replace("##[", Markup("##&#91;")) if "##[" in text else text


@cache
def markdown_env() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md
    env.filters["h"] = inline_html
    env.filters["mdcode"] = md_code
    return env
