"""checkov: the argument list shiftleft trusts, and a parser for every JSON shape checkov writes.

Facts this module is built on (checkov 3.3, see docs/decisions/0012-evidence.md):
exit 1 means "failed checks" and also "uncaught exception"; `-o json` writes
a dict for one report, a list for several, a bare summary when nothing was
scanned and nothing at all for a missing path; Terraform files that do not
parse are listed in `parsing_errors`. `.checkov.yaml` is read from every
`-d` folder, the working folder and HOME, so shiftleft passes files (`-f`)
and runs checkov in a fresh folder that is also its HOME.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shiftleft.evidence import batch, process
from shiftleft.evidence.model import Problem, Result, Scan

FRAMEWORKS = "terraform,cloudformation,kubernetes"
FIXED_ARGS = (
    "--framework",
    FRAMEWORKS,
    "-o",
    "json",
    "--skip-download",
    "--download-external-modules",
    "false",
    "--skip-results-upload",
)
"""Always passed: JSON, nothing downloaded (no guidelines, no remote Terraform modules)."""


def argv(executable: str, files: Sequence[str], checks: Sequence[str], policies_dir: str | None) -> list[str]:
    out = [executable, *FIXED_ARGS, "-c", ",".join(sorted(checks))]
    if policies_dir is not None:
        out += ["--external-checks-dir", policies_dir]  # shiftleft's own generated folder, never the checkout's
    return [*out, "-f", *files]  # absolute paths: a file name starting with '-' cannot become an option


def scan(
    executable: str,
    files: Sequence[str],
    checks: Sequence[str],
    policies_dir: str | None,
    timeout: float,
    arg_limit: int | None = None,
) -> Scan:
    """Run checkov over `files` (in batches if the list is too long for one command line); a scan that cannot
    be trusted comes back with `failure` set."""
    return batch.scanned(
        "checkov", lambda batch: argv(executable, batch, checks, policies_dir), files, timeout, parse, arg_limit
    )


def parse(code: int, data: Any, stderr: str) -> Scan:
    """Results, parse problems and version from checkov's JSON report, or the reason it cannot be trusted."""
    said = process.last_words(stderr)
    reports = _reports(data)
    if reports is None:
        return Scan("checkov", "", failure=f"checkov's report has an unknown shape (exit {code}): {said}")
    results: list[Result] = []
    problems: list[Problem] = []
    version = ""
    try:
        for report in reports:
            version = version or str(report.get("summary", {}).get("checkov_version", ""))
            body = report.get("results", {})
            for key, outcome in (
                ("failed_checks", "failed"),
                ("passed_checks", "passed"),
                ("skipped_checks", "skipped"),
            ):
                results.extend(_result(record, outcome) for record in body.get(key) or [])
            for path in body.get("parsing_errors") or []:
                problems.append(
                    Problem("checkov", str(path), "checkov could not parse it; its resources are not checked")
                )
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        return Scan("checkov", version, failure=f"checkov's report has an unexpected record ({e!r})")
    failed = any(r.outcome == "failed" for r in results)
    if code == 1 and (not failed or "Traceback (most recent call last)" in stderr):
        # exit 1 without a failed check, or with a traceback: a crash, not findings
        return Scan("checkov", version, failure=f"checkov crashed (exit 1): {said}")
    return Scan("checkov", version, tuple(results), tuple(problems))


def _reports(data: Any) -> list[dict[str, Any]] | None:
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)] if all(isinstance(r, dict) for r in data) else None
    if isinstance(data, dict):
        if "results" in data:
            return [data]
        if "check_type" not in data and isinstance(data.get("passed"), int):
            return []  # the bare summary: nothing was scanned
    return None


def _result(record: dict[str, Any], outcome: str) -> Result:
    lines = record.get("file_line_range") or [0, 0]
    check = record.get("check_result") or {}
    suppression = ""
    if outcome == "skipped":
        suppression = str(check.get("suppress_comment") or record.get("suppress_comment") or "checkov:skip")
    return Result(
        scanner="checkov",
        check_id=str(record["check_id"]),
        check_name=str(record.get("check_name") or ""),
        file=str(record.get("file_abs_path") or record["file_path"]),
        line=int(lines[0]),
        end_line=int(lines[-1]),
        resource=str(record.get("resource") or ""),
        outcome=outcome,
        suppression=suppression,
    )
