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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from shiftleft.findings import Finding
from shiftleft.results import Packed, RunResult, ServiceResult
from shiftleft.vocabulary import CATEGORIES, STRATEGIES, Category

FRAMEWORK_ORDER = ("nist-800-53", "iso-27001", "soc2", "pci-dss", "iso-22301", "dora")
"""Frameworks in the coverage matrix, in this order."""
PASS, WARN, FAIL, NA, UNKNOWN = "pass", "warn", "fail", "n/a", "unknown"
COUNTS = ("satisfy", "fail", "below", "waive", "not_assessed", "out_of_scope")
"""The names of Control's counts."""


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


class Summary(NamedTuple):
    """What the aggregates, the graphs and the order of the cards need of a service, kept for every service."""

    name: str
    tier: int | None
    status: str
    finding_count: int
    worst: int
    """The most severe finding's rank (0 without findings)."""

    @property
    def rank(self) -> tuple[int, int, str]:
        """ServiceView.rank: failing first, then by the most severe finding, then by name."""
        return ({FAIL: 0, WARN: 1, PASS: 2}[self.status], -self.worst if self.finding_count else 0, self.name)


class Services(Sequence[ServiceView]):
    """The services' views in catalog order, each built when read and not kept.

    A view holds a service's targets, people and sorted findings (a few KB); a
    report of 10,000 services reads each one once or twice while it is written
    (docs/decisions/0025-streamed-html-and-markdown.md), so none is kept.
    """

    def __init__(self, result: RunResult, categories: tuple[str, ...], summaries: tuple[Summary, ...]) -> None:
        self._result = result
        self._categories = categories
        self.summaries = summaries
        """One per service, in the same order."""

    def __len__(self) -> int:
        return len(self.summaries)

    @overload
    def __getitem__(self, index: int) -> ServiceView: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[ServiceView]: ...
    def __getitem__(self, index: int | slice) -> ServiceView | Sequence[ServiceView]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        result = self._result
        return _service(result.services[index], result, result.fail_on.rank, self._categories)

    def __iter__(self) -> Iterator[ServiceView]:
        return (self[i] for i in range(len(self)))

    def __repr__(self) -> str:
        return f"Services({len(self)})"


@dataclass(frozen=True)
class Portfolio:
    services: Services
    """Built one at a time as they are read; `services.summaries` holds what every report needs of all of them."""
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

    @property
    def with_findings(self) -> int:
        """How many services have a finding."""
        return sum(1 for s in self.services.summaries if s.finding_count)

    def ranked(self) -> Iterator[ServiceView]:
        """The services with findings, by ServiceView.rank (stable: equal ranks keep catalog order)."""
        order = sorted((i for i, s in enumerate(self.services.summaries) if s.finding_count),
                       key=lambda i: self.services.summaries[i].rank)  # fmt: skip
        return (self.services[i] for i in order)

    def clean(self) -> Iterator[ServiceView]:
        """The services without findings, in catalog order."""
        return (self.services[i] for i, s in enumerate(self.services.summaries) if not s.finding_count)


def build(result: RunResult) -> Portfolio:
    """The portfolio in one pass over the services: counts, edges and coverage now, each service's view when read."""
    threshold = result.fail_on.rank
    evaluated = [r for r in result.catalog if not r.builtin]
    # Findings of no service have a section of their own, not a column that every service would pass.
    present = {r.category for r in evaluated} | {f.category for s in result.services for f in s.findings}
    # Governance findings (waivers, downgrades) have their own report sections, not a column.
    categories = tuple(c for c in CATEGORIES if (c in present or c == "manifest") and c != "governance")
    coverage = _Coverage(result)
    summaries = []
    edges = []
    for service in result.services:
        spec = _map(_sections(service).get("spec"))
        status = _status(service.findings, threshold)
        worst = max((f.severity.rank for f in service.findings), default=0)
        summaries.append(Summary(service.name, service.tier, status, len(service.findings), worst))
        edges += [(service.name, dep, hard) for dep, hard in _dependencies(spec)]
        coverage.add(service, spec)
    tier_rows = tuple(sorted(result.tiers.items()))
    by_tier = []
    labels: list[tuple[int | None, str]] = [(n, f"Tier {n}") for n, _row in tier_rows]
    if any(s.tier is None or s.tier not in result.tiers for s in summaries):
        labels.append((None, "Unknown"))
    tally = Counter((s.tier if s.tier in result.tiers else None, s.status) for s in summaries)
    for number, label in labels:
        by_tier.append((label, tally[number, PASS], tally[number, WARN], tally[number, FAIL]))
    status_counts = Counter(s.status for s in summaries)
    return Portfolio(
        services=Services(result, categories, tuple(summaries)),
        categories=categories,
        category_titles=tuple(Category(c).title for c in categories),
        controls=coverage.controls(),
        by_tier=tuple(by_tier),
        by_status=((PASS, status_counts[PASS]), (WARN, status_counts[WARN]), (FAIL, status_counts[FAIL])),
        edges=tuple(edges),
        counts=tuple((s.value, n) for s, n in result.counts().items()),
        tiers=tier_rows,
        unowned=tuple(sorted(result.unowned, key=lambda f: (-f.severity.rank, f.sort_key()))),
    )


