"""The architects' view of a run, shared by the Markdown and HTML reports.

Everything here is plain data computed from a RunResult: targets against the
tier policy, status per category, framework control coverage, the dependency
graph. Manifest values are untrusted and arrive here as written; they are only
ever turned into text (`str`), and the templates escape that text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shiftleft.findings import Finding
from shiftleft.results import RunResult, ServiceResult
from shiftleft.vocabulary import CATEGORIES, STRATEGIES, Category

FRAMEWORK_ORDER = ("nist-800-53", "iso-27001", "soc2", "pci-dss", "iso-22301", "dora")
"""Frameworks in the coverage matrix, in this order."""
PASS, WARN, FAIL, NA, UNKNOWN = "pass", "warn", "fail", "n/a", "unknown"


@dataclass(frozen=True)
class Target:
    """One declared value against the tier policy."""

    label: str
    declared: str
    """As written in the manifest, or "-" when not declared."""
    required: str
    """The tier's requirement, e.g. "<= 1h"."""
    status: str
    """pass, fail or unknown (not declared or not comparable)."""


@dataclass(frozen=True)
class ServiceView:
    name: str
    file: str
    owner: str
    description: str
    tier: int | None
    tier_name: str
    valid: bool
    status: str
    """pass (no findings), warn (findings below --fail-on) or fail."""
    findings: tuple[Finding, ...]
    """Most severe first."""
    targets: tuple[Target, ...]
    categories: tuple[str, ...]
    """Status per category, in Portfolio.categories order."""
    dependencies: tuple[tuple[str, bool], ...]
    """(service, hard) as declared."""
    people: tuple[tuple[str, str], ...] = ()
    """(role, who) as declared: service owner, process owner, on-call rotation with its coverage."""
    data: str = ""
    """Data classification as declared, with "personal data" when it holds some; "" when not declared."""
    frameworks: tuple[str, ...] = ()
    """Compliance frameworks in scope, as declared."""
    reviewed: str = ""
    """When the manifest was last reviewed (metadata.reviewed), "" when not declared."""

    @property
    def rank(self) -> tuple[int, int, str]:
        """Sort key: failing first, then by the most severe finding, then by name."""
        order = {FAIL: 0, WARN: 1, PASS: 2}[self.status]
        worst = -self.findings[0].severity.rank if self.findings else 0
        return (order, worst, self.name)

    @property
    def oncall(self) -> str:
        """The on-call rotation and its coverage, "" when not declared."""
        return next((who for role, who in self.people if role == "On-call"), "")

    def target(self, label: str) -> Target:
        return next(t for t in self.targets if t.label == label)


@dataclass(frozen=True)
class Control:
    framework: str
    framework_name: str
    control: str
    rules: tuple[str, ...]
    satisfy: int
    """Services in the framework's scope with no finding of the control's rules."""
    fail: int
    """... with a finding at or above the gate that no waiver accepts."""
    waive: int
    """... whose findings of these rules are all accepted by waivers (and none fails)."""
    not_assessed: int
    """... whose manifest could not be read."""
    below: int = 0
    """... with a finding below the gate: not failing, and not satisfied either."""
    out_of_scope: int = 0
    """Services that do not declare the framework in `spec.compliance.frameworks`: not counted."""


@dataclass(frozen=True)
class Portfolio:
    services: tuple[ServiceView, ...]
    categories: tuple[str, ...]
    category_titles: tuple[str, ...]
    controls: tuple[Control, ...]
    by_tier: tuple[tuple[str, int, int, int], ...]
    """(tier label, pass, warn, fail)."""
    by_status: tuple[tuple[str, int], ...]
    edges: tuple[tuple[str, str, bool], ...]
    """(from, to, hard) for every declared dependency."""
    counts: tuple[tuple[str, int], ...]
    """Findings per severity, critical first."""
    tiers: tuple[tuple[int, Mapping[str, Any]], ...]
    unowned: tuple[Finding, ...] = ()
    """Findings of no service (deployables no manifest claims), most severe first, then by file."""


