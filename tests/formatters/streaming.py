"""The streaming tests' catalog (tests/unit/formatters/test_streaming.py, tests/e2e/formatters/test_streaming.py):
150 generated services with about 12 findings each (benchmarks/generate.py, seed 0), its result, and a stream
that records each write."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from shiftleft import pipeline
from shiftleft.results import RunResult
from tests.helpers import NOW, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # the benchmark corpus generator (standard library only)


def catalog(folder: Path) -> Path:
    generate.generate(150, folder, seed=0, fanout=3)
    return folder


def result(folder: Path) -> RunResult:
    """`check .` of the catalog in `folder`, as the formatters receive it."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        outcome = pipeline.run(["."], config_file=None, fail_on=None, now=pipeline.parse_now(NOW), cwd=folder,
                               evidence=False)  # fmt: skip
    finally:
        os.chdir(before)
    return outcome.result


class Recorder(io.StringIO):
    """Standard output as a formatter sees it, recording each write's length."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return super().write(text)
