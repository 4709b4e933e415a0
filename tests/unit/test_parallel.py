"""How many processes evaluate a catalog (shiftleft.parallel.processes); runs in worker processes that must give
the single process's result are in tests/e2e/test_parallel_small.py and tests/e2e/test_parallel.py."""

from __future__ import annotations

import os
import re

import pytest

from shiftleft import parallel
from shiftleft.errors import UsageError


@pytest.mark.parametrize(
    ("setting", "manifests", "cores", "expected"),
    [
        ("", 1000, 2, 2),
        ("", 1000, 16, 10),  # at least MIN_PER_PROCESS manifests each
        ("", 199, 2, 1),
        ("", 200, 2, 2),
        ("", 1, 8, 1),
        ("1", 1000, 8, 1),
        ("3", 1000, 2, 3),  # as asked, above the cores
        ("8", 5, 2, 5),  # at most one process per manifest
    ],
)
def test_the_number_of_processes(
    monkeypatch: pytest.MonkeyPatch, setting: str, manifests: int, cores: int, expected: int
) -> None:
    monkeypatch.setenv(parallel.ENV, setting)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert parallel.processes(manifests) == expected


@pytest.mark.parametrize("setting", ["0", "-1", "two", "1.5"])
def test_a_wrong_number_of_processes_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv(parallel.ENV, setting)
    with pytest.raises(UsageError, match=rf"^{parallel.ENV}='{re.escape(setting)}': expected a whole number"):
        parallel.processes(100)
