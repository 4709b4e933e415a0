"""Graph nodes: what the graph needs from one service, from a manifest or an imported catalog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from shiftleft.manifest import values


class Target(NamedTuple):
    """A recovery or availability target: the value for arithmetic and the text as written."""

    value: float | int
    """Percent (float) for availability, seconds (int) for durations."""
    text: str
    """As the author wrote it (`24h`, `99.0`)."""


class Link(NamedTuple):
    """One `spec.dependencies[]` or `spec.suppliers[]` entry."""

    name: str
    """The service (or supplier) depended on."""
    hard: bool
    """As declared; an entry without `hard` is hard."""
    fallback: bool
    """A real fallback is declared: structured, or text that is not a placeholder such as `none` or `TBD`."""
    availability: Target | None = None
    """Suppliers only: contracted `sla.availability`."""
    rto: Target | None = None
    """Suppliers only: contracted `sla.rto`."""
    rpo: Target | None = None
    """Suppliers only: contracted `sla.rpo`."""
    promise: Node | None = None
    """Dependencies only: what the dependency's owner promises while it has no manifest (`promise:`)."""
    external: bool = False
    """Dependencies only: a third party, whose terms belong under `spec.suppliers` (`external: true`)."""

    @property
    def blocking(self) -> bool:
        """No fallback: when the target is down, so is the dependent (hard or not)."""
        return not self.fallback

    @property
    def in_composite(self) -> bool:
        """Counts in the serial product: everything but a soft entry with a fallback."""
        return self.hard or not self.fallback


class Node(NamedTuple):
    """One service of the catalog."""

    name: str
    tier: int | None
    slo: Target | None
    rto: Target | None
    rpo: Target | None
    owner: str | None
    dependencies: tuple[Link, ...] = ()
    suppliers: tuple[Link, ...] = ()
    local: bool = True
    """Declared by a manifest in scope (False: imported from another repository's catalog)."""
    valid: bool = True
    """False for a manifest with SL0xx problems: its name is known, its targets are not."""
    promised: bool = False
    """Stands in for a service with no manifest yet: its targets are a dependent's `promise:`, unverified."""


def from_manifest(raw: dict[str, Any], name: str, valid: bool) -> Node:
    """A node from a manifest as written (`raw`); an invalid manifest gives a name-only node."""
    if not valid:
        return Node(name, None, None, None, None, None, valid=False)
    spec = raw.get("spec", {})
    availability = spec.get("availability", {})
    continuity = spec.get("continuity", {})
    return Node(
        name=name,
        tier=spec.get("tier"),
        slo=percent(availability.get("slo")),
        rto=duration(continuity.get("rto")),
        rpo=duration(continuity.get("rpo")),
        owner=raw.get("metadata", {}).get("owner"),
        dependencies=tuple(dependency(d) for d in spec.get("dependencies", [])),
        suppliers=tuple(supplier(s) for s in spec.get("suppliers", [])),
    )


def dependency(entry: dict[str, Any]) -> Link:
    promise = entry.get("promise")
    return Link(
        entry["service"],
        entry.get("hard", True) is not False,
        values.real_fallback(entry.get("fallback")),
        promise=_promised(entry["service"], promise) if isinstance(promise, dict) else None,
        external=entry.get("external") is True,
    )


def _promised(name: str, promise: dict[str, Any]) -> Node:
    """A stand-in node read the way a manifest is read: the promise's targets in their manifest places."""
    spec = {
        "tier": promise.get("tier"),
        "availability": {"slo": promise["slo"]} if "slo" in promise else {},
        "continuity": {k: promise[k] for k in ("rto", "rpo") if k in promise},
    }
    return from_manifest({"metadata": {"owner": promise.get("owner")}, "spec": spec}, name, True)._replace(
        local=False, promised=True
    )


def supplier(entry: dict[str, Any]) -> Link:
    sla = entry.get("sla") or {}
    return Link(
        entry["name"],
        entry.get("hard", True) is not False,
        values.real_fallback(entry.get("fallback")),
        percent(sla.get("availability")),
        duration(sla.get("rto")),
        duration(sla.get("rpo")),
    )


def percent(value: Any) -> Target | None:
    return _target(value, values.parse_percent)


def duration(value: Any) -> Target | None:
    return _target(value, values.parse_duration)


_TARGETS: dict[tuple[Callable[[Any], float | int], type, Any], Target] = {}
_TARGETS_MAX = 4096


def _target(value: Any, parse: Callable[[Any], float | int]) -> Target | None:
    """The parsed target, shared by every node that writes the same value: a 10,000-service graph then
    holds a few hundred targets instead of about 120,000 (Target is immutable)."""
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        return Target(parse(value), str(value))
    key = (parse, type(value), value)
    known = _TARGETS.get(key)
    if known is None:
        known = Target(parse(value), str(value))
        if len(_TARGETS) < _TARGETS_MAX:
            _TARGETS[key] = known
    return known


def to_plain(node: Node) -> tuple[Any, ...]:
    """The node as nested plain tuples, which marshal holds (the facts cache); `from_plain` gives it back."""
    return _plain(node)  # type: ignore[no-any-return]  # a Node is a tuple


def _plain(value: Any) -> Any:
    return tuple(_plain(v) for v in value) if isinstance(value, tuple) else value


def from_plain(plain: tuple[Any, ...]) -> Node:
    """The node `to_plain` gave (raises ValueError or TypeError on anything else)."""
    name, tier, slo, rto, rpo, owner, dependencies, suppliers, local, valid, promised = plain
    return Node(
        name, tier, _target_of(slo), _target_of(rto), _target_of(rpo), owner,
        tuple(_link_of(x) for x in dependencies), tuple(_link_of(x) for x in suppliers), local, valid, promised,
    )  # fmt: skip


def _link_of(plain: tuple[Any, ...]) -> Link:
    name, hard, fallback, availability, rto, rpo, promise, external = plain
    return Link(
        name, hard, fallback, _target_of(availability), _target_of(rto), _target_of(rpo),
        None if promise is None else from_plain(promise), external,
    )  # fmt: skip


def _target_of(plain: tuple[Any, ...] | None) -> Target | None:
    if plain is None:
        return None
    value, text = plain
    return Target(value, text)
