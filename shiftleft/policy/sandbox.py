"""A jinja2 sandbox with cost caps, for rule messages (which pull requests may write).

jinja2's SandboxedEnvironment keeps a template away from Python internals
but not from the CPU or the memory: `{% for a in range(100000) %}{% for b in
range(100000) %}` never finishes and `{{ name * 200000000 }}` takes over a
gigabyte. Here:

- every loop draws from one budget of `MAX_ITERATIONS` per render (the
  loop's iterable is wrapped when the template compiles) and `range()` is at
  most `MAX_RANGE` long;
- `*`, `**`, `+`, `~`, filters and method calls are checked before they
  run when their arguments say how large the result will be (a repeat
  count, a width) and after they run otherwise, so no value grows past
  `MAX_OUTPUT` characters (twice that at the very most, while checking);
- the rendered output stops at `MAX_OUTPUT` characters;
- macros, call blocks, recursive loops, string `%` formatting and the
  `format` filter or method (widths hidden in a format string) are refused:
  `compile_message` raises `Refused` (a configuration error of the rule).
"""

from __future__ import annotations

import contextvars
import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from shiftleft.policy.messages import TooCostly

MAX_ITERATIONS = 10_000
"""Loop iterations per message, over all loops."""
MAX_RANGE = 1_000
MAX_OUTPUT = 10_000
"""Characters (or items) of any value and of the rendered message; messages are cut at 2,000 anyway."""
MAX_POWER_BITS = 4_096
"""`a ** b` may not yield an integer longer than this."""

_REFUSED_NODES = {nodes.Macro: "macros", nodes.CallBlock: "call blocks"}
_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("message_budget")


class Refused(Exception):
    """A message uses something messages may not use."""


def environment(**options: Any) -> SandboxedEnvironment:
    env = _Capped(autoescape=False, **options)
    env.globals["range"] = _range
    env.globals["_sl_loop"] = _loop
    env.globals["_sl_sized"] = _sized
    for name, function in list(env.filters.items()):
        env.filters[name] = _capped_filter(name, function)
    return env


def compile_message(env: SandboxedEnvironment, source: str) -> Any:
    """The compiled template; raises Refused (or jinja2's TemplateSyntaxError)."""
    tree = env.parse(source)
    for kind, what in _REFUSED_NODES.items():
        if tree.find(kind) is not None:
            raise Refused(f"messages may not use {what}")
    for loop in tree.find_all(nodes.For):
        if loop.recursive:
            raise Refused("messages may not use recursive loops")
        loop.iter = nodes.Call(nodes.Name("_sl_loop", "load"), [loop.iter], [], None, None)
    for concat in list(tree.find_all(nodes.Concat)):
        concat.nodes = [nodes.Call(nodes.Name("_sl_sized", "load"), [n], [], None, None) for n in concat.nodes]
    for f in tree.find_all(nodes.Filter):
        if f.name == "format":
            raise Refused("messages may not use the format filter")
    for attr in tree.find_all(nodes.Getattr):
        if attr.attr in ("format", "format_map"):
            raise Refused("messages may not use str.format")
    return env.from_string(tree)


def render(template: Any, context: Mapping[str, Any]) -> str:
    """Render under the caps; raises TooCostly."""
    token = _budget.set([MAX_ITERATIONS])
    try:
        out: list[str] = []
        length = 0
        for chunk in template.generate(**context):
            length += len(chunk)
            if length > MAX_OUTPUT:
                raise TooCostly(f"the message is longer than {MAX_OUTPUT:,} characters")
            out.append(chunk)
        return "".join(out)
    finally:
        _budget.reset(token)


def _loop(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget.get([MAX_ITERATIONS])
    for item in iterable:
        budget[0] -= 1
        if budget[0] < 0:
            raise TooCostly(f"the message's loops run more than {MAX_ITERATIONS:,} times")
        yield item


def _range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise TooCostly(f"range() is longer than {MAX_RANGE:,}")
    return result


def _sized(value: Any) -> Any:
    """A value that may be kept: at most MAX_OUTPUT characters or items."""
    try:
        size = len(value) if isinstance(value, str | bytes | list | tuple | dict) else len(str(value))
    except Exception:  # an object that cannot say how large it is: no value of a manifest
        return value
    if size > MAX_OUTPUT:
        raise TooCostly(f"a value of the message grows past {MAX_OUTPUT:,} characters")
    return value


def _check_args(args: Iterable[Any]) -> None:
    """A whole number argument is a width or a count: bounded like values."""
    for arg in args:
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_OUTPUT:
            raise TooCostly(f"a number argument of {arg:,} is over the limit of {MAX_OUTPUT:,}")


def _capped_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def capped(*args: Any, **kwargs: Any) -> Any:
        _check_args(args[1:])
        _check_args(kwargs.values())
        if name == "replace" and len(args) >= 3:
            _check_replace(args[0], args[1], args[2])
        return _sized(function(*args, **kwargs))

    return capped


def _check_replace(text: Any, old: Any, new: Any) -> None:
    text, old, new = str(text), str(old), str(new)
    grows = len(new) - len(old)
    times = text.count(old) if old else len(text) + 1
    if grows > 0 and len(text) + times * grows > MAX_OUTPUT:
        raise TooCostly(f"a value of the message grows past {MAX_OUTPUT:,} characters")


class _Capped(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) and len(seq) * times > MAX_OUTPUT:
                    raise TooCostly(f"a value of the message grows past {MAX_OUTPUT:,} characters")
        elif op == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and right * abs(left).bit_length() > MAX_POWER_BITS:
                raise TooCostly(f"a power has more than {MAX_POWER_BITS:,} bits")
        elif op == "%" and isinstance(left, str):
            raise TooCostly("messages may not use printf-style % formatting")
        result = _BINOPS[op](left, right)
        if isinstance(result, int) and not isinstance(result, bool) and result.bit_length() > MAX_POWER_BITS:
            raise TooCostly(f"a number has more than {MAX_POWER_BITS:,} bits")
        return _sized(result)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(__obj, "__name__", "")
        if name in ("format", "format_map") and isinstance(getattr(__obj, "__self__", None), str):
            raise TooCostly("messages may not use str.format")
        if __obj is not _range:  # range() says more about its own limit
            _check_args(args)
            _check_args(kwargs.values())
        if name == "replace" and isinstance(getattr(__obj, "__self__", None), str) and len(args) >= 2:
            _check_replace(__obj.__self__, args[0], args[1])
        return _sized(super().call(__context, __obj, *args, **kwargs))


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul, "**": operator.pow, "%": operator.mod, "+": operator.add, "//": operator.floordiv,
}  # fmt: skip
