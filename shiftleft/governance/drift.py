"""Drift: requirement downgrades between a manifest at the base commit and in the working tree.

Each downgrade of DESIGN.md section 6 is a finding (SL910-SL919) at the line
of the working-tree manifest that changed (or its closest parent when the
value was removed), so it needs an approved waiver like any other finding.
Only the values are compared: moving, reformatting or reordering a manifest
is not drift. A manifest matched by the globs at the base that is gone from
the checked catalog (deleted, or moved where the globs do not reach) and
whose service no other manifest declares is SL910.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from shiftleft.manifest import values
from shiftleft.vocabulary import STRATEGIES

_LIFECYCLE = {"experimental": 0, "deprecated": 1, "production": 2}
_CLASSIFICATION = {"public": 0, "internal": 1, "confidential": 2, "restricted": 3}
_TLS = {"1.0": 0, "1.1": 1, "1.2": 2, "1.3": 3}


class Downgrade(NamedTuple):
    rule: str
    path: tuple[str | int, ...]
    """Where in the working-tree manifest (the closest existing parent is located)."""
    message: str


def compare(old: Any, new: Any, ref: str) -> list[Downgrade]:
    """Every downgrade from the manifest values `old` (at `ref`) to `new`."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    before, after = _map(old.get("spec")), _map(new.get("spec"))
    return list(_downgrades(before, after, f"since {ref}"))


def _downgrades(old: dict[str, Any], new: dict[str, Any], since: str) -> Iterator[Downgrade]:
    tier_old, tier_new = old.get("tier"), new.get("tier")
    if _int(tier_old) is not None and (_int(tier_new) is None or _int(tier_new) > _int(tier_old)):  # type: ignore[operator]
        yield Downgrade("SL911", ("spec", "tier"), f"tier lowered from {tier_old} to {_shown(tier_new)} {since}")
    life_old, life_new = _rank(_LIFECYCLE, old.get("lifecycle")), _rank(_LIFECYCLE, new.get("lifecycle"))
    if life_old is not None and (life_new is None or life_new < life_old):
        yield Downgrade("SL912", ("spec", "lifecycle"), _changed("lifecycle", old.get("lifecycle"),
                                                                  new.get("lifecycle"), since))  # fmt: skip
    cont_old, cont_new = _map(old.get("continuity")), _map(new.get("continuity"))
    for key in ("rto", "rpo"):
        a, b = _seconds(cont_old.get(key)), _seconds(cont_new.get(key))
        if a is not None and (b is None or b > a):
            yield Downgrade("SL913", ("spec", "continuity", key),
                            _changed(key.upper(), cont_old.get(key), cont_new.get(key), since, "loosened"))  # fmt: skip
    strat_old, strat_new = _rank(_STRATEGY, cont_old.get("strategy")), _rank(_STRATEGY, cont_new.get("strategy"))
    if strat_old is not None and (strat_new is None or strat_new < strat_old):
        yield Downgrade("SL917", ("spec", "continuity", "strategy"),
                        _changed("DR strategy", cont_old.get("strategy"), cont_new.get("strategy"), since,
                                 "weakened"))  # fmt: skip
    yield from _availability(_map(old.get("availability")), _map(new.get("availability")), since)
    yield from _security(_map(old.get("security")), _map(new.get("security")), since)
    yield from _compliance(old, new, since)
    yield from _dependencies(old, new, since)
    yield from _suppliers(old, new, since)


_STRATEGY = {name: rank for rank, name in enumerate(STRATEGIES)}


def _availability(old: dict[str, Any], new: dict[str, Any], since: str) -> Iterator[Downgrade]:
    for key, label in (("slo", "SLO"), ("zones", "zones"), ("min_replicas", "minimum replicas")):
        a, b = _number(old.get(key)), _number(new.get(key))
        if a is not None and (b is None or b < a):
            yield Downgrade("SL914", ("spec", "availability", key),
                            _changed(label, old.get(key), new.get(key), since))  # fmt: skip
    regions_old, regions_new = old.get("regions"), new.get("regions")
    if isinstance(regions_old, list) and len(regions_old) > (len(regions_new) if isinstance(regions_new, list) else 0):
        count = len(regions_new) if isinstance(regions_new, list) else 0
        yield Downgrade("SL914", ("spec", "availability", "regions"),
                        f"regions lowered from {len(regions_old)} to {count} {since}")  # fmt: skip


