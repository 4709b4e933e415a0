"""bandit: the argument list shiftleft trusts, and its JSON report read with suspicion.

bandit applies a `.bandit` file it finds among its targets unless `--ini`
names one, so shiftleft always passes its own (empty) one; `# nosec` comments
are ignored (`--ignore-nosec`) and surfaced instead. Exit 0 can hide files
bandit could not parse: its `errors` list says so, and each is a problem.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from typing import Any

from shiftleft.evidence import batch, process
from shiftleft.evidence.model import Problem, Result, Scan

FIXED_ARGS = ("-f", "json", "-q", "--ignore-nosec")


def argv(executable: str, files: Sequence[str], ini: str) -> list[str]:
    return [executable, *FIXED_ARGS, "--ini", ini, *files]


def scan(executable: str, files: Sequence[str], timeout: float, arg_limit: int | None = None) -> Scan:
    """Run bandit over `files` (in batches if the list is too long for one command line)."""
    with tempfile.TemporaryDirectory(prefix="shiftleft-bandit-ini-") as folder:
        ini = os.path.join(folder, "bandit.ini")
        with open(ini, "w", encoding="utf-8") as fh:
            fh.write("[bandit]\n")  # shiftleft's own, empty: no skips, no excludes from the checkout
        return batch.scanned("bandit", lambda batch: argv(executable, batch, ini), files, timeout, parse, arg_limit)


def parse(code: int, data: Any, stderr: str) -> Scan:
    """Results and unscanned files from bandit's JSON report, or the reason it cannot be trusted."""
    said = process.last_words(stderr)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("results"), list)
        or not isinstance(data.get("errors"), list)
    ):
        return Scan("bandit", "", failure=f"bandit's report has an unknown shape (exit {code}): {said}")
    try:
        results = tuple(_result(item) for item in data["results"])
        problems = tuple(
            Problem("bandit", str(e["filename"]), f"bandit could not scan it: {e.get('reason', 'no reason given')}")
            for e in data["errors"]
        )
    except (KeyError, TypeError, ValueError) as e:
        return Scan("bandit", "", failure=f"bandit's report has an unexpected record ({e!r})")
    if code == 1 and not results:
        return Scan("bandit", "", failure=f"bandit failed (exit 1 without issues): {said}")
    return Scan("bandit", "", results, problems)


def _result(item: dict[str, Any]) -> Result:
    line = int(item["line_number"])
    line_range = item.get("line_range") or [line]
    code = str(item.get("code") or "")
    return Result(
        scanner="bandit",
        check_id=str(item["test_id"]),
        check_name=str(item.get("test_name") or ""),
        file=str(item["filename"]),
        line=line,
        end_line=int(max(line_range)),
        resource=str(item.get("issue_text") or ""),
        outcome="failed",
        suppression=_nosec(code, line),
        severity=str(item.get("issue_severity", "")).lower(),
        confidence=str(item.get("issue_confidence", "")).lower(),
        code=_line(code, line),
    )


def _line(code: str, line: int) -> str:
    """The flagged line's text from bandit's quote of the code (`<lineno> <text>` lines), stripped."""
    for row in code.splitlines():
        number, _, text = row.partition(" ")
        if number.strip() == str(line):
            return text.strip()
    return ""


def _nosec(code: str, line: int) -> str:
    """The `# nosec` comment on the issue's line, as bandit quotes the code (`<lineno> <text>` lines)."""
    for row in code.splitlines():
        number, _, text = row.partition(" ")
        if number.strip() == str(line) and "nosec" in text:
            return "# nosec" + text.split("nosec", 1)[1].rstrip()
    return ""
