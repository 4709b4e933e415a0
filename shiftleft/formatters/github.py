"""GitHub Actions workflow commands: annotations for the most severe findings, then the text report.

The runner reads a workflow command from any line of a step's output, so
nothing quoted from the input may reach the log outside an annotation
shiftleft means to emit. The output is exactly:

1. One annotation per finding, most severe first, within GitHub's limit of
   10 error and 10 warning annotations per step (it drops the rest
   silently). Each is a single line whose properties and message are
   escaped as the Actions toolkit does, after control characters, terminal
   escapes and bidirectional overrides are removed (`safe.clean`).
2. A notice saying how many findings were not annotated, when some were not.
3. The whole text report (every finding, grouped by service) between
   `::stop-commands::TOKEN` and `::TOKEN::`, with a fresh random TOKEN, so no
   line in it is read as a command, whatever a manifest path or value says.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from shiftleft.findings import Finding, Severity
from shiftleft.formatters import Options, text, to_string
from shiftleft.formatters.safe import clean
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


def data(value: str) -> str:
    """Escape a workflow command's message."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def prop(value: str) -> str:
    """Escape a workflow command's property value (file, title)."""
    return data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, options: Options) -> str:
    return to_string(write, result, options)


def write(result: RunResult, options: Options, out: TextIO) -> None:
    chosen = _annotated(result.findings)
    for i, finding in enumerate(result.findings):
        if i in chosen:
            out.write(annotation(finding) + "\n")
    hidden = len(result.findings) - len(chosen)
    if hidden:
        total = len(result.findings)
        out.write(
            f"::notice title=shiftleft::{total} findings, {hidden} not annotated: GitHub shows at most "
            f"{LIMIT} error and {LIMIT} warning annotations per step. All findings are in the log below, "
            "the job summary and the SARIF report.\n"
        )
    report = text.lines(result, options)
    first = next(report, None)
    if first is not None:
        token = secrets.token_hex(16)
        out.write(f"::stop-commands::{token}\n{first}\n")
        for line in report:
            out.write(line + "\n")
        out.write(f"::{token}::\n")


def annotation(finding: Finding) -> str:
    loc = finding.location
    params = [f"file={prop(clean(loc.file))}"]
    if loc.line > 0:
        params.append(f"line={loc.line}")
        if loc.col > 0:
            params.append(f"col={loc.col}")
    params.append(f"title={prop(clean(f'{finding.rule} {finding.name}'))}")
    owner = f"service {clean(finding.service)}" if finding.service else "no service"
    message = f"{clean(finding.message)} [{finding.severity.value}, {owner}]"
    if finding.waiver is not None:
        message += f" ({clean(finding.waiver.describe())})"
    return f"::{_command(finding)} {','.join(params)}::{data(message)}"


def _command(finding: Finding) -> str:
    """A waived finding is a notice: visible on the pull request, never an error."""
    return "notice" if finding.waiver is not None else COMMAND[finding.severity]


def _annotated(findings: tuple[Finding, ...]) -> set[int]:
    """The indexes of the findings to annotate: the most severe first, LIMIT per command kind.

    Indexes, not findings: two equal findings are two lines, each counted against the limit.
    """
    ranked = sorted(enumerate(findings), key=lambda p: (-p[1].severity.rank, p[0]))
    used = {"error": 0, "warning": 0, "notice": 0}
    out: set[int] = set()
    for i, finding in ranked:
        kind = _command(finding)
        if used[kind] < LIMIT:
            used[kind] += 1
            out.add(i)
    return out


# -- $GITHUB_OUTPUT ---------------------------------------------------------------------------------


def outputs(result: RunResult, files: Iterable[tuple[str, Path]]) -> str:
    """Step outputs in the `$GITHUB_OUTPUT` file format: the verdict, counts, and each report file.

    Counts and the verdict are numbers and words shiftleft computes; the only
    free text is a report's path, which the caller chose, written in the
    heredoc form with a random delimiter so no path can add another output.
    """
    lines = [f"passed={'true' if result.passed else 'false'}", f"findings={len(result.findings)}"]
    lines += [f"{severity.value}={n}" for severity, n in result.counts().items()]
    for name, path in files:
        value = str(path)
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        while delimiter in value:  # cannot happen by chance; kept so the format holds for any value
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        lines += [f"{name}-file<<{delimiter}", value, delimiter]
    return "\n".join(lines) + "\n"
