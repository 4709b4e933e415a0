"""Machine-readable report, schema `shiftleft/report-v1` (docs/report-json.md).

The shape is a contract: fields are only ever added within v1, never renamed
or removed; `shiftleft/schema/report.schema.json` describes it.
"""

from __future__ import annotations

import json
from typing import Any

from shiftleft import __version__
from shiftleft.findings import Finding, Severity, Waiver
from shiftleft.formatters import Options
from shiftleft.formatters.safe import inert_json
from shiftleft.resultfile import SCHEMA, extend
from shiftleft.results import RunResult, ServiceResult


def render(result: RunResult, options: Options) -> str:
    doc = extend(document(result), result)  # the report plus what `shiftleft merge` rebuilds the result from
    return inert_json(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def document(result: RunResult) -> dict[str, Any]:
    """The report as plain data (also used by tests and other formatters)."""
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "shiftleft", "version": __version__},
        "run": {
            "now": result.now.isoformat(),
            "fail_on": result.fail_on.value,
            "rules_evaluated": result.rules,
            "passed": result.passed,
            "services": len(result.services),
            "findings": len(result.findings),
            "failing": len(result.failing),
            "waived": len(result.waived),
            "counts": _counts(result.findings),
        },
        "services": [_service(s, result.fail_on) for s in result.services],
        "findings": [_finding(f, result.fail_on) for f in result.findings],
        "waivers": [_waiver(w) for w in result.waivers],
        "policy_changes": [
            {"loosening": c.loosening, "change": c.text, "source": c.source} for c in result.policy_changes
        ],
        "errors": [],
    }
    if result.evidence:  # only when checkov and bandit judged the claims
        from shiftleft.formatters import claims

        every = claims.rows(result)
        doc["run"]["evidence"] = {"claims": claims.counts(every), **claims.coverage(result)}
        doc["claims"] = every
    return doc


def _counts(findings: tuple[Finding, ...]) -> dict[str, int]:
    out = {s.value: 0 for s in Severity}
    for f in findings:
        out[f.severity.value] += 1
    return out


def _service(service: ServiceResult, fail_on: Severity) -> dict[str, Any]:
    return {
        "name": service.name,
        "file": service.file,
        "tier": service.tier,
        "valid": service.valid,
        "passed": not any(f.blocks(fail_on) for f in service.findings),
        "counts": _counts(service.findings),
    }


def _finding(finding: Finding, fail_on: Severity) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.value,
        "category": finding.category,
        "service": finding.service,
        "location": {"file": loc.file, "line": loc.line, "col": loc.col, "path": loc.path},
        "message": finding.message,
        "remediation": finding.remediation,
        "fingerprint": finding.fingerprint,
        "failing": finding.blocks(fail_on),
        "evidence": dict(finding.extra),
        "waiver": None if finding.waiver is None else _waiver(finding.waiver),
    }


def _waiver(waiver: Waiver) -> dict[str, Any]:
    return {
        "kind": waiver.kind,
        "rule": waiver.rule,
        "service": waiver.service,
        "path": waiver.path,
        "reason": waiver.reason,
        "approved_by": waiver.approved_by,
        "ticket": waiver.ticket,
        "expires": waiver.expires.isoformat() if waiver.expires else None,
        "source": waiver.source,
    }
