"""JUnit XML: one test suite per service, one test case per rule evaluated for it.

A finding at or above --fail-on is a <failure>; a finding below it leaves the
test case passing and is printed in its <system-out>, so CI reporters go red
exactly when the gate does. Test case names are unique per suite (GitLab keys
tests by classname + name).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from shiftleft import __version__
from shiftleft.findings import Finding
from shiftleft.formatters import Options
from shiftleft.formatters.safe import inert_xml, lead, log
from shiftleft.results import RunResult, ServiceResult

if TYPE_CHECKING:
    from shiftleft.policy.catalog import Rule

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (ElementTree would write them and break the file)."""
    return _NOT_XML.sub("\ufffd", text)


def render(result: RunResult, options: Options) -> str:
    threshold = result.fail_on.rank
    evaluated = [r for r in result.catalog if not r.builtin]
    names = {r.id: r.name for r in result.catalog}
    root = ET.Element("testsuites", name="shiftleft", timestamp=result.now.isoformat(), time="0")
    totals = [0, 0, 0]
    for service in result.services:
        suite = _suite(root, service, result, threshold, evaluated, names)
        totals[0] += int(suite.get("tests", "0"))
        totals[1] += int(suite.get("failures", "0"))
        totals[2] += int(suite.get("skipped", "0"))
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", "0")
    root.set("skipped", str(totals[2]))
    ET.indent(root)
    return inert_xml(ET.tostring(root, encoding="unicode", xml_declaration=True)) + "\n"


def _suite(
    root: ET.Element,
    service: ServiceResult,
    result: RunResult,
    threshold: int,
    evaluated: Sequence[Rule],
    names: dict[str, str],
) -> ET.Element:
    suite = ET.SubElement(root, "testsuite", name=clean(service.name), file=clean(service.file))
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("tier", "" if service.tier is None else str(service.tier)),
        ("manifest", service.file),
        ("valid", str(service.valid).lower()),
        ("fail_on", result.fail_on.value),
        ("now", result.now.isoformat()),
        ("shiftleft", __version__),
    ):
        ET.SubElement(props, "property", name=key, value=clean(value))
    by_rule: dict[str, list[Finding]] = {}
    for finding in service.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    rule_ids = [r.id for r in evaluated] if service.valid else []
    rule_ids += [rid for rid in by_rule if rid not in rule_ids]
    failures = skipped = 0
    for rule_id in rule_ids:
        found = by_rule.get(rule_id, [])
        name = names.get(rule_id) or (found[0].name if found else "")
        case = ET.SubElement(
            suite, "testcase", classname=clean(service.name), name=clean(f"{rule_id} {name}"), time="0"
        )
        case.set("file", clean(found[0].location.file if found else service.file))
        if found and found[0].location.line:
            case.set("line", str(found[0].location.line))
        failing = [f for f in found if f.severity.rank >= threshold and f.waiver is None]
        waived = [f for f in found if f.waiver is not None]
        if waived and not failing:
            # A waived finding is a skipped test: visible, counted, and not a failure.
            skipped += 1
            reasons = [f.waiver.describe() for f in waived if f.waiver is not None]
            ET.SubElement(case, "skipped", message=clean(reasons[0]))
        if failing:
            failures += 1
            first = failing[0]
            more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
            message = clean(log(first.message) + more)
            failure = ET.SubElement(case, "failure", type=first.severity.value, message=message)
            failure.text = clean("\n".join(_detail(f) for f in failing))
        passing = [f for f in found if f.severity.rank < threshold or f.waiver is not None]
        if passing:
            out = ET.SubElement(case, "system-out")
            out.text = clean("\n".join(_below(f, result.fail_on.value) for f in passing))
    suite.set("tests", str(len(rule_ids)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    return suite


def _below(finding: Finding, fail_on: str) -> str:
    if finding.waiver is not None:
        return f"{finding.waiver.describe()}: {_detail(finding)}"
    return f"below --fail-on {fail_on}: {_detail(finding)}"


def _detail(finding: Finding) -> str:
    # One line per finding, like the text format: a test report can be printed to a CI log.
    where = lead(log(finding.location), "./")
    text = f"{where}: {finding.severity.value.upper()} {finding.rule} {finding.name}: {log(finding.message)}"
    if finding.location.path:
        text += f" (at {finding.location.path})"
    if finding.remediation:
        text += f"\n  fix: {' '.join(finding.remediation.split())}"
    return text
