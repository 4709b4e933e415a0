"""Evaluate the catalog against every loaded manifest and produce findings.

The engine is the only caller of the CEL binding at run time. It never
raises for anything a manifest contains: a manifest that did not load
becomes SL0xx findings, and an expression that fails at run time becomes a
finding of its rule ("fails closed"), so nothing is silently skipped.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from shiftleft.errors import ManifestError
from shiftleft.findings import Finding, Location, Severity
from shiftleft.graph import Graph, Node, build, from_manifest
from shiftleft.manifest.model import Manifest
from shiftleft.manifest.schema import Path_, dotted
from shiftleft.policy import cel, messages
from shiftleft.policy.catalog import Catalog, Rule, parse_path
from shiftleft.policy.tiers import Tier, TierPolicy
from shiftleft.results import RunResult, ServiceResult


@dataclass(frozen=True)
class Settings:
    fail_on: Severity
    now: dt.datetime
    org: Mapping[str, Any]
    severity: Mapping[str, Severity]
    disable: frozenset[str]
    imported: tuple[Node, ...] = ()
    """Services of other repositories' exported catalogs: dependencies resolve to them."""


@dataclass(frozen=True)
class _Pending:
    """A finding waiting for its line and column."""

    rule: Rule
    message: str
    path: Path_
    key: bool = False


def evaluate(manifests: list[Manifest], catalog: Catalog, tiers: TierPolicy, settings: Settings) -> RunResult:
    rules = [r for r in catalog.rules if not r.builtin and r.id not in settings.disable]
    now = cel.timestamp(settings.now)
    first_file: dict[str, str] = {}
    services = []
    graph = build([from_manifest(m.raw, m.name, m.valid) for m in manifests] + list(settings.imported))
    for position, manifest in enumerate(manifests):
        findings: list[Finding] = []
        name = manifest.name
        tier_number = _tier_number(manifest)
        if not manifest.valid:
            findings.extend(_from_errors(manifest, catalog, manifest.problems))
        else:
            pending: list[_Pending] = []
            duplicate = first_file.get(name)
            if duplicate is not None:
                pending.append(
                    _Pending(
                        _builtin(catalog, "SL009"),
                        f"service name {name!r} is already used by {duplicate}; names are unique across the catalog",
                        ("metadata", "name"),
                    )
                )
            tier = tiers.get(tier_number) if tier_number is not None else None
            if tier is None:
                known = ", ".join(str(t) for t in sorted(tiers.tiers))
                pending.append(
                    _Pending(
                        _builtin(catalog, "SL010"),
                        f"tier {tier_number} is not in the tier policy {tiers.source} (known tiers: {known})",
                        ("spec", "tier"),
                    )
                )
            else:
                pending.extend(_run_rules(manifest, rules, tier, settings, now, graph, position))
            findings.extend(_place(manifest, pending))
        first_file.setdefault(name, manifest.display)
        findings = [_adjust(f, settings) for f in findings if f.rule not in settings.disable]
        findings.sort(key=Finding.sort_key)
        # Reports need only a few sections; keeping whole manifests of a large
        # catalog alive until the end would break the memory budget.
        manifest.raw = _report_view(manifest.raw)
        services.append(
            ServiceResult(name, manifest.display, tier_number, manifest.valid, tuple(findings), manifest.raw)
        )
    every = tuple(sorted((f for s in services for f in s.findings), key=Finding.sort_key))
    return RunResult(
        tuple(services),
        every,
        settings.fail_on,
        settings.now,
        len(rules),
        tiers={n: t.raw for n, t in tiers.tiers.items()},
        catalog=tuple(r for r in catalog.rules if r.id not in settings.disable),
    )


_REPORTED = {
    "metadata": ("name", "owner", "description"),
    "spec": ("tier", "lifecycle", "continuity", "availability", "dependencies"),
}


def _report_view(raw: dict[str, Any]) -> dict[str, Any]:
    """The parts of a manifest that reports show (targets, owner, dependencies)."""
    out: dict[str, Any] = {}
    for section, keys in _REPORTED.items():
        values = raw.get(section)
        if isinstance(values, dict):
            out[section] = {k: values[k] for k in keys if k in values}
    return out


def _tier_number(manifest: Manifest) -> int | None:
    spec = manifest.raw.get("spec")
    tier = spec.get("tier") if isinstance(spec, dict) else None
    return tier if isinstance(tier, int) and not isinstance(tier, bool) else None


