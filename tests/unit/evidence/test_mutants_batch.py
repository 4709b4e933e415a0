"""Batched scanner runs: each batch's command line, one shared deadline, the first failure ends the scan."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pytest

from shiftleft.evidence import batch
from shiftleft.evidence.model import Problem, Result, Scan
from shiftleft.evidence.process import Completed, ScannerFailure


def argv(files: Sequence[str]) -> list[str]:
    return ["/bin/scan", "-q", *files]


def result(file: str) -> Result:
    return Result("bandit", "B101", "assert_used", file, 1, 1, "assert", "failed")


class Runs:
    """Stands in for `process.run` and `process.report`: records each call, answers from a script."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: list[Completed | ScannerFailure]) -> None:
        self.calls: list[tuple[str, list[str], float, float | None]] = []
        self.reports: list[tuple[str, int, str, str]] = []
        self.answers = answers
        monkeypatch.setattr(batch, "run", self.run)
        monkeypatch.setattr(batch, "report", self.report)
        monkeypatch.setattr(batch.time, "monotonic", lambda: 1000.0 + len(self.calls))

    def run(self, scanner: str, line: list[str], *, timeout: float, budget: float | None = None) -> Completed:
        self.calls.append((scanner, line, timeout, budget))
        answer = self.answers.pop(0)
        if isinstance(answer, ScannerFailure):
            raise answer
        return answer

    def report(self, scanner: str, code: int, stdout: str, stderr: str) -> Any:
        self.reports.append((scanner, code, stdout, stderr))
        return {"files": stdout.split()}


def parse(code: int, data: Any, stderr: str) -> Scan:
    if stderr == "bad":
        return Scan("bandit", "", failure=f"broken (exit {code})")
    version = "1.9.4" if "/b.py" in data["files"] else ""
    return Scan("bandit", version, tuple(map(result, data["files"])), (Problem("bandit", data["files"][0], "p"),))


def test_each_batch_runs_within_what_is_left_of_one_timeout_and_the_results_merge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = Runs(monkeypatch, [Completed(1, "/d.py /c.py", "e1"), Completed(0, "/b.py /a.py", "e2")])
    limit = sum(len(a) + 9 for a in argv([])) + 2 * (len("/d.py") + 9)
    scan = batch.scanned("bandit", argv, ["/d.py", "/c.py", "/b.py", "/a.py"], 30.0, parse, limit)
    assert runs.calls == [
        ("bandit", ["/bin/scan", "-q", "/d.py", "/c.py"], 30.0, 30.0),  # the clock ticks once per run
        ("bandit", ["/bin/scan", "-q", "/b.py", "/a.py"], 29.0, 30.0),
    ]
    assert runs.reports == [("bandit", 1, "/d.py /c.py", "e1"), ("bandit", 0, "/b.py /a.py", "e2")]
    assert scan == Scan(
        "bandit",
        "1.9.4",
        tuple(map(result, ["/a.py", "/b.py", "/c.py", "/d.py"])),
        (Problem("bandit", "/b.py", "p"), Problem("bandit", "/d.py", "p")),
    )


def test_the_first_failing_batch_is_the_scan_and_no_later_batch_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = Runs(monkeypatch, [Completed(1, "/a.py", "bad"), Completed(0, "/b.py", "")])
    limit = sum(len(a) + 9 for a in argv(["/a.py"]))
    assert batch.scanned("bandit", argv, ["/a.py", "/b.py"], 5.0, parse, limit) == Scan(
        "bandit", "", failure="broken (exit 1)"
    )
    assert len(runs.calls) == 1
    runs = Runs(monkeypatch, [ScannerFailure("bandit", "bandit is not installed", missing=True), Completed(0, "", "")])
    assert batch.scanned("bandit", argv, ["/a.py", "/b.py"], 5.0, parse, limit) == Scan(
        "bandit", "", failure="bandit is not installed", missing=True
    )
    assert len(runs.calls) == 1
    Runs(monkeypatch, [ScannerFailure("bandit", "bandit exited with 2: x")])
    assert batch.scanned("bandit", argv, ["/a.py"], 5.0, parse) == Scan("bandit", "", failure="bandit exited with 2: x")


def test_without_files_nothing_runs_and_the_scan_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    runs = Runs(monkeypatch, [])
    assert batch.scanned("checkov", argv, [], 5.0, parse) == Scan("checkov", "")
    assert runs.calls == []


def test_without_an_explicit_limit_the_system_limit_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "command_line_limit", lambda: sum(len(a) + 9 for a in argv(["/a.py"])))
    runs = Runs(monkeypatch, [Completed(0, "/a.py", ""), Completed(0, "/b.py", "")])
    batch.scanned("bandit", argv, ["/a.py", "/b.py"], 5.0, parse)
    assert [c[1][-1] for c in runs.calls] == ["/a.py", "/b.py"]


def test_the_command_line_limit_falls_back_when_the_system_cannot_tell(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = sum(len(os.fsencode(f"{k}={v}")) + 9 for k, v in os.environ.items()) + 4096

    def failing(name: str) -> int:
        raise ValueError(name)

    for answer in (failing, lambda name: -1, lambda name: 0):
        monkeypatch.setattr(os, "sysconf", answer)
        assert batch.command_line_limit() == max(4096, (128 * 1024 - environment) // 2)

    def refusing(name: str) -> int:
        raise OSError(name)

    monkeypatch.setattr(os, "sysconf", refusing)
    assert batch.command_line_limit() == max(4096, (128 * 1024 - environment) // 2)
    monkeypatch.setattr(os, "sysconf", lambda name: 1 if name == "SC_ARG_MAX" else 0)
    assert batch.command_line_limit() == 4096  # never less than POSIX's minimum
    monkeypatch.setattr(os, "sysconf", lambda name: 10_000_000 if name == "SC_ARG_MAX" else 0)
    assert batch.command_line_limit() == (10_000_000 - environment) // 2
    monkeypatch.setattr(os, "sysconf", lambda name: 10_000_001 - environment % 2 if name == "SC_ARG_MAX" else 0)
    limit = batch.command_line_limit()
    assert (limit, type(limit)) == ((10_000_001 - environment % 2 - environment) // 2, int)  # an odd difference


def test_an_argument_costs_its_bytes_its_nul_and_its_pointer() -> None:
    assert batch._arg_bytes("é") == 2 + 1 + 8
    assert batch.batches(["ab"], ["c", "d"], 11 + 10 + 10) == [["c", "d"]]
    assert batch.batches(["ab"], ["c", "d"], 11 + 10 + 9) == [["c"], ["d"]]
    assert batch.batches([], ["c", "d"], 10) == [["c"], ["d"]]
