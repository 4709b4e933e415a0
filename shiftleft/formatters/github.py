"""GitHub Actions workflow commands: one annotation per finding, grouped per service.

GitHub shows at most 10 error and 10 warning annotations per step and drops
the rest silently, so the most severe findings are annotated, the others are
printed as plain log lines, and one notice says how many were not annotated.
"""

from __future__ import annotations

from shiftleft.findings import Finding, Severity
from shiftleft.formatters import Options
from shiftleft.results import RunResult

COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}
LIMIT = 10
"""Annotations of one kind GitHub displays per step."""


def data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def prop(text: str) -> str:
    """Escape a workflow command's property value (file, title)."""
    return data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, options: Options) -> str:
    chosen = _annotated(result.findings)
    lines: list[str] = []
    for service in result.services:
        if not service.findings:
            continue
        count = len(service.findings)
        tier = f"tier {service.tier}" if service.tier is not None else "tier unknown"
        lines.append(data(f"::group::{service.name} ({tier}): {count} finding{'s' if count != 1 else ''}"))
        for finding in service.findings:
            lines.append(annotation(finding) if finding in chosen else _plain(finding))
        lines.append("::endgroup::")
    hidden = len(result.findings) - len(chosen)
    if hidden:
        total = len(result.findings)
        lines.append(
            f"::notice title=shiftleft::{total} findings, {hidden} not annotated: GitHub shows at most "
            f"{LIMIT} error and {LIMIT} warning annotations per step. All findings are in the log above, "
            "the job summary and the SARIF report."
        )
    if not lines:
        return ""
    lines.append("")  # the final newline, without copying a large output once more
    return "\n".join(lines)


def annotation(finding: Finding) -> str:
    loc = finding.location
    params = [f"file={prop(loc.file)}"]
    if loc.line > 0:
        params.append(f"line={loc.line}")
        if loc.col > 0:
            params.append(f"col={loc.col}")
    params.append(f"title={prop(f'{finding.rule} {finding.name}')}")
    message = f"{finding.message} [{finding.severity.value}, service {finding.service}]"
    if finding.waiver is not None:
        message += f" ({finding.waiver.describe()})"
    return f"::{_command(finding)} {','.join(params)}::{data(message)}"


def _command(finding: Finding) -> str:
    """A waived finding is a notice: visible on the pull request, never an error."""
    return "notice" if finding.waiver is not None else COMMAND[finding.severity]


def _plain(finding: Finding) -> str:
    # Never starts with "::", so manifest text cannot smuggle in a workflow command.
    line = f"{finding.location}: {finding.severity.value.upper()} {finding.rule} {finding.name} {finding.message}"
    return " ".join(line.splitlines())


def _annotated(findings: tuple[Finding, ...]) -> set[Finding]:
    """The findings to annotate: the most severe first, LIMIT per command kind."""
    ranked = sorted(enumerate(findings), key=lambda p: (-p[1].severity.rank, p[0]))
    used = {"error": 0, "warning": 0, "notice": 0}
    out: set[Finding] = set()
    for _i, finding in ranked:
        kind = _command(finding)
        if used[kind] < LIMIT:
            used[kind] += 1
            out.add(finding)
    return out
