"""Machine-readable report, schema `shiftleft/report-v1` (docs/report-json.md).

The shape is a contract: fields are only ever added within v1, never renamed
or removed; `shiftleft/schema/report.schema.json` describes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from shiftleft import __version__
from shiftleft.findings import Finding, Severity, Waiver
from shiftleft.formatters import Options, to_string
from shiftleft.formatters.safe import inert_json
from shiftleft.lazyitems import Items, each
from shiftleft.resultfile import SCHEMA, extend
from shiftleft.results import RunResult, ServiceResult


def render(result: RunResult, options: Options) -> str:
    return to_string(write, result, options)


def write(result: RunResult, options: Options, out: TextIO) -> None:
    """The report, one service and one finding at a time (the same bytes as `json.dumps` of `document`),
    plus what `shiftleft merge` rebuilds the result from."""
    stream(extend(document(result, lazy=True), result, lazy=True), out)
    out.write("\n")


def document(result: RunResult, lazy: bool = False) -> dict[str, Any]:
    """The report as plain data (also used by tests and other formatters); `lazy`: its services and
    findings as `Items`, built while they are written."""
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
            "unowned": len(result.unowned),
            "counts": _counts(result.findings),
        },
        "services": each(lazy, lambda: (service(s, result.fail_on) for s in result.services)),
        "findings": each(lazy, lambda: (_finding(f, result.fail_on) for f in result.findings)),
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


def service(service: ServiceResult, fail_on: Severity) -> dict[str, Any]:
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


# -- streaming --------------------------------------------------------------------------------------
# A JSON document whose long arrays are produced one item at a time (this report and SARIF). The
# output is byte for byte `inert_json(json.dumps(document, indent=2, ensure_ascii=False))`, but an
# array given as `Items` is never held whole: each item is built, encoded, written and dropped, so a
# report of 100,000 findings does not hold 100,000 dictionaries and their text at once.

_INDENT = "  "


def stream(value: Any, out: TextIO, level: int = 0) -> None:
    """Write `value` as `json.dumps(value, indent=2, ensure_ascii=False)` would at nesting `level`."""
    if isinstance(value, Items):
        _array(value.produce(), out, level)
    elif isinstance(value, dict) and _lazy(value):
        _object(value, out, level)
    elif isinstance(value, list) and _lazy(value):
        _array(value, out, level)
    else:
        text = json.dumps(value, indent=2, ensure_ascii=False)
        # Strings never contain a raw line break in JSON, so every one here is indentation.
        out.write(inert_json(text.replace("\n", "\n" + _INDENT * level) if level else text))


def _array(items: Iterable[Any], out: TextIO, level: int) -> None:
    inner = "\n" + _INDENT * (level + 1)
    empty = True
    for item in items:
        out.write("[" + inner if empty else "," + inner)
        empty = False
        stream(item, out, level + 1)
    out.write("[]" if empty else "\n" + _INDENT * level + "]")


def _object(value: dict[str, Any], out: TextIO, level: int) -> None:
    inner = "\n" + _INDENT * (level + 1)
    first = True
    for key, item in value.items():
        out.write(("{" if first else ",") + inner + inert_json(json.dumps(key, ensure_ascii=False)) + ": ")
        first = False
        stream(item, out, level + 1)
    out.write("{}" if first else "\n" + _INDENT * level + "}")


def _lazy(value: Any) -> bool:
    """Whether `value` holds an `Items` anywhere (otherwise one `json.dumps` writes it)."""
    if isinstance(value, Items):
        return True
    if isinstance(value, dict):
        return any(_lazy(v) for v in value.values())
    if isinstance(value, list):
        return any(_lazy(v) for v in value)
    return False
