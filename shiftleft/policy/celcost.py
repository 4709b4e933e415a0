"""An upper bound on what one CEL evaluation costs, before it runs.

cel-expr-python (0.1.x) has no cost limit: its runtime's iteration budget
is not exposed, and an expression evaluates to the end, keeping every
intermediate value in its arena until then. A rule that concatenates a
large string in a nested comprehension takes gigabytes. So the binding
estimates the cost of a program against the actual input, and the engine
refuses to run one over `LIMIT` (that rule's evaluation-error finding).

The estimate walks the checked expression (the protobuf the binding
serializes, read here with a few lines of wire-format parsing). Each node
gets an abstract value: either the concrete input values it may be (for
variables and fields of the input, so a comprehension over `spec.suppliers`
knows how many suppliers there are and how large each is), or a bound on
size (bytes, roughly) and element count. The cost of a node is what it
touches or allocates: concatenation costs the size of its result,
comparison and matching the size of their operands, a comprehension its
range's length times the cost of its body. Field access and indexing cost
one. Since every allocation is paid for in the cost, the cost also bounds
the memory of the evaluation.

Only programs that can grow values need an estimate: those with a
comprehension (`all`, `exists`, `exists_one`, `map`, `filter`) or a `+`.
Everything else is linear in the expression and its input.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

LIMIT = 20_000_000
"""Cost units (about bytes touched) one rule may spend on one evaluation."""
_WORD = 8
"""Cost and size of a scalar."""


class Node(NamedTuple):
    """One expression node: `kind` is the Expr field number (3 constant ... 9 comprehension)."""

    kind: int
    name: str
    """Identifier, selected field, function name, or iteration variable."""
    children: tuple[Node, ...]
    """Select: (operand,); call: (target?, *args); list/map: items; comprehension: the 5 parts."""
    size: int
    """Constant: size of its value. Select: 1 for `has()`. Call: 1 if it has a target.
    Comprehension: unused."""
    accu: str = ""
    """Comprehension: the accumulator variable."""
    overloads: tuple[str, ...] = ()
    """Call: the overloads the type checker resolved it to (`add_string`, `add_int64`, ...)."""


# -- reading the checked expression ---------------------------------------------------


def _fields(buf: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) of a protobuf message: int for varints, bytes otherwise."""
    i, n = 0, len(buf)
    while i < n:
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            length, i = _varint(buf, i)
            value, i = buf[i : i + length], i + length
        elif wire == 1:
            value, i = buf[i : i + 8], i + 8
        elif wire == 5:
            value, i = buf[i : i + 4], i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield number, wire, value


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    result, shift = 0, 0
    while True:
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7


def parse(serialized: bytes) -> Node:
    """The expression tree of `Program.serialize()` output (an Any holding a CheckedExpr)."""
    payload = next(v for f, _, v in _fields(serialized) if f == 2)
    checked = list(_fields(payload))
    overloads: dict[int, tuple[str, ...]] = {}
    for number, _, entry in checked:
        if number == 2:  # reference_map: expression id -> Reference {name = 1, overload_id = 3}
            parts = dict((f, v) for f, _, v in _fields(entry) if f in (1, 2))
            if isinstance(parts.get(1), int) and isinstance(parts.get(2), bytes):
                overloads[parts[1]] = tuple(_str(v) for f, _, v in _fields(parts[2]) if f == 3)
    return _expr(next(v for f, _, v in checked if f == 4), overloads)


