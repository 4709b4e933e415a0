"""`process._collect` without a process: two pipes this test writes, and a stand-in whose `poll` says "running"."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, cast

import pytest

from shiftleft.evidence import process


class Running:
    """What `_collect` reads of a Popen: its two pipes, its pid and a `poll` that never sees it exit."""

    pid = -1

    def __init__(self, stdout: bytes, stderr: bytes) -> None:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        os.write(out_w, stdout)
        os.write(err_w, stderr)
        self.writers = [out_w, err_w]
        self.stdout, self.stderr = os.fdopen(out_r, "rb"), os.fdopen(err_r, "rb")

    def poll(self) -> None:
        return None

    def close_writers(self) -> None:
        for fd in self.writers:
            os.close(fd)
        self.writers = []

    def close(self) -> None:
        self.close_writers()
        self.stdout.close()
        self.stderr.close()


@pytest.fixture
def running() -> Iterator[list[Running]]:
    made: list[Running] = []
    yield made
    for proc in made:
        proc.close()


def test_a_deadline_reached_with_the_clock_standing_still_is_a_timeout(
    monkeypatch: pytest.MonkeyPatch, running: list[Running]
) -> None:
    """The deadline is inclusive: at `now == deadline` the run is over, though the output is there to be read."""
    proc = Running(b"{}", b"")
    running.append(proc)
    proc.close_writers()  # everything is written: one more look would read it all and end the run cleanly
    monkeypatch.setattr(process.time, "monotonic", lambda: 100.0)
    assert process._collect(cast(Any, proc), 0) == (b"", b"", "timeout")


def test_stderr_is_trimmed_as_it_is_read_not_only_at_the_end(
    monkeypatch: pytest.MonkeyPatch, running: list[Running]
) -> None:
    """A scanner that fills stderr and never ends holds at most twice MAX_STDERR of it in memory: the timeout's
    answer (which is not trimmed again) shows what was kept."""
    monkeypatch.setattr(process, "MAX_STDERR", 1000)
    proc = Running(b"", b"a" * 4000 + b"b" * 1000)
    running.append(proc)
    out, err, why = process._collect(cast(Any, proc), 0.2)
    assert (out, err, why) == (b"", b"b" * 1000, "timeout")
