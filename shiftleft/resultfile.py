"""The JSON report as a result file: what `check --format json` adds for `shiftleft merge`, and
the `RunResult` rebuilt from it.

`shiftleft/report-v1` (docs/report-json.md) only ever gains fields. To let
every formatter render a merged result as it renders one run, the report
also carries what the formatters read beyond findings: each service's
reported manifest sections (`services[].manifest`) and its findings in its
own order (`services[].findings`, indexes into `findings`), the tier policy
as written (`run.tiers`), the rules' documentation (`rules`) and the shard
(`run.shard`). Reading is strict: anything that is not such a report is a
usage error naming the file, never a guess.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from shiftleft.errors import UsageError
from shiftleft.findings import Finding, Location, Severity, Waiver
from shiftleft.lazyitems import each, items
from shiftleft.policy.catalog import Reference, Rule
from shiftleft.results import PolicyChange, RunResult, ServiceResult

if TYPE_CHECKING:
    from shiftleft.evidence.model import ClaimStatus

SCHEMA = "shiftleft/report-v1"
"""The report's schema id (docs/report-json.md); a report of another schema is not read."""


def extend(doc: dict[str, Any], result: RunResult, lazy: bool = False) -> dict[str, Any]:
    """Add to `doc` (the report of `formatters.json.document`) what a merge needs to rebuild the result;
    `lazy`: its services as `Items`, built while they are written."""
    doc["run"]["shard"] = {"index": result.shard[0], "count": result.shard[1]} if result.shard else None
    doc["run"]["tiers"] = {str(n): _plain(row) for n, row in sorted(result.tiers.items())}
    entries = doc["services"]
    doc["services"] = each(lazy, lambda: _services(result, items(entries)))
    doc["rules"] = [_rule(r) for r in result.catalog]
    return doc


def _services(result: RunResult, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Each service's report entry with its reported manifest and its findings' places in `findings`."""
    places = None if _in_turn(result) else _places(result.findings)
    offset = 0
    for service, entry in zip(result.services, entries, strict=True):
        entry["manifest"] = _plain(service.raw)
        if places is None:
            found: list[int | None] = _consecutive(service.findings, offset)
            offset += len(found)
        else:
            found = [_take(places, f) for f in service.findings]
        if None not in found:
            entry["findings"] = found
        yield entry


def _in_turn(result: RunResult) -> bool:
    """Whether `findings` holds the services' own findings, one service after another, each service's in
    file order: as the engine and governance build it. Then each finding's place is counted, not looked up
    in a table of every finding."""
    offset = 0
    every = result.findings
    for service in result.services:
        own = sorted(service.findings, key=Finding.sort_key)
        turn = every[offset : offset + len(own)]
        if len(turn) != len(own) or any(a is not b for a, b in zip(turn, own, strict=True)):
            return False
        offset += len(own)
    return offset == len(every)


def _consecutive(findings: tuple[Finding, ...], offset: int) -> list[int | None]:
    """The places of a service's findings that start at `offset` of `findings` in file order."""
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    places: list[int | None] = [None] * len(findings)
    for rank, index in enumerate(order):
        places[index] = offset + rank
    return places


def _places(findings: tuple[Finding, ...]) -> dict[Finding, int | list[int]]:
    """Where each finding is in `findings`; a list only for a finding that occurs more than once."""
    places: dict[Finding, int | list[int]] = {}
    for position, finding in enumerate(findings):
        known = places.setdefault(finding, position)
        if known != position:
            places[finding] = [*known, position] if isinstance(known, list) else [known, position]
    return places


def _take(places: dict[Finding, int | list[int]], finding: Finding) -> int | None:
    """The first unused place of `finding` (equal findings take their places in order), or None."""
    known = places.get(finding)
    if isinstance(known, list):
        return known.pop(0) if known else None
    if known is not None:
        places[finding] = []  # used
    return known


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id, "name": rule.name, "severity": rule.severity.value, "category": rule.category,
        "summary": rule.summary, "rationale": rule.rationale, "remediation": rule.remediation, "file": rule.file,
        "references": [{"framework": r.framework, "control": r.control} for r in rule.references],
        "examples": dict(rule.examples), "builtin": rule.builtin,
    }  # fmt: skip


def _plain(value: Any) -> Any:
    """JSON values only: mapping keys as strings, anything else JSON cannot hold as its text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def load(path: Path, shown: str) -> RunResult:
    """The result in the JSON report at `path`; a usage error (exit 2) for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{shown}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{shown}:{e.lineno}:{e.colno}: not JSON: {e.msg}") from None
    schema = doc.get("schema") if isinstance(doc, dict) else None
    if schema != SCHEMA:
        raise UsageError(
            f"{shown}: schema {schema!r} is not {SCHEMA!r}; merge reads `check --format json` reports of this version"
        )
    try:
        return _result(doc)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        raise UsageError(f"{shown}: not a complete {SCHEMA} report ({type(e).__name__}: {e})") from None


