"""The tier policy: one row of targets per continuity tier, read from YAML data."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from shiftleft.errors import ConfigError
from shiftleft.manifest import values, yamlsafe

STRATEGIES = ("backup-restore", "pilot-light", "warm-standby", "active-active")
"""DR strategies from the cheapest and slowest to the most expensive and fastest."""

_DURATIONS = ("max_rto", "max_rpo", "dr_test_every", "restore_test_every")
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "slo_floor": (int, float),
    "max_rto": str,
    "max_rpo": str,
    "min_strategy": str,
    "min_zones": int,
    "min_regions": int,
    "offsite_backup": bool,
    "dr_test_every": str,
    "restore_test_every": str,
}


class Tier(NamedTuple):
    number: int
    raw: dict[str, Any]
    """The row as written (for messages)."""
    typed: dict[str, Any]
    """The row for CEL: durations as "Ns" strings, plus `allowed_strategies`."""


class TierPolicy(NamedTuple):
    source: str
    tiers: dict[int, Tier]

    def get(self, number: int) -> Tier | None:
        return self.tiers.get(number)


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
        typed = dict(row)
        typed["slo_floor"] = float(row["slo_floor"])
        for name in _DURATIONS:
            try:
                typed[name] = values.cel_duration(values.parse_duration(row[name]))
            except ValueError as e:
                raise fail(f"tier {key}: {name}: {e}", (*where, name)) from None
        typed["number"] = number
        typed["allowed_strategies"] = list(STRATEGIES[STRATEGIES.index(row["min_strategy"]) :])
        raw = dict(row, number=number)
        tiers[number] = Tier(number=number, raw=raw, typed=typed)
    return TierPolicy(source=display, tiers=tiers)
