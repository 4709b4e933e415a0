"""The governance step of a run: drift, waivers and baseline applied to the engine's result.

Order matters: drift findings are added first (a downgrade can be waived like
any finding), then waivers and the baseline accept what they match, then the
findings about the waivers themselves are added (those cannot be waived).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from shiftleft.errors import ManifestError
from shiftleft.findings import Finding, Location, Severity, Waiver, in_file_order
from shiftleft.governance import waivers as waivers_mod
from shiftleft.manifest import yamlsafe
from shiftleft.results import PolicyChange, RunResult, ServiceResult

UNWAIVABLE = frozenset({"SL901", "SL902", "SL903", "SL904", "SL905", "SL906"})
"""Findings about waivers: a waiver cannot accept them."""


class Inputs(NamedTuple):
    cwd: Path
    waiver_file: Path | None
    """The central waiver file (read when it exists)."""
    waiver_display: str
    inline_limit: Severity | None
    max_days: Mapping[Severity, int]
    severity: Mapping[str, Severity]
    """Configuration's severity overrides."""
    scoped: bool
    """Services outside a focus (a folder, `--changed`) are not in the result: their waivers are not judged."""
    known: frozenset[str] = frozenset()
    """Every service name of the catalog evaluated (focus or not), for unknown-service waivers."""
    baseline: frozenset[str] | None = None
    """Fingerprints recorded by `shiftleft baseline`; None: no baseline."""
    baseline_display: str = ""
    waiver_root: Path | None = None
    """The repository (or base copy) the central waiver file must stay inside, symlinks followed."""
    extra: Sequence[Finding] = ()
    """Findings from outside the engine (drift), attached to their service."""
    removed: Sequence[ServiceResult] = ()
    """Services gone since the base (deleted manifests), with their SL910 finding."""
    policy_changes: Sequence[PolicyChange] = ()
    shard: Callable[[str], bool] | None = None
    """`check --shard K/N`: whether this shard reports a name (a service, or a waiver file's own findings)."""


def apply(result: RunResult, inputs: Inputs) -> RunResult:
    rules = {r.id: r for r in result.catalog}
    severities = {rid: inputs.severity.get(rid, r.severity) for rid, r in rules.items() if rid not in UNWAIVABLE}
    mine = inputs.shard or (lambda _name: True)
    services = [*result.services, *(s for s in inputs.removed if mine(s.name))]
    # A shard reports the waiver problems of its own services; another shard reports the others'.
    scoped = inputs.scoped or inputs.shard is not None
    declared, problems = _declared(services, inputs)
    judge = waivers_mod.Judge(
        today=result.now.date(),
        severities=severities,
        services=inputs.known | {s.name for s in services},
        inline_limit=inputs.inline_limit,
        max_days=inputs.max_days,
    )
    reported_names = {s.name for s in services}
    valid: list[Waiver] = []
    for entry in declared:
        accepts, problem = waivers_mod.judge(entry, judge)
        if accepts:
            valid.append(entry.waiver)
        reported = entry.waiver.service in reported_names or entry.waiver.service not in judge.services
        if problem is not None and (not scoped or reported):
            problems.append(problem)
    by_target = _by_target(valid)
    by_service: dict[str, list[Finding]] = {}
    for finding in inputs.extra:
        by_service.setdefault(finding.service, []).append(finding)
    out_services: list[ServiceResult] = []
    for service in services:
        findings = [_accept(f, by_target, inputs) for f in (*service.findings, *by_service.pop(service.name, ()))]
        out_services.append(service._replace(findings=tuple(findings)))
    names = {s.name: i for i, s in enumerate(out_services)}
    orphans: dict[str, list[Finding]] = {}
    for problem in problems:
        finding = _finding(rules, problem.rule, problem.service, problem.location, problem.message)
        if problem.service in names:
            i = names[problem.service]
            out_services[i] = out_services[i]._replace(findings=(*out_services[i].findings, finding))
        else:
            orphans.setdefault(problem.location.file, []).append(finding)
    for file, findings in orphans.items():
        if not mine(file):
            continue  # findings that belong to no service: one shard reports them, by the file's name
        out_services.append(ServiceResult(file, file, None, True, tuple(findings)))
    out_services = [s._replace(findings=tuple(sorted(s.findings, key=_order))) for s in out_services]
    # Findings of no service (deployables no manifest claims): no waiver names a service "", the baseline may.
    unowned = tuple(_accept(f, {}, inputs) for f in result.unowned)
    every = in_file_order([*(s.findings for s in out_services), unowned])
    return result._replace(
        services=tuple(out_services),
        findings=every,
        unowned=unowned,
        waivers=tuple(sorted((d.waiver for d in declared), key=_expiry)),
        policy_changes=tuple(sorted(inputs.policy_changes, key=lambda c: not c.loosening)),
    )


