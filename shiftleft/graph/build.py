"""Resolve the catalog into a graph and derive each service's facts.

Everything is linear in services plus edges and iterative (no recursion), so
a line of 10,000 services is as cheap as 10,000 unrelated ones:

- names resolve through one dict (a local manifest wins over an imported
  service of the same name; the first of duplicate local names wins);
- cycles are the strongly connected components of the blocking edges
  (iterative Tarjan); Tarjan numbers components dependencies-first, so
- the worst RTO/RPO along blocking chains is one pass over the components
  (max is idempotent, so diamonds cost nothing extra).

Per-service facts (`Graph.facts`) are built on demand, one service at a
time, so memory stays flat on large catalogs.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from typing import Any, NamedTuple

from shiftleft.graph.nodes import Link, Node, Target
from shiftleft.graph.scc import components
from shiftleft.manifest import values

CONCENTRATION_TIERS = (0, 1)
"""Tiers whose blocking use of one supplier counts towards concentration."""
_MAX_NAMES = 10
"""Paths and member lists longer than this are shortened with '…' in facts."""


class _Best(NamedTuple):
    """The worst (largest) RTO or RPO reachable from a component."""

    value: int
    text: str
    target: str
    """Service or supplier that declares it."""
    node: int
    """Member of the component where the chain leaves it (or ends)."""
    next: int
    """Next node along the chain, -1 when the chain ends at `node` (own target or a supplier)."""


class Graph:
    """The resolved catalog. Nodes 0..len(manifests)-1 are the manifests, in order; imports follow."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.nodes = list(nodes)
        self.index: dict[str, int] = {}
        for i, node in enumerate(self.nodes):  # a valid local manifest, then an invalid one, then imports
            if node.valid and node.local:
                self.index.setdefault(node.name, i)
        for i, node in enumerate(self.nodes):
            self.index.setdefault(node.name, i)
        self.targets = [[self._resolve(d) for d in n.dependencies] for n in list(self.nodes)]
        self.targets += [[] for _ in range(len(self.nodes) - len(self.targets))]  # promised stand-ins
        self.dependents: list[list[tuple[int, Link]]] = [[] for _ in self.nodes]
        for i, node in enumerate(self.nodes):
            for link, t in zip(node.dependencies, self.targets[i], strict=True):
                if t >= 0 and t != i:
                    self.dependents[t].append((i, link))
        for listed in self.dependents:  # by name, so facts do not depend on the order of the manifests
            listed.sort(key=lambda entry: (self.nodes[entry[0]].name, entry[0]))
        self.succ = self._blocking_successors()
        self.comp, self.comp_members = components(self.succ)
        self.worst_rto = self._worst("rto")
        self.worst_rpo = self._worst("rpo")
        self.concentration = self._concentration()
        self._cycles: dict[int, tuple[list[str], str]] = {}
        self._inside: dict[int, list[int]] = {}

    # -- construction -------------------------------------------------------------

    def _resolve(self, link: Link) -> int:
        """The node a dependency names; for an unknown name with a `promise:`, a stand-in of its own.

        Each dependent's promise stands in only for its own entry, so two services that were
        promised different targets are each judged by what they were promised.
        """
        t = self.index.get(link.name, -1)
        if t < 0 and link.promise is not None and not link.external:
            self.nodes.append(link.promise)
            return len(self.nodes) - 1
        return t

    def _blocking_successors(self) -> list[list[int]]:
        return [
            [t for link, t in zip(n.dependencies, self.targets[i], strict=True) if link.blocking and t >= 0 and t != i]
            for i, n in enumerate(self.nodes)
        ]

    def _worst(self, attr: str) -> list[_Best | None]:
        """Per component: the largest `attr` declared along blocking chains (members included)."""
        best: list[_Best | None] = [None] * len(self.comp_members)
        for c, members in enumerate(self.comp_members):  # dependencies first
            top: _Best | None = None
            for m in members:
                node = self.nodes[m]
                own: Target | None = getattr(node, attr)
                if own is not None:
                    top = self._better(_Best(int(own.value), own.text, node.name, m, -1), top)
                for s in node.suppliers:
                    sla: Target | None = getattr(s, attr)
                    if s.blocking and sla is not None:
                        top = self._better(_Best(int(sla.value), sla.text, s.name, m, -1), top)
                for link, t in zip(node.dependencies, self.targets[m], strict=True):
                    if not link.blocking or t < 0 or self.comp[t] == c:
                        continue
                    down = best[self.comp[t]]
                    if down is not None:
                        top = self._better(_Best(down.value, down.text, down.target, m, t), top)
            best[c] = top
        return best

    def _better(self, new: _Best, old: _Best | None) -> _Best:
        return new if self._beats(new, old) else old  # type: ignore[return-value]

    def _beats(self, new: _Best, old: _Best | None, new_start: int = -1, old_start: int = -1) -> bool:
        """A larger value wins; a tie is decided by names, so the order of the manifests does not matter."""
        if old is None or new.value != old.value:
            return old is None or new.value > old.value
        return self._tie(new, new_start) < self._tie(old, old_start)

    def _tie(self, best: _Best, start: int) -> tuple[str, str, str, str, str]:
        def name(i: int) -> str:
            return self.nodes[i].name if i >= 0 else ""

        return (best.target, best.text, name(start), name(best.node), name(best.next))

    def _concentration(self) -> dict[str, tuple[list[str], int, int]]:
        """Supplier -> (tier 0-1 services using it without a fallback, reporting node, its entry index)."""
        users: dict[str, dict[str, tuple[int, int] | None]] = {}
        for i, node in enumerate(self.nodes):
            if node.tier not in CONCENTRATION_TIERS or self.index.get(node.name) != i:
                continue
            for k, s in enumerate(node.suppliers):
                if s.blocking:
                    by_service = users.setdefault(s.name, {})
                    if node.name not in by_service:
                        by_service[node.name] = (i, k) if node.local else None
        out = {}
        for supplier, by_service in users.items():
            local = sorted((name, at) for name, at in by_service.items() if at is not None)
            if local:
                out[supplier] = (sorted(by_service), *local[0][1])
        return out

    # -- facts ------------------------------------------------------------------------

    def facts(self, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """The `graph` variable of node `i`: (typed for CEL, as written for messages)."""
        node = self.nodes[i]
        deps = [self._dependency(i, k) for k in range(len(node.dependencies))]
        sups = [self._supplier(i, k) for k in range(len(node.suppliers))]
        comp = self.comp[i]
        members = self.comp_members[comp]
        on_cycle = len(members) > 1
        cycle = self._cycle(comp)[0] if on_cycle else []
        dependents = [(self.nodes[j], link) for j, link in self.dependents[i]]
        composite = self._composite(i)
        common = {
            "on_cycle": on_cycle,
            "cycle": cycle,
            "cycle_size": len(members) if on_cycle else 0,
            "dependents": [{"service": n.name, "tier": n.tier, "blocking": link.blocking} for n, link in dependents],
        }
        typed = {
            **common,
            "dependencies": [d for d, _ in deps],
            "suppliers": [s for s, _ in sups],
            "composite_slo": composite["value"],
            "composite": {k: composite[k] for k in ("value", "factors", "unknown", "complete")},
            "worst_rto": self._chain(i, self.worst_rto, typed=True),
            "worst_rpo": self._chain(i, self.worst_rpo, typed=True),
        }
        shown = {
            **common,
            "dependencies": [d for _, d in deps],
            "suppliers": [s for _, s in sups],
            "composite_slo": composite["text"],
            "composite": composite,
            "worst_rto": self._chain(i, self.worst_rto, typed=False),
            "worst_rpo": self._chain(i, self.worst_rpo, typed=False),
        }
        return typed, shown

    def _dependency(self, i: int, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        link = self.nodes[i].dependencies[k]
        t = self.targets[i][k]
        target = self.nodes[t] if t >= 0 else None
        on_cycle = link.blocking and t >= 0 and t != i and self.comp[t] == self.comp[i]
        base = {
            "service": link.name,
            "known": target is not None,
            "promised": target is not None and target.promised,
            "external": link.external,
            "promise_broken": _broken(link.promise, target),
            "valid": target is not None and target.valid,
            "local": target is not None and target.local,
            "tier": target.tier if target else None,
            "owner": target.owner if target else None,
            "hard": link.hard,
            "fallback": link.fallback,
            "blocking": link.blocking,
            "in_composite": link.in_composite,
            "self": t == i,
            "on_cycle": on_cycle,
            "cycle": self._cycle_path(i, t) if on_cycle else "",
            "dependency": _kind(link),
            "extra_nine": _extra_nine(self.nodes[i].slo),
        }
        typed = {**base, **_targets(target, typed=True)}
        shown = {**base, **_targets(target, typed=False)}
        if base["extra_nine"] is not None:
            shown["extra_nine"] = _percent_text(base["extra_nine"])
        return typed, shown

    def _supplier(self, i: int, k: int) -> tuple[dict[str, Any], dict[str, Any]]:
        node = self.nodes[i]
        link = node.suppliers[k]
        conc = self.concentration.get(link.name)
        services = conc[0] if conc else []
        concentration = {
            "count": len(services),
            "services": _shorten(services, 20),
            "report": conc is not None and conc[1] == i and conc[2] == k,
        }
        base = {
            "name": link.name,
            "hard": link.hard,
            "fallback": link.fallback,
            "blocking": link.blocking,
            "in_composite": link.in_composite,
            "concentration": concentration,
            "extra_nine": _extra_nine(node.slo),
        }
        typed = {**base, "availability": _value(link.availability, True), "rto": _value(link.rto, True),
                 "rpo": _value(link.rpo, True)}  # fmt: skip
        shown = {**base, "availability": _value(link.availability, False), "rto": _value(link.rto, False),
                 "rpo": _value(link.rpo, False)}  # fmt: skip
        if base["extra_nine"] is not None:
            shown["extra_nine"] = _percent_text(base["extra_nine"])
        return typed, shown

    def _composite(self, i: int) -> dict[str, Any]:
        """Serial product of what the service cannot run without (see docs/graph.md)."""
        node = self.nodes[i]
        factors: list[tuple[str, Target]] = []
        unknown: list[str] = []
        for link, t in zip(node.dependencies, self.targets[i], strict=True):
            if not link.in_composite or t == i:
                continue
            slo = self.nodes[t].slo if t >= 0 else None
            if slo is None:
                unknown.append(link.name)
            else:
                factors.append((link.name, slo))
        for s in node.suppliers:
            if not s.in_composite:
                continue
            if s.availability is None:
                unknown.append(s.name)
            else:
                factors.append((s.name, s.availability))
        product = math.prod(a.value / 100 for _, a in factors)
        value = float(round(product * 100, 6))
        own = node.slo.value if node.slo else None
        shown = _percent(value, own)
        text = " x ".join(_with_percent(a.text) for _, a in factors)
        return {
            "value": value,
            "text": shown,
            "factors": [{"name": n, "availability": a.value} for n, a in factors],
            "unknown": unknown,
            "complete": not unknown,
            "arithmetic": f"{text} = {shown}" if factors else "no blocking dependency: 100%",
        }

    def _chain(self, i: int, worst: list[_Best | None], *, typed: bool) -> dict[str, Any] | None:
        """Worst target along node i's blocking chains (own value excluded), with the path."""
        node = self.nodes[i]
        attr = "rto" if worst is self.worst_rto else "rpo"
        top: _Best | None = None
        path_start = -1
        for s in node.suppliers:
            sla: Target | None = getattr(s, attr)
            if s.blocking and sla is not None:
                candidate = _Best(int(sla.value), sla.text, s.name, i, -1)
                if self._beats(candidate, top, -1, path_start):
                    top, path_start = candidate, -1
        for link, t in zip(node.dependencies, self.targets[i], strict=True):
            if link.blocking and t >= 0 and t != i:
                down = worst[self.comp[t]]
                if down is not None and self._beats(down, top, t, path_start):
                    top, path_start = down, t
        if top is None:
            return None
        path = [node.name]
        hop = path_start
        while hop >= 0:
            best = worst[self.comp[hop]]
            if best is None or (len(path) > _MAX_NAMES and (best.node != hop or best.next >= 0)):
                break  # more than the last service is left: "…" below stands for it
            path.append(self.nodes[hop].name)
            if best.node != hop:  # inside a cycle: the exit is another member
                path.append("…")
                path.append(self.nodes[best.node].name)
            hop = best.next
        if path[-1] != top.target:
            if hop >= 0:
                path.append("…")
            path.append(top.target)
        value = values.cel_duration(top.value) if typed else top.text
        return {"value": value, "service": top.target, "path": path}

    def _cycle(self, comp: int) -> tuple[list[str], str]:
        """Members of a component as facts show them (sorted, shortened) and as a sentence; built once."""
        known = self._cycles.get(comp)
        if known is None:
            members = self.comp_members[comp]
            names = _shorten(sorted(self.nodes[m].name for m in members))
            known = self._cycles[comp] = (names, f"a cycle of {len(members)} services: {', '.join(names)}")
        return known

    def _inner(self, comp: int, v: int) -> list[int]:
        """Blocking successors of `v` inside its (small) component, kept once per node."""
        known = self._inside.get(v)
        if known is None:
            known = self._inside[v] = [w for w in self.succ[v] if self.comp[w] == comp]
        return known

    def _cycle_path(self, i: int, t: int) -> str:
        """`a → b → a` for the blocking edge i→t (shortest way back from t to i)."""
        comp = self.comp[i]
        members = self.comp_members[comp]
        if len(members) > 20:
            return self._cycle(comp)[1]
        prev = {t: -1}
        queue = deque([t])
        while queue:
            v = queue.popleft()
            if v == i:
                break
            for w in self._inner(comp, v):
                if w not in prev:
                    prev[w] = v
                    queue.append(w)
        chain = []  # i, prev[i], ..., t: the way back read backwards
        v = i
        while v != -1:
            chain.append(self.nodes[v].name)
            v = prev.get(v, -1)
        return " → ".join([self.nodes[i].name, *reversed(chain)])


def build(nodes: Sequence[Node]) -> Graph:
    return Graph(nodes)


def _broken(promise: Node | None, real: Node | None) -> list[str]:
    """Where a service's own manifest promises less than a dependent was promised before it existed."""
    if promise is None or real is None or real.promised or not real.valid:
        return []
    out = []
    if promise.tier is not None and (real.tier is None or real.tier > promise.tier):
        out.append(f"tier {real.tier if real.tier is not None else 'not declared'} (promised {promise.tier})")
    if promise.slo is not None and (real.slo is None or real.slo.value < promise.slo.value):
        out.append(f"SLO {real.slo.text if real.slo else 'not declared'} (promised {promise.slo.text})")
    for label, mine, theirs in (("RTO", real.rto, promise.rto), ("RPO", real.rpo, promise.rpo)):
        if theirs is not None and (mine is None or mine.value > theirs.value):
            out.append(f"{label} {mine.text if mine else 'not declared'} (promised {theirs.text})")
    return out


def _targets(node: Node | None, *, typed: bool) -> dict[str, Any]:
    if node is None:
        return {"slo": None, "rto": None, "rpo": None}
    return {"slo": _value(node.slo, typed), "rto": _value(node.rto, typed), "rpo": _value(node.rpo, typed)}


def _value(target: Target | None, typed: bool) -> Any:
    if target is None:
        return None
    if not typed:
        return target.text
    if isinstance(target.value, float):
        return target.value
    return values.cel_duration(target.value)


def _kind(link: Link) -> str:
    if link.hard:
        return "hard dependency"
    return "soft dependency" if link.fallback else "soft dependency with no fallback"


def _extra_nine(slo: Target | None) -> float | None:
    """One more nine than `slo`: 99.95 -> 99.995 (Treynor's rule of the extra nine)."""
    return None if slo is None else round(100 - (100 - float(slo.value)) / 10, 6)


def _with_percent(text: str) -> str:
    return text if text.endswith("%") else f"{text}%"


def _percent(value: float, below: float | None) -> str:
    """A composite for people: two decimals, more when rounding would hide that it is below `below`."""
    for decimals in range(2, 7):
        shown = round(value, decimals)
        if below is None or value >= below or shown < below:
            break
    else:  # past six decimals: cut, exactly (value * 10**6 in floats may round up to `below` itself)
        numerator, denominator = value.as_integer_ratio()
        shown = numerator * 10**6 // denominator / 10**6
    text = f"{shown:.{decimals}f}"
    if decimals > 2:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def _shorten(names: list[str], limit: int = _MAX_NAMES) -> list[str]:
    return names if len(names) <= limit else [*names[: limit - 1], "…", f"({len(names)} in all)"]


def _percent_text(value: object) -> str:
    return f"{float(str(value)):.6f}".rstrip("0").rstrip(".") + "%"
