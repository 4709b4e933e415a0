"""Batching file lists against the command-line limit: every file once, in order, each batch within the limit."""

from __future__ import annotations

import os

import pytest

from shiftleft.evidence import batch
from shiftleft.evidence.model import Problem, Result, Scan

FIXED = ["/venv/bin/bandit", "-f", "json", "-q", "--ignore-nosec", "--ini", "/home/u/ini/bandit.ini"]


def cost(args: list[str]) -> int:
    return sum(len(os.fsencode(a)) + 1 + 8 for a in args)


def test_a_list_over_the_limit_is_split_into_batches_that_each_fit() -> None:
    files = [f"/repo/services/s{i:03}/src/app_{i:03}.py" for i in range(200)]
    limit = cost(FIXED) + 10 * cost(files[:1])
    batches = batch.batches(FIXED, files, limit)
    assert [len(b) for b in batches] == [10] * 20
    assert [f for b in batches for f in b] == files
    assert all(cost([*FIXED, *b]) <= limit for b in batches)
    assert cost([*FIXED, *files]) > limit  # the single command line would not have fit


def test_a_list_within_the_limit_is_one_batch_and_nothing_is_no_batch() -> None:
    files = ["/a.py", "/b.py"]
    assert batch.batches(FIXED, files, cost([*FIXED, *files])) == [files]
    assert batch.batches(FIXED, files, cost([*FIXED, *files]) - 1) == [["/a.py"], ["/b.py"]]
    assert batch.batches(FIXED, [], 10) == []


def test_a_file_name_longer_than_the_limit_gets_a_batch_of_its_own() -> None:
    long = "/" + "x" * 5000 + ".py"
    assert batch.batches(FIXED, ["/a.py", long, "/b.py"], cost(FIXED) + 100) == [["/a.py"], [long], ["/b.py"]]


def test_the_limit_leaves_room_for_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sysconf", lambda name: 2 * 1024 * 1024 if name == "SC_ARG_MAX" else 0)
    small = batch.command_line_limit()
    monkeypatch.setenv("SHIFTLEFT_TEST_BIG", "x" * 100_000)
    assert small - batch.command_line_limit() == (100_000 + len("SHIFTLEFT_TEST_BIG=") + 9) // 2
    assert small < 1024 * 1024


def _result(file: str, line: int, check: str = "B602") -> Result:
    return Result("bandit", check, "name", file, line, line, "text", "failed", severity="high", confidence="high")


def test_merged_batches_equal_one_scan_in_canonical_order() -> None:
    a, b, c = _result("/b.py", 3), _result("/a.py", 9), _result("/a.py", 2, "B101")
    one = batch.merged("bandit", [Scan("bandit", "1.9.4", (a, b, c), (Problem("bandit", "/z.py", "broken"),))])
    split = batch.merged(
        "bandit",
        [Scan("bandit", "", (a,)), Scan("bandit", "1.9.4", (c,), (Problem("bandit", "/z.py", "broken"),)),
         Scan("bandit", "", (b,))],
    )  # fmt: skip
    assert one == split
    assert one.results == (c, b, a) and one.version == "1.9.4"
