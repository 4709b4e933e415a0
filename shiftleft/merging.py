"""Combine the results of several runs (the shards of a CI matrix, or several repositories) into one.

The merged result is what one run over all of them would have reported:
services in manifest order, findings sorted as the engine sorts them, each
service's findings as its own run kept them. Fails closed: a service in two
inputs (the same shard twice, or two repositories claiming one name) and an
incomplete set of shards (`check --shard K/N` for some K missing) are usage
errors, because a merged report that silently lacks services would pass a
gate it should not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from shiftleft.errors import UsageError
from shiftleft.findings import Finding, Severity
from shiftleft.policy.catalog import Rule
from shiftleft.results import RunResult, ServiceResult


def combine(inputs: Sequence[tuple[str, RunResult]], fail_on: Severity | None = None) -> RunResult:
    """One result from (file as shown, result) pairs; `fail_on` overrides the strictest of theirs."""
    if not inputs:
        raise UsageError("merge: no reports given")
    owner: dict[str, str] = {}
    for shown, result in inputs:
        for name in dict.fromkeys(s.name for s in result.services):
            if name in owner:
                raise UsageError(f"merge: service {name!r} is in both {owner[name]} and {shown}")
            owner[name] = shown
    _complete([result.shard for _shown, result in inputs])
    # A run lists its manifests' services first, then the findings of no service (a waiver file's), by file.
    services = sorted((s for _shown, r in inputs for s in r.services), key=lambda s: (_of_no_manifest(s), s.file))
    tiers: dict[int, object] = {}
    catalog: dict[str, Rule] = {}
    for _shown, result in inputs:
        for number, row in result.tiers.items():
            tiers.setdefault(number, row)
        for rule in result.catalog:
            catalog.setdefault(rule.id, rule)
    results = [r for _shown, r in inputs]
    # Findings of no service: one shard reports them; the same finding in several inputs counts once.
    unowned = tuple(sorted(dict.fromkeys(f for r in results for f in r.unowned), key=Finding.sort_key))
    return RunResult(
        services=tuple(services),
        findings=tuple(sorted((*(f for s in services for f in s.findings), *unowned), key=Finding.sort_key)),
        unowned=unowned,
        fail_on=fail_on or min((r.fail_on for r in results), key=lambda s: s.rank),
        now=min(r.now for r in results),
        rules=max(r.rules for r in results),
        tiers=tiers,  # type: ignore[arg-type]
        catalog=tuple(catalog.values()),
        # Every run lists the waivers it read; the same declaration seen by several shards counts once,
        # in the order one run gives them (soonest expiry first; loosenings first).
        waivers=tuple(
            sorted(
                dict.fromkeys(w for r in results for w in r.waivers), key=lambda w: (w.expires or dt.date.max, w.source)
            )
        ),
        policy_changes=tuple(
            sorted(dict.fromkeys(c for r in results for c in r.policy_changes), key=lambda c: not c.loosening)
        ),
        # Claims in manifest order, each service's in its own run's order (a stable sort by manifest).
        claims=tuple(sorted((c for r in results for c in r.claims), key=lambda c: c.file)),
        evidence=any(r.evidence for r in results),
    )


def _of_no_manifest(service: ServiceResult) -> bool:
    """Findings the governance step files under their file's name (`governance.apply`: no manifest, no tier)."""
    return service.name == service.file and service.tier is None and not service.raw


def _complete(shards: list[tuple[int, int] | None]) -> None:
    """Every shard 1..N of each N present, as often as the others (one set per repository)."""
    by_count: dict[int, Counter[int]] = {}
    for shard in shards:
        if shard is not None:
            by_count.setdefault(shard[1], Counter())[shard[0]] += 1
    for count, seen in sorted(by_count.items()):
        sets = max(seen.values())
        missing = [f"{k}/{count}" for k in range(1, count + 1) if seen[k] < sets]
        if missing:
            raise UsageError(f"merge: shard {', '.join(missing)} missing; every shard's report is needed")
