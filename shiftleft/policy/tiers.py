"""The tier policy: one row of targets and obligations per continuity tier, read from YAML data.

Every tier-dependent demand of the catalog is a column here, never a tier
number written into a rule, so an organisation with its own tier table gets
the obligations it wrote (decision 0010).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any, NamedTuple

from shiftleft.errors import ConfigError
from shiftleft.findings import Severity
from shiftleft.manifest import schema, values, yamlsafe
from shiftleft.manifest.schema import Path_
from shiftleft.vocabulary import STRATEGIES

"""DR strategies from the cheapest and slowest to the most expensive and fastest."""

COVERAGES = ("24x7", "extended-hours", "business-hours", "best-effort")
"""On-call coverage, from the widest to the thinnest."""

_DURATIONS = ("max_rto", "max_rpo", "backup_retention")
_INTERVALS = ("dr_test_every", "restore_test_every")
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "slo_floor": (int, float),
    "max_rto": str,
    "max_rpo": str,
    "min_strategy": str,
    "min_zones": int,
    "min_regions": int,
    "min_replicas": int,
    "oncall_coverage": list,
    "offsite_backup": bool,
    "backups_encrypted": bool,
    "backups_immutable": bool,
    "backup_retention": str,
    "dr_test_every": str,
    "restore_test_every": str,
    "sbom": bool,
    "health_probes": bool,
    "extra_nine": bool,
    "supplier_sla": bool,
    "supplier_exit_plan": bool,
    "supplier_fallback": bool,
    "supplier_assurance": bool,
    "requires_severity": str,
    "requires": list,
}
_PATH = re.compile(r"(metadata|spec)(\.[a-z_][a-z0-9_]*)+\Z")
SKEW_DAYS = 1
"""Clock skew allowed for "last done" dates: a date after tomorrow has not happened yet."""


class Requirement(NamedTuple):
    """A manifest path a tier requires, e.g. `spec.incident.invocation_authority`."""

    path: Path_
    dotted: str
    unless: Path_ | None = None
    """A boolean manifest path that, when true, lifts the requirement (`spec.data.stateless`)."""


class Tier(NamedTuple):
    number: int
    raw: dict[str, Any]
    """The row as written (for messages)."""
    typed: dict[str, Any]
    """The row for CEL: durations as "Ns" strings, plus `allowed_strategies`; `with_dates` adds `cutoff`."""
    requires: tuple[Requirement, ...] = ()
    requires_severity: Severity = Severity.HIGH

    def with_dates(self, now: dt.datetime) -> Tier:
        """The row with `cutoff`: the calendar dates its intervals reach back to from `now`."""
        today = now.date()
        cutoff = {
            "dr_test": values.interval_start(today, values.parse_interval(self.raw["dr_test_every"])),
            "restore_test": values.interval_start(today, values.parse_interval(self.raw["restore_test_every"])),
            "year": values.months_before(today, 12),
            "future": today + dt.timedelta(days=SKEW_DAYS),
        }
        typed = dict(self.typed, cutoff={k: values.cel_timestamp(v) for k, v in cutoff.items()})
        return self._replace(typed=typed)


class TierPolicy(NamedTuple):
    source: str
    tiers: dict[int, Tier]

    def get(self, number: int) -> Tier | None:
        return self.tiers.get(number)

    def with_dates(self, now: dt.datetime) -> TierPolicy:
        return self._replace(tiers={n: t.with_dates(now) for n, t in self.tiers.items()})


def load(path: Path, display: str) -> TierPolicy:
    """Read and check a tier table; any problem is a ConfigError naming file, line and column."""
    text, data = yamlsafe.load_policy_file(path, display, ConfigError)

    def fail(message: str, where: tuple[str | int, ...], key: bool = False) -> ConfigError:
        line, col = yamlsafe.locate(text, where, key=key)
        return ConfigError(f"tier policy: {message}", file=display, line=line, col=col)

    if not isinstance(data, dict) or not isinstance(data.get("tiers"), dict) or not data["tiers"]:
        raise fail("expected a mapping `tiers:` of tier number to targets", ())
    extra = set(data) - {"tiers"}
    if extra:
        raise fail(f"unknown key {sorted(extra)[0]!r}", (sorted(extra)[0],), key=True)
    tiers: dict[int, Tier] = {}
    for key, row in data["tiers"].items():
        where: tuple[str | int, ...] = ("tiers", key)
        try:
            number = int(key)
        except ValueError:
            raise fail(f"tier {key!r} is not a number", where, key=True) from None
        if not isinstance(row, dict):
            raise fail(f"tier {key}: expected a mapping of targets", where, key=True)
        for name, kind in _FIELDS.items():
            if name not in row:
                raise fail(f"tier {key}: missing {name}", where, key=True)
            value = row[name]
            if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
                raise fail(f"tier {key}: {name} has the wrong type ({value!r})", (*where, name))
        unknown = set(row) - set(_FIELDS)
        if unknown:
            bad = sorted(unknown)[0]
            raise fail(f"tier {key}: unknown key {bad!r}", (*where, bad), key=True)
        if row["min_strategy"] not in STRATEGIES:
            raise fail(
                f"tier {key}: min_strategy must be one of {', '.join(STRATEGIES)}",
                (*where, "min_strategy"),
            )
        for i, coverage in enumerate(row["oncall_coverage"]):
            if coverage not in COVERAGES:
                raise fail(
                    f"tier {key}: oncall_coverage must list {', '.join(COVERAGES)}", (*where, "oncall_coverage", i)
                )
        try:
            severity = Severity.parse(row["requires_severity"])
        except ValueError as e:
            raise fail(f"tier {key}: requires_severity: {e}", (*where, "requires_severity")) from None
        requires: list[Requirement] = []
        for i, entry in enumerate(row["requires"]):
            try:
                requires.append(_requirement(entry, {r.dotted for r in requires}))
            except ValueError as e:
                raise fail(f"tier {key}: requires: {e}", (*where, "requires", i)) from None
        typed = dict(row)
        typed["slo_floor"] = float(row["slo_floor"])
        for name in (*_DURATIONS, *_INTERVALS):
            try:
                seconds = (values.parse_duration if name in _DURATIONS else _interval_seconds)(row[name])
            except ValueError as e:
                raise fail(f"tier {key}: {name}: {e}", (*where, name)) from None
            typed[name] = values.cel_duration(seconds)
        typed["number"] = number
        typed["allowed_strategies"] = list(STRATEGIES[STRATEGIES.index(row["min_strategy"]) :])
        typed["requires"] = [r.dotted for r in requires]
        raw = dict(row, number=number, requires=[r.dotted for r in requires])
        tiers[number] = Tier(number, raw, typed, tuple(requires), severity)
    return TierPolicy(source=display, tiers=tiers)


def _interval_seconds(text: str) -> int:
    """An interval in seconds for CEL and reports (a month counts as 30.5 days there; rules use `cutoff`)."""
    months, seconds = values.parse_interval(text)
    return seconds or months * 2635200


def _requirement(entry: object, seen: set[str]) -> Requirement:
    """`spec.x.y` or `{path: spec.x.y, unless: spec.data.stateless}`."""
    unless = None
    if isinstance(entry, dict):
        if set(entry) - {"path", "unless"} or "path" not in entry:
            raise ValueError("write a manifest path, or {path: ..., unless: ...}")
        unless_text = entry.get("unless")
        if unless_text is not None:
            if not isinstance(unless_text, str) or not _PATH.match(unless_text):
                raise ValueError(f"unless {unless_text!r} is not a manifest path such as spec.data.stateless")
            unless = tuple(unless_text.split("."))
        entry = entry["path"]
    if not isinstance(entry, str) or not _PATH.match(entry):
        raise ValueError(f"{entry!r} is not a manifest path such as spec.incident.runbook")
    known = _schema_paths()
    for text in (entry, ".".join(unless or ())):
        if text and text not in known:
            raise ValueError(f"{text} is not a field of the manifest schema")
    if entry in seen:
        raise ValueError(f"{entry} is listed twice")
    return Requirement(tuple(entry.split(".")), entry, unless)


@functools.cache
def _schema_paths() -> frozenset[str]:
    """Every dotted field path of the manifest schema (lists are not paths a tier can require)."""
    root = schema.schema()
    out: set[str] = set()

    def walk(node: dict[str, Any], prefix: str) -> None:
        ref = node.get("$ref")
        if isinstance(ref, str):
            node = root["definitions"][ref.rsplit("/", 1)[-1]]
        for key, child in node.get("properties", {}).items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            walk(child, path)

    walk(root, "")
    return frozenset(out)