def build(result: RunResult) -> Portfolio:
    threshold = result.fail_on.rank
    evaluated = [r for r in result.catalog if not r.builtin]
    # Findings of no service have a section of their own, not a column that every service would pass.
    present = {r.category for r in evaluated} | {f.category for s in result.services for f in s.findings}
    # Governance findings (waivers, downgrades) have their own report sections, not a column.
    categories = tuple(c for c in CATEGORIES if (c in present or c == "manifest") and c != "governance")
    services = tuple(_service(s, result, threshold, categories) for s in result.services)
    tier_rows = tuple(sorted(result.tiers.items()))
    by_tier = []
    labels: list[tuple[int | None, str]] = [(n, f"Tier {n}") for n, _row in tier_rows]
    if any(s.tier is None or s.tier not in result.tiers for s in services):
        labels.append((None, "Unknown"))
    for number, label in labels:
        group = [s for s in services if (s.tier if s.tier in result.tiers else None) == number]
        c = Counter(s.status for s in group)
        by_tier.append((label, c[PASS], c[WARN], c[FAIL]))
    status_counts = Counter(s.status for s in services)
    edges = tuple((s.name, dep, hard) for s in services for dep, hard in s.dependencies)
    return Portfolio(
        services=services,
        categories=categories,
        category_titles=tuple(Category(c).title for c in categories),
        controls=_controls(result, services),
        by_tier=tuple(by_tier),
        by_status=((PASS, status_counts[PASS]), (WARN, status_counts[WARN]), (FAIL, status_counts[FAIL])),
        edges=edges,
        counts=tuple((s.value, n) for s, n in result.counts().items()),
        tiers=tier_rows,
        unowned=tuple(sorted(result.unowned, key=lambda f: (-f.severity.rank, f.sort_key()))),
    )


def _service(service: ServiceResult, result: RunResult, threshold: int, categories: tuple[str, ...]) -> ServiceView:
    raw = service.raw if isinstance(service.raw, Mapping) else {}
    metadata = _map(raw.get("metadata"))
    spec = _map(raw.get("spec"))
    tier_row = result.tiers.get(service.tier) if service.tier is not None else None
    findings = tuple(sorted(service.findings, key=lambda f: (-f.severity.rank, f.sort_key())))
    if any(f.severity.rank >= threshold and f.waiver is None for f in findings):
        status = FAIL
    elif findings:
        status = WARN
    else:
        status = PASS
    per_category = []
    for category in categories:
        mine = [f for f in findings if f.category == category]
        if not service.valid and category != "manifest":
            per_category.append(NA)
        elif any(f.severity.rank >= threshold and f.waiver is None for f in mine):
            per_category.append(FAIL)
        elif mine:
            per_category.append(WARN)
        else:
            per_category.append(PASS)
    deps = []
    for dep in spec.get("dependencies") or [] if isinstance(spec.get("dependencies"), list) else []:
        if isinstance(dep, Mapping) and isinstance(dep.get("service"), str):
            deps.append((dep["service"], dep.get("hard") is True))
    return ServiceView(
        name=service.name,
        file=service.file,
        owner=_text(metadata.get("owner")),
        description=_text(metadata.get("description"), ""),
        tier=service.tier,
        tier_name=_text(tier_row.get("name"), "") if tier_row else "",
        valid=service.valid,
        status=status,
        findings=findings,
        targets=_targets(spec, tier_row, result.now) if service.valid else (),
        categories=tuple(per_category),
        dependencies=tuple(deps),
        people=_people(metadata),
        data=_data(spec),
        frameworks=tuple(_text(f) for f in _list(_map(spec.get("compliance")).get("frameworks"))),
        reviewed=_text(metadata.get("reviewed"), ""),
    )


