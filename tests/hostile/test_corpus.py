"""The hostile-input corpus: each case in its own subprocess, bounded in time and memory, with its exact outcome.

How to run it alone: `python -m pytest tests/hostile -q` (docs/testing.md).
"""

from __future__ import annotations

import importlib
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from tests import actions_runner
from tests.hostile.cases import CASES
from tests.hostile.corpus import build, outcome, run
from tests.hostile.expected import EXPECTED

CATEGORIES = ("yaml", "manifest", "paths", "config", "rules", "waivers", "report")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = build(case, tmp_path)
    start = time.perf_counter()
    done = run(case, repo)  # raises TimeoutExpired past case.seconds; RLIMIT_AS bounds its memory
    seconds = time.perf_counter() - start
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    lines, err = outcome(done, repo)
    assert (done.returncode, lines, err) == (case.code, *EXPECTED[case.name])
    assert len(done.stderr.splitlines()) <= 1, "an error is one line"
    assert seconds < case.seconds
    if case.then is not None:
        case.then(repo)
    if "github" in case.cmd or "markdown" in case.cmd:  # output a runner reads: only shiftleft's own commands
        acted = actions_runner.commands(done.stdout)
        assert all(c.name in ("error", "warning", "notice") and "file" in c.properties for c in acted), acted


def test_every_case_has_one_expectation_and_a_category() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    assert set(names) == set(EXPECTED)
    assert {c.category for c in CASES} == set(CATEGORIES)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)


def test_the_corpus_is_large_and_covers_each_category() -> None:
    counts = Counter(c.category for c in CASES)
    assert sum(counts.values()) >= 60
    assert min(counts.values()) >= 6, counts


def test_referenced_tests_exist() -> None:
    """A case names neighbouring tests it does not repeat: they must still be there."""
    root = Path(__file__).resolve().parents[2]
    for case in CASES:
        for ref in case.refs:
            file, _, name = ref.partition("::")
            name = name.split("[", 1)[0]
            assert (root / file).is_file(), ref
            module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
            assert callable(getattr(module, name, None)), ref