def _run_rules(
    manifest: Manifest, rules: list[Rule], tier: Tier, settings: Settings, now: dt.datetime, graph: Graph, position: int
) -> Iterator[_Pending]:
    typed, raw = manifest.typed(), manifest.raw
    graph_typed, graph_shown = graph.facts(position)
    data = {
        "spec": typed.get("spec", {}),
        "metadata": typed.get("metadata", {}),
        "tier": tier.typed,
        "org": dict(settings.org),
        "graph": graph_typed,
        "now": now,
        "item": None,
        "index": 0,
    }
    shown = {
        "spec": raw.get("spec", {}),
        "metadata": raw.get("metadata", {}),
        "tier": tier.raw,
        "org": settings.org,
        "graph": graph_shown,
        "now": settings.now.isoformat(),
    }
    cel.set_exists(_exists_for(manifest))
    base = cel.activation(data)
    for rule in rules:
        if rule.each is None:
            yield from _check(rule, base, shown, parse_path(rule.location))
            continue
        items = _get(data, rule.each)
        if not isinstance(items, list):
            continue
        raw_items = _get(shown, rule.each)
        for index, item in enumerate(items):
            act = cel.activation({**data, "item": item, "index": index})
            raw_item = raw_items[index] if isinstance(raw_items, list) and index < len(raw_items) else item
            path = parse_path(rule.location, index) if rule.location else (*rule.each, index)
            yield from _check(rule, act, {**shown, "item": raw_item, "index": index}, path)


def _check(rule: Rule, act: Any, shown: dict[str, Any], path: Path_) -> Iterator[_Pending]:
    if rule.when is not None:
        applies, error = rule.when.run(act)
        if error is not None:
            yield _Pending(rule, f"{rule.id} could not be evaluated (when): {error}", path)
            return
        if applies is not True:
            return
    if rule.check is None:  # builtin rules are never run here; the loader guarantees it
        return
    ok, error = rule.check.run(act)
    if error is not None:
        yield _Pending(rule, f"{rule.id} could not be evaluated: {error}", path)
    elif not isinstance(ok, bool):
        yield _Pending(rule, f"{rule.id} assert must be true or false, not {ok!r}", path)
    elif not ok:
        yield _Pending(rule, messages.render(rule.message, shown), path)


def _place(manifest: Manifest, pending: list[_Pending]) -> list[Finding]:
    if not pending:
        return []
    positions = manifest.locate([(p.path, p.key) for p in pending])
    return [
        _finding(p.rule, manifest.name, Location(manifest.display, line, col, _dotted(p.path)), p.message)
        for p, (line, col) in zip(pending, positions, strict=True)
    ]


def _from_errors(manifest: Manifest, catalog: Catalog, errors: list[ManifestError]) -> list[Finding]:
    return [
        _finding(_builtin(catalog, e.rule), manifest.name, Location(manifest.display, e.line, e.col), e.message)
        for e in errors
    ]


def _finding(rule: Rule, service: str, location: Location, message: str) -> Finding:
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=rule.severity,
        category=rule.category,
        service=service,
        location=location,
        message=message,
        remediation=rule.remediation,
    )


def _builtin(catalog: Catalog, rule_id: str) -> Rule:
    rule = catalog.get(rule_id)
    if rule is None:  # the shipped catalog documents every builtin; a stripped catalog still reports
        return Rule(rule_id, "manifest-invalid", Severity.CRITICAL, "manifest", "", "", "", "", builtin=True)
    return rule


def _adjust(finding: Finding, settings: Settings) -> Finding:
    override = settings.severity.get(finding.rule)
    return replace(finding, severity=override) if override is not None else finding


def _exists_for(manifest: Manifest) -> Any:
    directory = os.path.normpath(manifest.directory)
    root = os.path.normpath(manifest.root)
    root_real = os.path.realpath(root)

    def exists(path: str) -> bool:
        known = manifest.files.get(path)
        if known is not None:
            return known
        if not path or os.path.isabs(path):
            return False
        joined = os.path.normpath(os.path.join(directory, path))
        if not (joined + os.sep).startswith(root + os.sep):
            return False
        return os.path.exists(joined) and (os.path.realpath(joined) + os.sep).startswith(root_real + os.sep)

    return exists


def _get(data: Any, path: Path_) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _dotted(path: Path_) -> str:
    return dotted(path) if path else ""
