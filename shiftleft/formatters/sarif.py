"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run per invocation; the catalog's rules are deduplicated into
`tool.driver.rules` and results point at them by `ruleId` and `ruleIndex`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from shiftleft import __version__
from shiftleft.findings import Finding, Severity, Waiver
from shiftleft.formatters import Options, to_string
from shiftleft.formatters.json import stream
from shiftleft.formatters.safe import fence, md, md_code
from shiftleft.lazyitems import each
from shiftleft.results import RunResult

if TYPE_CHECKING:
    from shiftleft.policy.catalog import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
RULE_DOCS = "https://github.com/shiftleft-dev/shiftleft/blob/main/docs/rules/"
"""Base of the rule docs pages (docs/rules/<ID>.md in the repository); helpUri is RULE_DOCS + ID + .md."""
INFORMATION_URI = "https://github.com/shiftleft-dev/shiftleft"

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
"""GitHub reads `security-severity` as a string score: >9 critical, 7-8.9 high, 4-6.9 medium, below 4 low."""


def render(result: RunResult, options: Options) -> str:
    return to_string(write, result, options)


def write(result: RunResult, options: Options, out: TextIO) -> None:
    """The log, one result at a time (the same bytes as `json.dumps` of `log`)."""
    stream(log(result, lazy=True), out)
    out.write("\n")


def log(
    result: RunResult, automation_id: str | None = None, root: Path | None = None, lazy: bool = False
) -> dict[str, Any]:
    """The SARIF log as plain data. `automation_id` defaults to a fresh `shiftleft/<time>-<random>`;
    `lazy`: the results as `json.Items`, built while they are written."""
    rules, index = _rules(result)
    root = root or Path.cwd()
    if automation_id is None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        automation_id = f"shiftleft/{stamp}-{uuid.uuid4().hex[:8]}"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "shiftleft",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {"id": automation_id},
        "originalUriBaseIds": {
            "%SRCROOT%": {
                "uri": root.resolve().as_uri().rstrip("/") + "/",
                "description": {"text": "The folder shiftleft ran in; result paths are relative to it."},
            }
        },
        "invocations": [{"executionSuccessful": True, "properties": {"now": result.now.isoformat()}}],
        "results": each(lazy, lambda: (_result(f, index) for f in result.findings)),
        "properties": {
            "failOn": result.fail_on.value,
            "passed": result.passed,
            "rulesEvaluated": result.rules,
            "policyChanges": [{"loosening": c.loosening, "change": c.text} for c in result.policy_changes],
        },
    }
    if result.evidence:  # claim statuses: how much of what is declared is proven
        from shiftleft.formatters import claims

        every = claims.rows(result)
        run["properties"]["evidence"] = {"claims": claims.counts(every), **claims.coverage(result)}
        run["properties"]["claims"] = every
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rules(result: RunResult) -> tuple[list[dict[str, Any]], dict[str, int]]:
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for rule in result.catalog:
        index[rule.id] = len(descriptors)
        descriptors.append(_descriptor(rule))
    for finding in result.findings:  # a rule not in the catalog (should not happen) still gets a descriptor
        if finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append(_bare(finding))
    return descriptors, index


def _descriptor(rule: Rule) -> dict[str, Any]:
    from shiftleft.policy.catalog import FRAMEWORKS

    tags = ["shiftleft", rule.category, *rule.frameworks]
    # Organisation rules come from the repository: their text is escaped like any other input, since
    # code scanning renders help.markdown (links, images, @mentions, HTML) to whoever opens an alert.
    refs = "".join(f"\n- {md(FRAMEWORKS.get(r.framework, r.framework))}: {md(r.control)}" for r in rule.references)
    markdown = f"**{md(rule.summary)}**\n\n{md_code(rule.rationale)}\n\n## How to fix\n\n{md_code(rule.remediation)}\n"
    if refs:
        markdown += f"\n## References\n{refs}\n"
    for kind in ("fail", "pass"):
        example = rule.examples.get(kind)
        if example:
            markdown += f"\n## {'Failing' if kind == 'fail' else 'Passing'} example\n\n{fence(example.rstrip())}\n"
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _para(rule.rationale)[:1024]},
        "help": {"text": _para(rule.remediation), "markdown": markdown},
        "helpUri": f"{RULE_DOCS}{rule.id}.md",
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": tags[:20],
            "precision": "very-high",
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "problem.severity": _problem(rule.severity),
        },
    }


def _bare(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "fullDescription": {"text": finding.name},
        "help": {"text": finding.remediation or finding.name},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {
            "tags": ["shiftleft", finding.category],
            "security-severity": SECURITY_SEVERITY[finding.severity],
        },
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    loc = finding.location
    physical: dict[str, Any] = {"artifactLocation": _artifact(loc.file)}
    if loc.line > 0:
        region: dict[str, int] = {"startLine": loc.line}
        if loc.col > 0:
            region["startColumn"] = loc.col
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if loc.path:
        location["logicalLocations"] = [{"fullyQualifiedName": f"{finding.service}/{loc.path}", "kind": "member"}]
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index[finding.rule],
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "partialFingerprints": {"shiftleftFingerprint/v1": finding.fingerprint},
        "properties": {
            "service": finding.service,
            "severity": finding.severity.value,
            "category": finding.category,
            "security-severity": SECURITY_SEVERITY[finding.severity],
        },
    }
    if finding.extra:
        _evidence(out, finding)
    if finding.waiver is not None:
        out["suppressions"] = [_suppression(finding.waiver)]
    return out


def _evidence(out: dict[str, Any], finding: Finding) -> None:
    """An evidence finding: its scanner details as properties, the contradicted claim as a related location."""
    extra = dict(finding.extra)
    out["properties"]["evidence"] = extra
    file, line, col = extra.get("claim_file"), extra.get("claim_line", ""), extra.get("claim_col", "")
    if file:
        physical: dict[str, Any] = {"artifactLocation": _artifact(file)}
        if line.isdigit() and int(line) > 0:
            physical["region"] = {"startLine": int(line)}
            if col.isdigit() and int(col) > 0:
                physical["region"]["startColumn"] = int(col)
        text = f"the claim {extra.get('claim_path', '')} in the manifest of {finding.service}"
        out["relatedLocations"] = [{"id": 1, "physicalLocation": physical, "message": {"text": text}}]


def _suppression(waiver: Waiver) -> dict[str, Any]:
    """SARIF 3.35: an inline waiver is `inSource`, the waiver file and the baseline are `external`."""
    properties: dict[str, Any] = {"kind": waiver.kind, "approvedBy": waiver.approved_by, "source": waiver.source}
    if waiver.ticket:
        properties["ticket"] = waiver.ticket
    if waiver.expires is not None:
        properties["expires"] = waiver.expires.isoformat()
    return {
        "kind": "inSource" if waiver.kind == "inline" else "external",
        "status": "accepted",
        "justification": waiver.describe(),
        "properties": properties,
    }


def _artifact(file: str) -> dict[str, Any]:
    path = Path(file)
    if path.is_absolute():  # outside the working folder: an absolute file URI, no base
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _para(text: str) -> str:
    return " ".join(text.split())


def _problem(severity: Severity) -> str:
    level = LEVEL[severity]
    return "recommendation" if level == "note" else level