def _order(finding: Finding) -> tuple[bool, str, int, int, str]:
    """The engine's order within a service: what makes the manifest invalid (SL0xx) first, then file order."""
    return (finding.category != "manifest", *finding.sort_key())


def _expiry(waiver: Waiver) -> tuple[dt.date, str]:
    return (waiver.expires or dt.date.max, waiver.source)


def _declared(
    services: Iterable[ServiceResult], inputs: Inputs
) -> tuple[list[waivers_mod.Declared], list[waivers_mod.Problem]]:
    declared: list[waivers_mod.Declared] = []
    problems: list[waivers_mod.Problem] = []
    if inputs.waiver_file is not None and inputs.waiver_file.is_file():
        found, trouble = waivers_mod.read_file(inputs.waiver_file, inputs.waiver_display, inputs.waiver_root)
        declared += found
        problems += trouble
    for service in services:
        if not service.valid or service.waivers_at == ():
            continue  # a broken manifest accepts nothing (its waivers are among the values SL0xx reports)
        spec = service.raw.get("spec")
        entries = spec.get("waivers") if isinstance(spec, dict) else None
        if not isinstance(entries, list) or not entries:
            continue
        known = service.waivers_at  # found while loading; else the manifest is read again
        at = (
            list(known)
            if known is not None and len(known) == len(entries)
            else _positions(inputs.cwd, service, len(entries))
        )
        declared += waivers_mod.inline(service.name, service.file, entries, at)
    return declared, problems


def _positions(cwd: Path, service: ServiceResult, count: int) -> list[tuple[int, int]]:
    try:
        text = (cwd / service.file).read_text(encoding="utf-8").removeprefix("\ufeff")
        root = yamlsafe.compose(text, service.file)
    except (OSError, UnicodeDecodeError, ValueError, ManifestError):
        return [(1, 1)] * count
    return [yamlsafe.locate_in(root, ("spec", "waivers", i)) for i in range(count)]


def _by_target(valid: Iterable[Waiver]) -> dict[tuple[str, str], list[Waiver]]:
    """The valid waivers by the (rule, service) they name, each list in declaration order: a finding is compared
    with its own rule's and service's waivers only (10,000 services with hundreds of waivers: not all of them
    for every finding)."""
    out: dict[tuple[str, str], list[Waiver]] = {}
    for waiver in valid:
        out.setdefault((waiver.rule, waiver.service), []).append(waiver)
    return out


def _accept(finding: Finding, by_target: Mapping[tuple[str, str], Sequence[Waiver]], inputs: Inputs) -> Finding:
    if finding.waiver is not None or finding.rule in UNWAIVABLE:
        return finding
    candidates = by_target.get((finding.rule, finding.service), ()) if finding.service else ()
    for waiver in candidates:  # a finding of no service: only the baseline accepts it
        if waivers_mod.matches(waiver, finding):
            return finding._replace(waiver=waiver)
    if inputs.baseline is not None and finding.fingerprint in inputs.baseline:
        entry = Waiver(finding.rule, finding.service, "recorded in the baseline", "baseline", "", None,
                       inputs.baseline_display, finding.location.path, "baseline")  # fmt: skip
        return finding._replace(waiver=entry)
    return finding


def _finding(rules: Mapping[str, object], rule_id: str, service: str, location: Location, message: str) -> Finding:
    from shiftleft.policy.catalog import Rule

    rule = rules.get(rule_id)
    if isinstance(rule, Rule):
        return Finding(rule.id, rule.name, rule.severity, rule.category, service, location, message, rule.remediation)
    return Finding(rule_id, "governance", Severity.HIGH, "governance", service, location, message)


def finding(rules: Mapping[str, object], rule_id: str, service: str, location: Location, message: str) -> Finding:
    """A governance finding of `rule_id` (its name, severity and remediation from the catalog)."""
    return _finding(rules, rule_id, service, location, message)
