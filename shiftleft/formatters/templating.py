"""jinja2 environments for the report templates in shiftleft/templates/.

Both render in jinja2's SandboxedEnvironment with StrictUndefined, so a typo
in a template fails loudly and a template cannot reach Python internals. The
HTML environment autoescapes everything; the Markdown one cannot (Markdown is
not HTML), so every manifest-derived value goes through the `md` filter.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
"""Inline Markdown syntax; the text never starts a line, so `#`, `-` and `+` need no escape."""
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def md(value: object) -> str:
    """Untrusted text made inert in Markdown: one line, HTML and Markdown syntax escaped, no @mentions."""
    return _escape(_one_line(value))


def md_code(value: object) -> str:
    """Like `md`, but paired backticks stay code spans (rule remediation text quotes manifest keys)."""
    parts = _one_line(value).split("`")
    if len(parts) % 2 == 0:  # unbalanced: escape everything
        return md(value)
    return "".join(f"`{p}`" if i % 2 else _escape(p) for i, p in enumerate(parts) if p or i % 2 == 0)


def _one_line(value: object) -> str:
    return " ".join(_CONTROL.sub("", str(value)).split())


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A zero-width space after @ keeps GitHub from notifying people or teams named in a manifest.
    return text.replace("@", "@\u200b")


def inline_html(value: object) -> str:
    """Untrusted text for HTML blocks inside Markdown (`<summary>`), where Markdown escapes would show."""
    text = _one_line(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.replace("@", "@\u200b")


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
    """Control characters (ANSI escapes in messages, say) would show as boxes; drop them before escaping."""
    if isinstance(value, Markup):  # already-rendered template output (a macro call)
        return value
    return _CONTROL.sub("", value) if isinstance(value, str) else value


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