def _sections(service: ServiceResult) -> Mapping[str, Any]:
    """The manifest's reported sections, unpacked once (each read of a `Packed` unpacks it again)."""
    raw = service.raw
    if isinstance(raw, Packed):
        return raw.unpack()
    return raw if isinstance(raw, Mapping) else {}


def _status(findings: tuple[Finding, ...], threshold: int) -> str:
    """fail (a finding at or above the gate that no waiver accepts), warn (other findings) or pass."""
    if any(f.severity.rank >= threshold and f.waiver is None for f in findings):
        return FAIL
    return WARN if findings else PASS


def _dependencies(spec: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """(service, hard) for each dependency as declared."""
    deps = []
    for dep in spec.get("dependencies") or [] if isinstance(spec.get("dependencies"), list) else []:
        if isinstance(dep, Mapping) and isinstance(dep.get("service"), str):
            deps.append((dep["service"], dep.get("hard") is True))
    return deps


def _service(service: ServiceResult, result: RunResult, threshold: int, categories: tuple[str, ...]) -> ServiceView:
    raw = _sections(service)
    metadata = _map(raw.get("metadata"))
    spec = _map(raw.get("spec"))
    tier_row = result.tiers.get(service.tier) if service.tier is not None else None
    findings = tuple(sorted(service.findings, key=lambda f: (-f.severity.rank, f.sort_key())))
    status = _status(findings, threshold)
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
        dependencies=tuple(_dependencies(spec)),
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


class _Coverage:
    """Framework control coverage (`Control`), counted one service at a time."""

    def __init__(self, result: RunResult) -> None:
        rules_of: dict[tuple[str, str], list[str]] = {}
        for rule in result.catalog:
            if rule.builtin:
                continue
            for ref in rule.references:
                if ref.framework in FRAMEWORK_ORDER:
                    ids = rules_of.setdefault((ref.framework, ref.control), [])
                    if rule.id not in ids:
                        ids.append(rule.id)
        self.rows = [
            (framework, control, tuple(ids), frozenset(ids), dict.fromkeys(COUNTS, 0))
            for (framework, control), ids in sorted(
                rules_of.items(), key=lambda kv: (FRAMEWORK_ORDER.index(kv[0][0]), _natural(kv[0][1]))
            )
        ]
        self.threshold = result.fail_on.rank

    def add(self, service: ServiceResult, spec: Mapping[str, Any]) -> None:
        """Count `service` (its manifest's `spec`) in every control's row."""
        threshold, findings = self.threshold, service.findings
        failed = {f.rule for f in findings if f.severity.rank >= threshold and f.waiver is None}
        below = {f.rule for f in findings if f.severity.rank < threshold and f.waiver is None}
        waived = {f.rule for f in findings if f.waiver is not None}
        scope = _frameworks(spec)
        for framework, _control, _ids, rules, counts in self.rows:
            if framework not in scope:
                counts["out_of_scope"] += 1
            elif not service.valid:
                counts["not_assessed"] += 1
            elif failed & rules:
                counts["fail"] += 1
            elif below & rules:
                counts["below"] += 1
            elif waived & rules:
                counts["waive"] += 1
            else:
                counts["satisfy"] += 1

    def controls(self) -> tuple[Control, ...]:
        from shiftleft.policy.catalog import FRAMEWORKS

        return tuple(
            Control(framework, FRAMEWORKS.get(framework, framework), control, ids, **counts)
            for framework, control, ids, _rules, counts in self.rows
        )


def _frameworks(spec: Mapping[str, Any]) -> frozenset[str]:
    """The frameworks a service declares in scope (`spec.compliance.frameworks`)."""
    names = _map(spec.get("compliance")).get("frameworks")
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