def _security(old: dict[str, Any], new: dict[str, Any], since: str) -> Iterator[Downgrade]:
    enc_old, enc_new = _map(old.get("encryption")), _map(new.get("encryption"))
    for key in ("at_rest", "in_transit"):
        if enc_old.get(key) is True and enc_new.get(key) is not True:
            label = "encryption " + key.replace("_", " ")
            yield Downgrade("SL915", ("spec", "security", "encryption", key),
                            f"{label} turned off (was true, now {_shown(enc_new.get(key))}) {since}")  # fmt: skip
    tls_old, tls_new = _rank(_TLS, enc_old.get("min_tls")), _rank(_TLS, enc_new.get("min_tls"))
    if tls_old is not None and (tls_new is None or tls_new < tls_old):
        text = _changed("minimum TLS version", enc_old.get("min_tls"), enc_new.get("min_tls"), since)
        yield Downgrade("SL915", ("spec", "security", "encryption", "min_tls"), text)


def _compliance(old: dict[str, Any], new: dict[str, Any], since: str) -> Iterator[Downgrade]:
    frameworks_old = _strings(_map(old.get("compliance")).get("frameworks"))
    frameworks_new = _strings(_map(new.get("compliance")).get("frameworks"))
    for name in frameworks_old:
        if name not in frameworks_new:
            yield Downgrade("SL916", ("spec", "compliance", "frameworks"), f"framework {name} dropped {since}")
    data_old, data_new = _map(old.get("data")), _map(new.get("data"))
    cls_old, cls_new = (
        _rank(_CLASSIFICATION, data_old.get("classification")),
        _rank(_CLASSIFICATION, data_new.get("classification")),
    )
    if cls_old is not None and (cls_new is None or cls_new < cls_old):
        yield Downgrade("SL916", ("spec", "data", "classification"),
                        _changed("data classification", data_old.get("classification"),
                                 data_new.get("classification"), since))  # fmt: skip


def _dependencies(old: dict[str, Any], new: dict[str, Any], since: str) -> Iterator[Downgrade]:
    hard_before = {d.get("service") for d in _list(old.get("dependencies")) if d.get("hard") is True}
    for index, dep in enumerate(_list(new.get("dependencies"))):
        if dep.get("hard") is True and dep.get("service") not in hard_before:
            yield Downgrade("SL918", ("spec", "dependencies", index),
                            f"hard dependency on {_shown(dep.get('service'))} added {since}")  # fmt: skip


def _suppliers(old: dict[str, Any], new: dict[str, Any], since: str) -> Iterator[Downgrade]:
    before = {s.get("name") for s in _list(old.get("suppliers"))}
    for index, supplier in enumerate(_list(new.get("suppliers"))):
        if supplier.get("name") not in before and not supplier.get("exit_plan"):
            yield Downgrade("SL919", ("spec", "suppliers", index),
                            f"supplier {_shown(supplier.get('name'))} added without an exit plan {since}")  # fmt: skip


def waivers_added(old: Any, new: Any, service: str) -> list[str]:
    """Inline waivers in `new` that `old` did not have (rule, path and expiry compared): policy changes."""

    def entries(raw: Any) -> list[dict[str, Any]]:
        return _list(_map(raw.get("spec") if isinstance(raw, dict) else None).get("waivers"))

    before = {(w.get("rule"), w.get("path"), str(w.get("expires"))) for w in entries(old)}
    return [
        f"inline waiver added: {w.get('rule')} on {service} until {w.get('expires')}, "
        f"approved by {w.get('approved_by')}"
        for w in entries(new)
        if (w.get("rule"), w.get("path"), str(w.get("expires"))) not in before
    ]


def _changed(label: str, old: Any, new: Any, since: str, verb: str = "lowered") -> str:
    return f"{label} {verb} from {_shown(old)} to {_shown(new)} {since}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "(removed)" if value is None else str(value)


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _rank(table: dict[str, int], value: Any) -> int | None:
    return table.get(value) if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    try:
        return values.parse_percent(value) if value is not None and not isinstance(value, bool) else None
    except ValueError:
        return None


def _seconds(value: Any) -> float | None:
    try:
        return values.parse_duration(value) if isinstance(value, str) else None
    except ValueError:
        return None