def _expr(buf: bytes, overloads: dict[int, tuple[str, ...]]) -> Node:
    expr_id = 0
    for number, _, value in _fields(buf):
        if number == 2 and isinstance(value, int):
            expr_id = value
        elif number == 3:
            return Node(3, "", (), _constant_size(value))
        elif number == 4:
            return Node(4, _text(value, 1), (), 0)
        elif number == 5:
            operand = tuple(_expr(v, overloads) for f, _, v in _fields(value) if f == 1)
            test = any(f == 3 and v for f, _, v in _fields(value))
            return Node(5, _text(value, 2), operand, int(test))
        elif number == 6:
            parts = list(_fields(value))
            target = tuple(_expr(v, overloads) for f, _, v in parts if f == 1)
            args = tuple(_expr(v, overloads) for f, _, v in parts if f == 3)
            return Node(6, _text(value, 2), target + args, len(target), overloads=overloads.get(expr_id, ()))
        elif number == 7:
            return Node(7, "", tuple(_expr(v, overloads) for f, _, v in _fields(value) if f == 1), 0)
        elif number == 8:
            items: list[Node] = []
            for f, _, entry in _fields(value):
                if f == 2:
                    items.extend(_expr(v, overloads) for g, _, v in _fields(entry) if g in (3, 4))
            return Node(8, "", tuple(items), 0)
        elif number == 9:
            by_number = {f: v for f, _, v in _fields(value)}
            kids = tuple(
                _expr(by_number[k], overloads) if k in by_number else Node(3, "", (), 0) for k in (2, 4, 5, 6, 7)
            )
            return Node(9, _str(by_number.get(1, b"")), kids, 0, accu=_str(by_number.get(3, b"")))
    return Node(3, "", (), 0)  # an expression with no kind (cannot come from the checker)


def _text(buf: bytes, field: int) -> str:
    return next((_str(v) for f, _, v in _fields(buf) if f == field), "")


