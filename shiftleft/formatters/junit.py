"""JUnit XML: one test suite per service, one test case per rule evaluated for it.

A finding at or above --fail-on is a <failure>; a finding below it leaves the
test case passing and is printed in its <system-out>, so CI reporters go red
exactly when the gate does. Test case names are unique per suite (GitLab keys
tests by classname + name).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from shiftleft import __version__
from shiftleft.findings import Finding
from shiftleft.formatters import Options, to_string
from shiftleft.formatters.safe import inert_xml, lead, log
from shiftleft.results import RunResult, ServiceResult

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (ElementTree would write them and break the file)."""
    return _NOT_XML.sub("\ufffd", text)


def render(result: RunResult, options: Options) -> str:
    return to_string(write, result, options)


def write(result: RunResult, options: Options, out: TextIO) -> None:
    """The report, one test suite at a time: the same bytes as `ET.indent` and `ET.tostring` of `document`."""
    groups = _groups(result)
    root = _root(result, [_counts(service, result) for service in groups])
    if not groups:
        out.write(_text(root, declaration=True) + "\n")
        return
    root.text = _MARK  # the start and end tags around the suites, as ElementTree writes them
    head, tail = _text(root, declaration=True).split(_MARK)
    out.write(head + "\n  ")
    last = len(groups) - 1
    for position, service in enumerate(groups):
        parent = ET.Element("testsuites")
        suite = _suite(parent, service, result)
        ET.indent(parent)
        suite.tail = "\n" if position == last else "\n  "
        out.write(_text(suite))
    out.write(tail + "\n")


def document(result: RunResult) -> ET.Element:
    """The whole report as one element tree (not indented)."""
    groups = _groups(result)
    root = _root(result, [_counts(service, result) for service in groups])
    for service in groups:
        _suite(root, service, result)
    return root


NO_SERVICE = "(no service)"
"""The suite of the findings of no service (deployables no manifest claims): not a name a manifest can give."""


def _groups(result: RunResult) -> tuple[ServiceResult, ...]:
    """The services, then the findings of no service as one more suite (one test case per rule with findings)."""
    if not result.unowned:
        return result.services
    return (*result.services, ServiceResult(NO_SERVICE, "", None, False, result.unowned))


_MARK = "\ue000suites\ue000"
"""Stands for the suites while the root's tags are written (a private-use character no input reaches here:
every quoted value passes through `clean`, and the mark is never written)."""


def _text(element: ET.Element, declaration: bool = False) -> str:
    return inert_xml(ET.tostring(element, encoding="unicode", xml_declaration=declaration))


def _root(result: RunResult, counts: list[tuple[int, int, int]]) -> ET.Element:
    root = ET.Element("testsuites", name="shiftleft", timestamp=result.now.isoformat(), time="0")
    root.set("tests", str(sum(c[0] for c in counts)))
    root.set("failures", str(sum(c[1] for c in counts)))
    root.set("errors", "0")
    root.set("skipped", str(sum(c[2] for c in counts)))
    return root


def _counts(service: ServiceResult, result: RunResult) -> tuple[int, int, int]:
    """A suite's tests, failures and skipped, without building it."""
    threshold = result.fail_on.rank
    cases = _cases(service, result)
    failures = skipped = 0
    for found in cases.values():
        failing = any(f.severity.rank >= threshold and f.waiver is None for f in found)
        failures += failing
        skipped += not failing and any(f.waiver is not None for f in found)
    return len(cases), failures, skipped


def _cases(service: ServiceResult, result: RunResult) -> dict[str, list[Finding]]:
    """The suite's test cases in order: every rule evaluated (for a valid manifest), then any other rule
    with a finding; each with its findings."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in service.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    cases: dict[str, list[Finding]] = {r.id: [] for r in result.catalog if not r.builtin} if service.valid else {}
    for rule_id, found in by_rule.items():
        cases[rule_id] = found
    return cases


def _suite(root: ET.Element, service: ServiceResult, result: RunResult) -> ET.Element:
    threshold = result.fail_on.rank
    names = {r.id: r.name for r in result.catalog}
    suite = ET.SubElement(root, "testsuite", name=clean(service.name), file=clean(service.file))
    props = ET.SubElement(suite, "properties")
    manifest = (
        ("tier", "" if service.tier is None else str(service.tier)),
        ("manifest", service.file),
        ("valid", str(service.valid).lower()),
    )
    for key, value in (
        *(manifest if service.file else ()),  # the suite of no service has no manifest
        ("fail_on", result.fail_on.value),
        ("now", result.now.isoformat()),
        ("shiftleft", __version__),
    ):
        ET.SubElement(props, "property", name=key, value=clean(value))
    cases = _cases(service, result)
    failures = skipped = 0
    for rule_id, found in cases.items():
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
    suite.set("tests", str(len(cases)))
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
