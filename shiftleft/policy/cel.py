"""The one place that knows the CEL library (cel-expr-python).

Everything else sees `compile_expression` and `Program.run`, so the runtime
can be swapped without touching rules or the engine.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from cel_expr_python import cel  # type: ignore[import-untyped]

from shiftleft.manifest import values
from shiftleft.policy import celcost

_exists_hook: Callable[[str], bool] = lambda _path: False  # noqa: E731


def set_exists(check: Callable[[str], bool]) -> None:
    """Install the answer to `exists(path)` for the service being evaluated."""
    global _exists_hook
    _exists_hook = check


def _exists(path: str) -> bool:
    return _exists_hook(path)


@functools.cache
def _env() -> Any:
    dyn_map = cel.Type.Map(cel.Type.STRING, cel.Type.DYN)
    variables = {
        "spec": dyn_map,
        "metadata": dyn_map,
        "tier": dyn_map,
        "org": dyn_map,
        "graph": dyn_map,
        "now": cel.Type.TIMESTAMP,
        "item": cel.Type.DYN,
        "index": cel.Type.INT,
    }
    exists = cel.FunctionDecl("exists", [cel.Overload("exists_string", cel.Type.BOOL, [cel.Type.STRING], impl=_exists)])
    within = cel.FunctionDecl(
        "within",
        [cel.Overload("within_string_string", cel.Type.BOOL, [cel.Type.STRING, cel.Type.STRING], impl=_within)],
    )
    # `text.matches(pattern)` compiles its pattern at every call (cel-expr-python 0.1 has no regex
    # precompilation): the shipped placeholder check, compiled once here, is about 15x cheaper.
    placeholder = cel.FunctionDecl(
        "placeholder", [cel.Overload("placeholder_string", cel.Type.BOOL, [cel.Type.STRING], impl=values.placeholder)]
    )
    return cel.NewEnv(variables=variables, functions=[exists, within, placeholder])


def _within(location: str, area: str) -> bool:
    from shiftleft.policy.jurisdictions import within

    return within(location, area)


class CelError(Exception):
    """An expression that does not compile; `column` is 1-based within the expression."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


_ERROR = re.compile(r"ERROR: <input>:(\d+):(\d+): (.*?)\n")


_REMEMBERED = 1024
"""Estimated costs kept per program (`Program.too_costly`)."""

_MAY_GROW = re.compile(r"\+|\.\s*(?:all|exists|exists_one|map|filter)\s*\(")
"""Source text that may hold a `+` or a comprehension; only then is the checked tree read."""


class Program:
    """A compiled CEL expression; one read from the catalog cache is deserialized when it first runs."""

    __slots__ = ("_costs", "_data", "_expr", "_reads", "_tree", "source")

    def __init__(self, expr: Any, source: str, data: bytes | None = None) -> None:
        self._expr = expr
        self._data = data
        """The checked expression as serialized, until `_expr` is built from it (`deserialize`)."""
        self.source = source
        self._tree: celcost.Node | bool | None = None if _MAY_GROW.search(source) else False
        self._reads: tuple[tuple[str, ...], ...] = ()
        self._costs: dict[bytes, float] = {}
        """Estimated costs by the input values they depend on (`celcost.Estimate.key`): a catalog repeats
        the same few lists (residencies, regions), and an estimate walks the expression in Python."""

    @property
    def grows(self) -> bool:
        """Can build values larger than its input (a comprehension or a `+`): its cost is estimated first."""
        if self._tree is None:
            tree = celcost.parse(self.serialize())
            self._tree = tree if celcost.grows(tree) else False
            self._reads = celcost.reads(tree)
        return self._tree is not False

    def too_costly(self, estimate: celcost.Estimate, times: int = 1) -> str | None:
        """Why this program must not run (`times` times, once per item) on the estimate's input, or None."""
        if not self.grows:
            return None
        cost = self.cost(estimate) * times
        if cost <= celcost.LIMIT:
            return None
        return (f"its estimated cost on this manifest ({cost:,.0f}) is over the limit of {celcost.LIMIT:,} "
                "(comprehensions or concatenation over large values)")  # fmt: skip

    def cost(self, estimate: celcost.Estimate) -> float:
        """The estimated cost of one evaluation on the estimate's input (0 for a program that cannot grow)."""
        if not self.grows:
            return 0
        key = estimate.key(self._reads)
        cost = self._costs.get(key) if key is not None else None
        if cost is None:
            cost = estimate.cost(self._tree)  # type: ignore[arg-type]  # grows: a Node
            if key is not None and len(self._costs) < _REMEMBERED:
                self._costs[key] = cost
        return cost

    def serialize(self) -> bytes:
        """The checked expression, for the catalog cache."""
        if self._data is not None:
            return self._data
        data: bytes = self._expr.serialize()
        return data

    def compiled(self) -> Any:
        """The runtime's program, deserialized on first use (raises on bytes the runtime cannot read)."""
        if self._expr is None:
            _warm_timestamps()
            self._expr = _env().deserialize(self._data)
        return self._expr

    def run(self, activation: Any) -> tuple[Any, str | None]:
        """(value, None) on success, (None, error text) when evaluation fails."""
        try:
            result = self.compiled().eval(activation)
        except RuntimeError as e:  # the runtime raises for some errors instead of returning them
            return None, _clean(str(e))
        if result.type() == cel.Type.ERROR:
            return None, _clean(str(result.value()))
        return result.plain_value(), None


def compile_expression(source: str) -> Program:
    try:
        return Program(_env().compile(source), source)
    except RuntimeError as e:
        text = str(e)
        m = _ERROR.search(text + "\n")
        if m:
            raise CelError(_clean(m.group(3).strip()), int(m.group(2))) from None
        raise CelError(_clean(text), 1) from None


def deserialize(data: bytes, source: str, *, lazy: bool = False) -> Program:
    """A Program from `Program.serialize()` output (raises on anything else); `lazy`: read when it first runs.

    A catalog of about 150 rules holds some 200 programs; one manifest's check runs the batched programs
    and few of the rules' own, so the catalog cache reads them lazily (a fifth of a one-service run).
    """
    program = Program(None, source, data)
    if not lazy:
        program.compiled()
    return program


@functools.cache
def _warm_timestamps() -> None:
    """Evaluate one compiled timestamp expression before any deserialized one runs.

    cel-expr-python registers its datetime conversion lazily, on the first
    evaluation of a *compiled* program; until then every deserialized program
    that reads `now` fails with "Non-CEL value type for 'now'". Measured with
    cel-expr-python 0.1.x; costs one compile (well under a millisecond).
    """
    moment = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    compile_expression("now == now").run(_env().Activation({"now": moment}))


def activation(data: Mapping[str, Any]) -> Any:
    return _env().Activation(dict(data))


def timestamp(moment: dt.datetime) -> dt.datetime:
    """CEL timestamps must be timezone-aware UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _clean(text: str) -> str:
    text = text.replace("INVALID_ARGUMENT: ", "").replace(" [INVALID_ARGUMENT]", "")
    text = re.sub(r"^(NOT_FOUND|UNKNOWN|INVALID_ARGUMENT|OUT_OF_RANGE): ", "", text)
    text = text.replace(" (in container '')", "")
    text = re.sub(r"mismatched input '<EOF>' expecting \{.*?\}", "the expression ends too early", text)
    text = re.sub(r" expecting \{.*?\}", "", text)
    return " ".join(text.split())
