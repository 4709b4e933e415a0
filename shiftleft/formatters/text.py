"""Terminal output: `path:line:col: SEVERITY RULE name message`, grouped by service.

Everything quoted from the input goes through `safe.log`, so a manifest value
cannot move the cursor, recolour or retitle a terminal, reorder what is shown,
start a new line or issue a CI workflow command; a line that would begin with
`::` (a path or service name chosen that way) gets a prefix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TextIO

from shiftleft.findings import Finding, Severity
from shiftleft.formatters import Options, to_string
from shiftleft.formatters.safe import lead, log
from shiftleft.results import RunResult

_COLORS = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",
}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_GREEN = "\033[32m"
_RESET = "\033[0m"

Paint = Callable[[str, str], str]
UNOWNED = "no service (deployables no manifest claims)"
"""The heading of the findings that belong to no service, in every format that groups by service."""


def render(result: RunResult, options: Options) -> str:
    return to_string(write, result, options)


def write(result: RunResult, options: Options, out: TextIO) -> None:
    """The report, a line at a time."""
    for line in lines(result, options):
        out.write(line + "\n")


def lines(result: RunResult, options: Options) -> Iterator[str]:
    """The report's lines, without line breaks (none at all for a quiet run without findings)."""
    paint = _painter(options.color)
    written = False
    for service in result.services:
        if not service.findings:
            if options.verbosity > 0:
                name = lead(log(service.name), "service ")
                yield paint(_GREEN, f"{name}: ok") + f" ({log(service.file)})"
                written = True
            continue
        if options.verbosity >= 0:
            tier = f"tier {service.tier}" if service.tier is not None else "tier unknown"
            count = len(service.findings)
            name = lead(log(service.name), "service ")
            header = f"{name} ({tier}, {log(service.file)}): {count} finding{'s' if count != 1 else ''}"
            if written:
                yield ""
            yield paint(_BOLD, header)
            written = True
        for finding in service.findings:
            yield _line(finding, paint)
            written = True
            if finding.waiver is not None:
                yield paint(_DIM, f"    {' '.join(log(finding.waiver.describe()).split())}")
            if options.verbosity > 0 and finding.remediation:
                yield paint(_DIM, f"    fix: {' '.join(log(finding.remediation).split())}")
    if result.unowned:
        if options.verbosity >= 0:
            if written:
                yield ""
            count = len(result.unowned)
            yield paint(_BOLD, f"{UNOWNED}: {count} finding{'s' if count != 1 else ''}")
        for finding in result.unowned:
            yield _line(finding, paint)
            if finding.waiver is not None:
                yield paint(_DIM, f"    {' '.join(log(finding.waiver.describe()).split())}")
            if options.verbosity > 0 and finding.remediation:
                yield paint(_DIM, f"    fix: {' '.join(log(finding.remediation).split())}")
        written = True
    if options.verbosity >= 0:
        if result.policy_changes:
            if written:
                yield ""
            yield paint(_BOLD, "policy changes in the working tree (not applied: the base policy judges):")
            for change in result.policy_changes:
                yield f"  {'loosens' if change.loosening else 'tightens'}: {' '.join(log(change.text).split())}"
            written = True
        if written:
            yield ""
        if result.evidence:
            yield evidence_summary(result)
        yield summary(result, paint)


def _line(finding: Finding, paint: Paint) -> str:
    sev = finding.severity.value.upper()
    painted = paint(_DIM if finding.waiver is not None else _COLORS[finding.severity], sev)
    if finding.waiver is not None:
        painted += " (waived)" if finding.waiver.kind != "baseline" else " (baseline)"
    where = lead(log(finding.location), "./")  # a relative path that starts with "::" is also "./::..."
    return f"{where}: {painted} {finding.rule} {finding.name} {log(finding.message)}"


def summary(result: RunResult, paint: Paint | None = None) -> str:
    paint = paint or _painter(False)
    services = len(result.services)
    noun = "service" if services == 1 else "services"
    if not result.findings:
        return paint(_GREEN, f"ok: {services} {noun} checked, no findings")
    failing_services = sum(1 for s in result.services if s.findings)
    counts = ", ".join(f"{n} {s.value}" for s, n in result.counts().items() if n)
    total = len(result.findings)
    unowned = f" and {len(result.unowned)} of no service" if result.unowned else ""
    head = f"{total} finding{'s' if total != 1 else ''} in {failing_services} of {services} {noun}{unowned} ({counts})"
    waived = len(result.waived)
    if waived:
        head += f", {waived} accepted by waivers or the baseline"
    if result.passed:
        return f"{head}; none at or above --fail-on {result.fail_on.value}: passed"
    return paint(_BOLD, f"{head}; {len(result.failing)} at or above --fail-on {result.fail_on.value}: failed")


def evidence_summary(result: RunResult) -> str:
    """`evidence: 44 claims: 27 verified, 7 contradicted, 10 unverified` (claims judged by checkov and bandit)."""
    statuses = [c.status.value for c in result.claims]
    parts = ", ".join(f"{statuses.count(s)} {s}" for s in ("verified", "contradicted", "unverified"))
    return f"evidence: {len(statuses)} claim{'s' if len(statuses) != 1 else ''}: {parts}"


def _plain(_code: str, text: str) -> str:
    return text


def _colored(code: str, text: str) -> str:
    return f"{code}{text}{_RESET}"


def _painter(color: bool) -> Paint:
    return _colored if color else _plain