def _people(metadata: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    people = _map(metadata.get("people"))
    oncall = _map(people.get("oncall"))
    out = []
    for role, value in (("Service owner", people.get("service_owner")), ("Process owner", people.get("process_owner"))):
        if value is not None:
            out.append((role, _text(value)))
    if oncall.get("rotation") is not None:
        coverage = f" ({_text(oncall['coverage'])})" if oncall.get("coverage") is not None else ""
        out.append(("On-call", _text(oncall["rotation"]) + coverage))
    return tuple(out)


def _data(spec: Mapping[str, Any]) -> str:
    data = _map(spec.get("data"))
    if data.get("classification") is None:
        return ""
    return _text(data["classification"]) + (", personal data" if data.get("personal_data") is True else "")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _targets(spec: Mapping[str, Any], tier: Mapping[str, Any] | None, now: dt.datetime) -> tuple[Target, ...]:
    tier = tier or {}
    continuity = _map(spec.get("continuity"))
    availability = _map(spec.get("availability"))
    last_test = _map(continuity.get("last_test"))
    backups = _map(continuity.get("backups"))
    regions = availability.get("regions")
    return (
        _at_most("RTO", continuity.get("rto"), tier.get("max_rto")),
        _at_most("RPO", continuity.get("rpo"), tier.get("max_rpo")),
        _at_least_number("SLO", availability.get("slo"), tier.get("slo_floor"), "%"),
        _strategy(continuity.get("strategy"), tier.get("min_strategy")),
        _at_least_number("Zones", availability.get("zones"), tier.get("min_zones"), ""),
        _at_least_number(
            "Regions", len(regions) if isinstance(regions, list) else None, tier.get("min_regions"), "",
            shown=", ".join(_text(r) for r in regions) if isinstance(regions, list) else None,
        ),
        _recent("DR test", last_test.get("date"), tier.get("dr_test_every"), now),
        _recent("Restore test", backups.get("last_restore_test"), tier.get("restore_test_every"), now),
    )  # fmt: skip


def _at_most(label: str, declared: Any, limit: Any) -> Target:
    need = f"≤ {limit}" if limit is not None else "-"
    if declared is None:
        return Target(label, "-", need, UNKNOWN)
    try:
        ok = _seconds(declared) <= _seconds(limit)
    except (TypeError, ValueError):
        return Target(label, _text(declared), need, UNKNOWN)
    return Target(label, _text(declared), need, PASS if ok else FAIL)


def _at_least_number(label: str, declared: Any, floor: Any, unit: str, shown: str | None = None) -> Target:
    need = f"≥ {floor}{unit}" if floor is not None else "-"
    if declared is None:
        return Target(label, "-", need, UNKNOWN)
    text = shown if shown is not None else f"{_text(declared)}{unit}"
    try:
        ok = _number(declared) >= _number(floor)
    except (TypeError, ValueError):
        return Target(label, text, need, UNKNOWN)
    return Target(label, text, need, PASS if ok else FAIL)


def _strategy(declared: Any, minimum: Any) -> Target:
    need = f"≥ {minimum}" if minimum is not None else "-"
    if declared is None:
        return Target("Strategy", "-", need, UNKNOWN)
    if declared not in STRATEGIES or minimum not in STRATEGIES:
        return Target("Strategy", _text(declared), need, UNKNOWN)
    ok = STRATEGIES.index(declared) >= STRATEGIES.index(minimum)
    return Target("Strategy", _text(declared), need, PASS if ok else FAIL)


def _recent(label: str, declared: Any, every: Any, now: dt.datetime) -> Target:
    need = f"every {every}" if every is not None else "-"
    if declared is None:
        return Target(label, "-", need, UNKNOWN)
    try:
        day = declared if isinstance(declared, dt.date) else dt.date.fromisoformat(str(declared))
        ok = (now.date() - day).total_seconds() <= _seconds(every)
    except (TypeError, ValueError):
        return Target(label, _text(declared), need, UNKNOWN)
    return Target(label, _text(declared), need, PASS if ok else FAIL)


def _controls(result: RunResult, services: tuple[ServiceView, ...]) -> tuple[Control, ...]:
    from shiftleft.policy.catalog import FRAMEWORKS

    rules_of: dict[tuple[str, str], list[str]] = {}
    for rule in result.catalog:
        if rule.builtin:
            continue
        for ref in rule.references:
            if ref.framework in FRAMEWORK_ORDER:
                ids = rules_of.setdefault((ref.framework, ref.control), [])
                if rule.id not in ids:
                    ids.append(rule.id)
    threshold = result.fail_on.rank
    failed: dict[str, set[str]] = {}
    below: dict[str, set[str]] = {}
    waived: dict[str, set[str]] = {}
    for s in services:
        failed[s.name] = {f.rule for f in s.findings if f.severity.rank >= threshold and f.waiver is None}
        below[s.name] = {f.rule for f in s.findings if f.severity.rank < threshold and f.waiver is None}
        waived[s.name] = {f.rule for f in s.findings if f.waiver is not None}
    scope = {s.name: _frameworks(s.raw) for s in result.services}
    out = []
    for (framework, control), ids in sorted(
        rules_of.items(), key=lambda kv: (FRAMEWORK_ORDER.index(kv[0][0]), _natural(kv[0][1]))
    ):
        rules = set(ids)
        counts = {"satisfy": 0, "fail": 0, "below": 0, "waive": 0, "not_assessed": 0, "out_of_scope": 0}
        for s in services:
            if framework not in scope.get(s.name, ()):
                counts["out_of_scope"] += 1
            elif not s.valid:
                counts["not_assessed"] += 1
            elif failed[s.name] & rules:
                counts["fail"] += 1
            elif below[s.name] & rules:
                counts["below"] += 1
            elif waived[s.name] & rules:
                counts["waive"] += 1
            else:
                counts["satisfy"] += 1
        out.append(Control(framework, FRAMEWORKS.get(framework, framework), control, tuple(ids), **counts))
    return tuple(out)


def _frameworks(raw: Mapping[str, Any]) -> frozenset[str]:
    """The frameworks a service declares in scope (`spec.compliance.frameworks`)."""
    compliance = _map(_map(raw.get("spec")).get("compliance"))
    names = compliance.get("frameworks")
    return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()


def _natural(text: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any, default: str = "-") -> str:
    if value is None:
        return default
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _seconds(value: Any) -> float:
    from shiftleft.manifest.values import parse_duration

    if not isinstance(value, str):
        raise TypeError(value)
    return parse_duration(value)


def _number(value: Any) -> float:
    from shiftleft.manifest.values import parse_percent

    if isinstance(value, bool) or value is None:
        raise TypeError(value)
    return parse_percent(value)