def _str(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def _constant_size(buf: bytes) -> int:
    for number, wire, value in _fields(buf):
        if wire == 2 and number in (6, 7):  # string, bytes
            return len(value) + _WORD
    return _WORD


_FIXED_SIZE = frozenset({"add_int64", "add_uint64", "add_double", "add_duration_duration", "add_timestamp_duration",
                         "add_duration_timestamp"})  # fmt: skip
"""`+` overloads whose result is a number, a duration or a timestamp."""


def grows(node: Node) -> bool:
    """True when evaluation can build values larger than its input (a comprehension, or a `+` that
    may join strings, bytes or lists)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.kind == 9 or (n.kind == 6 and n.name == "_+_" and not (n.overloads and set(n.overloads) <= _FIXED_SIZE)):
            return True
        stack.extend(n.children)
    return False


# -- estimating -----------------------------------------------------------------------


class _Bound(NamedTuple):
    """What a computed value may be: at most `size` bytes and `items` elements, elements like `elem`."""

    size: float
    items: float
    elem: Abstract | None = None


class _Concrete(NamedTuple):
    """A value of the input: one of `values`."""

    values: tuple[Any, ...]


Abstract = _Bound | _Concrete
_SCALAR = _Bound(_WORD, 0)
_SCALAR_RESULT = frozenset({"size", "_&&_", "_||_", "!_", "_-_", "_*_", "_/_", "_%_", "-_", "exists"})
_EQUALITY = frozenset({"_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_"})
_COMPARE = frozenset({"@in", "contains", "startsWith", "endsWith", "matches"})


class Estimate:
    """Cost of expressions over one activation (`data`); sizes of input values are cached."""

    def __init__(
        self,
        data: Mapping[str, Any],
        sizes: dict[int, tuple[Any, int]] | None = None,
        candidates: Mapping[str, list[Any]] | None = None,
    ) -> None:
        """`sizes`: a cache of container sizes to share between estimates (it keeps what it measured
        alive, so an id is never reused while the cache is). `candidates`: variables that may be any
        of several values (`item` of an `each:` rule: one estimate covers every item)."""
        self.data = data
        self._sizes: dict[int, tuple[Any, int]] = {} if sizes is None else sizes
        self._candidates = {k: _Concrete(tuple(v)) for k, v in (candidates or {}).items()}

    def cost(self, node: Node) -> float:
        return self._walk(node, {})[1]

    def key(self, paths: tuple[tuple[str, ...], ...]) -> bytes | None:
        """The input values at `paths` (see `reads`), as bytes: two inputs with the same key cost the same.
        None when a value cannot be written so (a timestamp) or the key would be long."""
        parts: list[tuple[Any, ...] | None] = []
        for root, *fields in paths:
            if root in self._candidates:
                values: tuple[Any, ...] = self._candidates[root].values
            elif root in self.data:
                values = (self.data[root],)
            else:
                parts.append(None)  # unknown: a scalar, as `_walk` reads it
                continue
            for field in fields:  # as `_walk` selects: values without the field drop out
                values = tuple(v[field] for v in values if isinstance(v, dict) and field in v)
            parts.append(values)
        try:
            key = marshal.dumps(parts)
        except ValueError:
            return None
        return key if len(key) <= MAX_KEY else None

    def _walk(self, node: Node, scope: dict[str, Abstract]) -> tuple[Abstract, float]:
        kind = node.kind
        if kind == 3:
            return _Bound(node.size, 0), 1
        if kind == 4:
            if node.name in scope:
                return scope[node.name], 1
            if node.name in self._candidates:
                return self._candidates[node.name], 1
            if node.name in self.data:
                return _Concrete((self.data[node.name],)), 1
            return _SCALAR, 1
        if kind == 5:
            operand, cost = self._walk(node.children[0], scope)
            if node.size:  # has()
                return _SCALAR, cost + 1
            if isinstance(operand, _Concrete):
                found = tuple(v[node.name] for v in operand.values if isinstance(v, dict) and node.name in v)
                return _Concrete(found), cost + 1
            return _Bound(operand.size, operand.items, operand.elem), cost + 1
        if kind == 6:
            return self._call(node, scope)
        if kind in (7, 8):
            parts = [self._walk(c, scope) for c in node.children]
            elem = self._join([v for v, _ in parts])
            size = sum(self._size(v) for v, _ in parts) + _WORD * len(parts)
            return _Bound(size, len(parts), elem), sum(c for _, c in parts) + len(parts) + 1
        return self._comprehension(node, scope)

    def _call(self, node: Node, scope: dict[str, Abstract]) -> tuple[Abstract, float]:
        parts = [self._walk(c, scope) for c in node.children]
        values = [v for v, _ in parts]
        cost = sum(c for _, c in parts)
        name = node.name
        if name == "_+_" and len(values) == 2:
            size = self._size(values[0]) + self._size(values[1])
            count = self._count(values[0]) + self._count(values[1])
            # Concatenation copies, even onto a comprehension's accumulator (measured: `map` over
            # 4,000 items takes 281 MiB), so `map` and `filter` are quadratic in their list's length.
            copied = count * _WORD if count else size  # a list copies references, a string its characters
            return _Bound(size, count, self._join([self._elem(values[0]), self._elem(values[1])])), cost + copied + 1
        if name == "_[_]" and len(values) == 2:
            return self._index(values[0], values[1]), cost + 1
        if name == "_?_:_" and len(values) == 3:
            return self._join(list(values[1:])) or _SCALAR, cost + 1
        if name in _SCALAR_RESULT or (name.startswith("@") and name != "@in"):
            return _SCALAR, cost + 1
        if name in _EQUALITY:  # stops at the shorter operand (or at the first difference)
            return _SCALAR, cost + min((self._size(v) for v in values), default=0) + 1
        if name in _COMPARE:
            return _SCALAR, cost + sum(self._size(v) for v in values) + 1
        if name == "dyn" and len(values) == 1:
            return values[0], cost + 1
        size = sum(self._size(v) for v in values) + _WORD  # conversions and anything else
        return _Bound(size, 0), cost + size

    def _comprehension(self, node: Node, scope: dict[str, Abstract]) -> tuple[Abstract, float]:
        iter_range, init, condition, step, result = node.children
        over, cost = self._walk(iter_range, scope)
        start, init_cost = self._walk(init, scope)
        n = self._count(over)
        inner = {**scope, node.name: self._elem(over) or _SCALAR}
        grown, _ = self._walk(step, {**inner, node.accu: _Bound(0, 0)})
        if _appends(step, node.accu):  # map, filter: the accumulator list grows by `grown` each time
            accu: Abstract = _Bound(
                self._size(start) + n * self._size(grown),
                self._count(start) + n * max(self._count(grown), 1),
                self._join([self._elem(start), self._elem(grown)]),
            )
        else:  # all, exists, exists_one: a boolean or a count
            accu = self._join([start, grown]) or _SCALAR
        inner[node.accu] = accu
        body = self._walk(condition, inner)[1] + self._walk(step, inner)[1]
        value, end = self._walk(result, {**scope, node.accu: accu})
        return value, cost + init_cost + n * body + end + 1

    # -- sizes of abstract values

    def _size(self, value: Abstract | None) -> float:
        if value is None:
            return 0
        if isinstance(value, _Bound):
            return value.size
        return max((self.size_of(v) for v in value.values), default=0)

    def _count(self, value: Abstract | None) -> float:
        if isinstance(value, _Bound):
            return value.items
        if isinstance(value, _Concrete):
            return max((len(v) for v in value.values if isinstance(v, list | dict)), default=0)
        return 0

    def _elem(self, value: Abstract | None) -> Abstract | None:
        if isinstance(value, _Bound):
            return value.elem
        if isinstance(value, _Concrete):
            items: list[Any] = []
            for v in value.values:
                if isinstance(v, list):
                    items.extend(v)
                elif isinstance(v, dict):
                    items.extend(v)  # a comprehension over a map iterates its keys
            return _Concrete(tuple(items))
        return None

    def _index(self, container: Abstract, key: Abstract) -> Abstract:
        if isinstance(container, _Concrete):
            out: list[Any] = []
            for c in container.values:
                if isinstance(c, dict):
                    out.extend(c.values())
                elif isinstance(c, list):
                    out.extend(c)
            return _Concrete(tuple(out))
        del key
        return container.elem or _Bound(container.size, container.items)

    def _join(self, values: Sequence[Abstract | None]) -> Abstract | None:
        """A value that may be any of `values`."""
        present = [v for v in values if v is not None]
        if not present:
            return None
        if all(isinstance(v, _Concrete) for v in present):
            return _Concrete(tuple(x for v in present for x in v.values))  # type: ignore[union-attr]
        return _Bound(max(self._size(v) for v in present), max(self._count(v) for v in present),
                      self._join([self._elem(v) for v in present]))  # fmt: skip

    def size_of(self, value: Any) -> int:
        """Size of an input value; containers are measured once (the same sections serve every rule)."""
        if isinstance(value, str | bytes):
            return len(value) + _WORD
        if not isinstance(value, dict | list):
            return _WORD
        key = id(value)
        cached = self._sizes.get(key)
        if cached is not None:
            return cached[1]
        if isinstance(value, dict):
            size = sum(self.size_of(k) + self.size_of(v) for k, v in value.items()) + _WORD
        else:
            size = sum(self.size_of(v) for v in value) + _WORD * (len(value) + 1)
        self._sizes[key] = (value, size)
        return size


MAX_KEY = 512
"""Bytes of input values an estimate is remembered by (`Estimate.key`); larger inputs are estimated each time
(with `cel._REMEMBERED` costs per program, at most half a MiB of keys each)."""


def reads(node: Node) -> tuple[tuple[str, ...], ...]:
    """The input paths an estimate of `node` depends on: each select chain from a variable (the whole
    variable where it is used otherwise). `has()` of a chain reads none (its cost is the chain's length),
    and chains from a comprehension's own variables are covered by the chain of its range."""
    out: set[tuple[str, ...]] = set()
    stack: list[tuple[Node, frozenset[str]]] = [(node, frozenset())]
    while stack:
        n, bound = stack.pop()
        if n.kind == 5 and n.size and _chain(n.children[0]) is not None:
            continue
        path = _chain(n) if n.kind in (4, 5) and not n.size else None
        if path is not None:
            if path[0] not in bound:
                out.add(path)
            continue
        if n.kind == 9:  # range and start outside the loop; the rest sees its variables
            inner = bound | {n.name, n.accu}
            stack += [(n.children[0], bound), (n.children[1], bound)]
            stack += [(c, inner) for c in n.children[2:]]
        else:
            stack += [(c, bound) for c in n.children]
    return tuple(sorted(out))


def _chain(node: Node) -> tuple[str, ...] | None:
    """`a.b.c` as ("a", "b", "c"); None for anything but field selections from a variable."""
    fields: list[str] = []
    while node.kind == 5 and not node.size:
        fields.append(node.name)
        node = node.children[0]
    return (node.name, *reversed(fields)) if node.kind == 4 else None


def _appends(step: Node, accu: str) -> bool:
    """The comprehension's step appends to its accumulator list (`@result + [x]`), directly or in a condition."""
    stack = [step]
    while stack:
        n = stack.pop()
        if n.kind == 6 and n.name == "_+_" and len(n.children) == 2:
            first, second = n.children
            if first.kind == 4 and first.name == accu and second.kind == 7:
                return True
        if n.kind != 9:
            stack.extend(n.children)
    return False