def _result(doc: dict[str, Any]) -> RunResult:
    run = doc["run"]
    findings = tuple(_finding(f) for f in doc["findings"])
    services = []
    for entry in doc["services"]:
        name = _text(entry["name"])
        if "findings" in entry:
            own = tuple(findings[_count(i)] for i in entry["findings"])
        else:  # a report of an earlier v1 writer: the service's findings by name, in their usual order
            own = tuple(sorted((f for f in findings if f.service == name), key=Finding.service_key))
        tier = entry["tier"]
        if tier is not None:
            tier = _count(tier)
        manifest = entry.get("manifest") or {}
        if not isinstance(manifest, dict):
            raise TypeError("services[].manifest is not an object")
        services.append(ServiceResult(name, _text(entry["file"]), tier, bool(entry["valid"]), own, manifest))
    shard = run.get("shard")
    return RunResult(
        services=tuple(services),
        findings=findings,
        fail_on=Severity.parse(run["fail_on"]),
        now=dt.datetime.fromisoformat(run["now"]),
        rules=_count(run["rules_evaluated"]),
        tiers={int(n): row for n, row in (run.get("tiers") or {}).items()},
        catalog=tuple(_rule_from(r) for r in doc.get("rules") or ()),
        shard=(_count(shard["index"]), _count(shard["count"])) if shard else None,
        waivers=tuple(_waiver(w) for w in doc.get("waivers") or ()),
        policy_changes=tuple(
            PolicyChange(bool(c["loosening"]), _text(c["change"]), _text(c["source"]))
            for c in doc.get("policy_changes") or ()
        ),
        claims=tuple(_claim(c) for c in doc.get("claims") or ()),
        unowned=tuple(f for f in findings if not f.service),  # findings of no service (no manifest has "")
        evidence=run.get("evidence") is not None,  # written only when checkov and bandit judged the claims
    )


def _claim(entry: dict[str, Any]) -> ClaimStatus:
    """A claim status as the JSON report writes it (`claims[]`, with evidence on)."""
    from shiftleft.evidence.model import ClaimStatus, Status  # the evidence package only when claims are there

    return ClaimStatus(
        service=_text(entry["service"]), rule=_text(entry["rule"]), claim=_text(entry["claim"]),
        file=_text(entry["file"]), line=_count(entry["line"]), col=_count(entry["col"]),
        status=Status(entry["status"]), reason=_text(entry["reason"]),
        frameworks=tuple(_text(f) for f in entry["frameworks"]),
    )  # fmt: skip


def _waiver(entry: dict[str, Any]) -> Waiver:
    """A waiver as the JSON report writes it (on a finding it accepts, or in the inventory)."""
    expires = entry.get("expires")
    return Waiver(
        rule=_text(entry["rule"]),
        service=_text(entry["service"]),
        reason=_text(entry["reason"]),
        approved_by=_text(entry["approved_by"]),
        ticket=_text(entry.get("ticket") or ""),
        expires=dt.date.fromisoformat(expires) if expires else None,
        source=_text(entry["source"]),
        path=_text(entry.get("path") or ""),
        kind=_text(entry.get("kind") or "waiver"),
    )


def _finding(entry: dict[str, Any]) -> Finding:
    where = entry["location"]
    evidence = entry.get("evidence") or {}
    return Finding(
        rule=_text(entry["rule"]),
        name=_text(entry["name"]),
        severity=Severity.parse(entry["severity"]),
        category=_text(entry["category"]),
        service=_text(entry["service"]),
        location=Location(_text(where["file"]), _count(where["line"]), _count(where["col"]), _text(where["path"])),
        message=_text(entry["message"]),
        remediation=_text(entry["remediation"]),
        extra=tuple((_text(k), _text(v)) for k, v in evidence.items()),
        waiver=_waiver(entry["waiver"]) if entry.get("waiver") else None,
    )


def _rule_from(entry: dict[str, Any]) -> Rule:
    return Rule(
        id=_text(entry["id"]), name=_text(entry["name"]), severity=Severity.parse(entry["severity"]),
        category=_text(entry["category"]), summary=_text(entry["summary"]), rationale=_text(entry["rationale"]),
        remediation=_text(entry["remediation"]), file=_text(entry["file"]),
        references=tuple(Reference(_text(r["framework"]), _text(r["control"])) for r in entry["references"]),
        examples=MappingProxyType({_text(k): _text(v) for k, v in entry["examples"].items()}),
        builtin=bool(entry["builtin"]),
    )  # fmt: skip


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value
