"""Helpers for the catalog-correctness tests: complete manifests per tier, evaluated in-process."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from shiftleft.commands import init
from shiftleft.engine import Evaluation, Settings
from shiftleft.findings import Severity
from shiftleft.manifest import model
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import tiers as tiers_mod
from shiftleft.results import RunResult

SHIPPED, SHOWN = catalog_mod.shipped_folder()
CATALOG = catalog_mod.load([(SHIPPED, SHOWN)])
TIERS = tiers_mod.load(SHIPPED / "tiers.yaml", "tiers.yaml")
NOW = "2026-11-25"
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
DOCS = ("docs/dr-plan.md", "docs/runbook.md", "docs/threat-model.md", "docs/exit.md", "docs/communication-plan.md")

Found = tuple[str, str, int, str]
"""(rule, severity, line, manifest path) of one finding."""


def complete(tier: int) -> dict[str, Any]:
    """A filled `shiftleft init --tier N` manifest: passes the default catalog with no findings."""
    row = TIERS.tiers[tier].raw
    text = init.render("svc", row, "x", ["src"], [])
    text = re.sub(r"TODO-([a-z0-9-]+)", r"\1", text).replace("1970-01-01", "2026-10-26")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def without(data: dict[str, Any], dotted: str) -> dict[str, Any]:
    out = copy.deepcopy(data)
    *parents, last = dotted.split(".")
    node = out
    for key in parents:
        node = node[key]
    del node[last]
    return out


def put(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    *parents, last = dotted.split(".")
    node = out
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return out


def paths(data: Any, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield ".".join((*prefix, key))
            yield from paths(value, (*prefix, key))


def check(
    tmp_path: Path,
    manifest: dict[str, Any] | str,
    *,
    now: str = NOW,
    tiers: tiers_mod.TierPolicy = TIERS,
    disable: frozenset[str] = frozenset(),
    others: tuple[dict[str, Any], ...] = (),
) -> list[Found]:
    """Findings of the default catalog on `manifest` (plus `others` in the same catalog), as of `now`."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True, exist_ok=True)
    loaded = []
    for i, item in enumerate((manifest, *others)):
        folder = root / f"svc{i}"
        folder.mkdir(exist_ok=True)
        for doc in DOCS:  # the same in every run: a folder checked again keeps them
            if not (folder / doc).is_file():
                (folder / doc).parent.mkdir(parents=True, exist_ok=True)
                (folder / doc).write_text("# written\n", encoding="utf-8")
        text = item if isinstance(item, str) else yaml.dump(item, Dumper=_DUMPER, sort_keys=False)
        (folder / "shiftleft.yaml").write_text(text, encoding="utf-8")
        loaded.append(model.load(folder / "shiftleft.yaml", f"svc{i}/shiftleft.yaml", root))
    result = fresh_run(_evaluation(tiers, disable, now), loaded)
    return [
        (f.rule, f.severity.value, f.location.line, f.location.path)
        for f in result.findings
        if f.location.file == "svc0/shiftleft.yaml"
    ]


def fresh_run(evaluation: Evaluation, manifests: list[model.Manifest]) -> RunResult:
    """`engine.evaluate` of `manifests` on an Evaluation made before: its compiled rule groups (about 10 ms to
    build) are kept, what one run adds (services, names seen) starts empty."""
    evaluation.states, evaluation.first_file = [], {}
    for manifest in manifests:
        evaluation.add(manifest)
    return evaluation.finish()


_EVALUATIONS: dict[tuple[int, frozenset[str], str], tuple[tiers_mod.TierPolicy, Evaluation]] = {}


def _evaluation(tiers: tiers_mod.TierPolicy, disable: frozenset[str], now: str) -> Evaluation:
    """One Evaluation (its compiled rule groups) per policy, disabled rules and date."""
    key = (id(tiers), disable, now)
    if key not in _EVALUATIONS or _EVALUATIONS[key][0] is not tiers:  # ids are reused once freed
        moment = dt.datetime.combine(dt.date.fromisoformat(now), dt.time(), tzinfo=dt.UTC)
        _EVALUATIONS[key] = (tiers, Evaluation(CATALOG, tiers, Settings(Severity.HIGH, moment, {}, {}, disable)))
    return _EVALUATIONS[key][1]


def rules(found: list[Found]) -> list[str]:
    return sorted({f[0] for f in found})
