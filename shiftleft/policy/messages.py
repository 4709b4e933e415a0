"""Finding messages: jinja2 templates, rendered in a sandbox.

Most messages only substitute values (`{{ spec.continuity.rto }}`); those are
rendered without importing jinja2 at all, which keeps the pre-commit hook
fast. Anything else goes through jinja2's SandboxedEnvironment. Messages are
plain text; HTML escaping belongs to the HTML formatter.

Rule files come from pull requests, so a message may be hostile. Besides
the sandbox (no Python internals), rendering is bounded (`policy/sandbox.py`):
loops run at most `MAX_ITERATIONS` times in all, `range()` is at most
`MAX_RANGE` long, no value or output grows past `MAX_OUTPUT` characters, and
macros, recursive loops and printf-style formatting are refused when the
rule loads. Going over a cap raises `TooCostly`: the engine reports the rule
as not evaluable, which fails the gate like any finding of the rule.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["TooCostly", "check_template", "render"]


class TooCostly(Exception):
    """A message went over a cap while rendering (raised by `policy.sandbox`; defined here, so that the
    pre-commit hook's simple messages never import jinja2)."""


_SIMPLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*)\s*\}\}")
_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]")
_MAX_LENGTH = 2000


def _is_simple(template: str) -> bool:
    rest = _SIMPLE.sub("", template)
    return "{{" not in rest and "{%" not in rest and "{#" not in rest


def check_template(template: str) -> str | None:
    """None if the template compiles, else the problem."""
    if _is_simple(template):
        return None
    from shiftleft.policy import sandbox

    try:
        sandbox.compile_message(_jinja(), template)
    except sandbox.Refused as e:
        return str(e)
    except Exception as e:  # jinja2.TemplateSyntaxError, kept lazy to avoid the import
        return f"template does not compile: {e}"
    return None


def render(template: str, context: Mapping[str, Any]) -> str:
    plan = _plan(template)
    if plan is not None:
        text = "".join(piece if isinstance(piece, str) else _show(_lookup(context, piece)) for piece in plan)
    else:
        from shiftleft.policy import sandbox

        try:
            text = sandbox.render(_compiled(template), context)
        except TooCostly:
            raise
        except Exception as e:  # a template error must not lose the finding
            text = f"{template} (message could not be rendered: {e})"
    text = " ".join(text.split())
    return text if len(text) <= _MAX_LENGTH else text[: _MAX_LENGTH - 3] + "..."


@functools.lru_cache(maxsize=1024)
def _plan(template: str) -> tuple[str | tuple[str | int, ...], ...] | None:
    """A simple template as literal text and value paths, parsed once; None when jinja2 is needed."""
    if not _is_simple(template):
        return None
    pieces: list[str | tuple[str | int, ...]] = []
    start = 0
    for m in _SIMPLE.finditer(template):
        pieces.append(template[start : m.start()])
        parts = _PART.findall(m.group(1))
        pieces.append(tuple(int(p[1:-1]) if p.startswith("[") else p for p in parts))
        start = m.end()
    pieces.append(template[start:])
    return tuple(pieces)


def _lookup(context: Mapping[str, Any], parts: tuple[str | int, ...]) -> Any:
    value: Any = context
    for part in parts:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _show(value: Any, limit: int = _MAX_LENGTH) -> str:
    """How a value reads in a message: as a manifest author wrote it, at most about `limit` characters
    (a long list is not joined in full only to be cut, which made messages quadratic)."""
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        shown: list[str] = []
        length = 0
        for v in value:
            if length > limit:
                shown.append("...")
                break
            shown.append(_show(v, limit - length))
            length += len(shown[-1]) + 2
        return ", ".join(shown) or "(none)"
    if isinstance(value, dict) and not _small(value):
        return "{" + _show([f"{k}: {_show(v, limit)}" for k, v in list(value.items())[:50]], limit) + "}"
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _small(value: Any, budget: int = 500) -> bool:
    """At most `budget` values inside (stops counting there)."""
    stack = [value]
    while stack:
        budget -= 1
        if budget < 0:
            return False
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return True


@functools.cache
def _jinja() -> Any:
    from jinja2 import Undefined

    from shiftleft.policy import sandbox

    class Unset(Undefined):
        """A missing value reads as in the simple path: (not set)."""

        def __str__(self) -> str:
            return "(not set)"

    return sandbox.environment(finalize=_show, undefined=Unset)


@functools.lru_cache(maxsize=256)
def _compiled(template: str) -> Any:
    from shiftleft.policy import sandbox

    return sandbox.compile_message(_jinja(), template)
