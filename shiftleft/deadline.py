"""The run-wide time limit (`check --timeout`, `timeout` in configuration).

A pull request can make a run expensive in ways no single cap foresees, and
a gate that hangs until the CI job is killed reports nothing. So the whole
run has a deadline: an interval timer interrupts the Python code that is
running when it expires, and the run stops with exit 2 and one line naming
what it was doing (`stage()`), without writing partial reports. CEL and
the graph are bounded on their own (see docs/graph.md and policy/celcost.py),
so the deadline is the last line of defence, not the first.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

from shiftleft.errors import ShiftleftError

DEFAULT = 600.0
"""Seconds; generous, since 10,000 services take under 20 s."""

_stage = ["starting"]


class RunTimeout(ShiftleftError):
    """The run went over its time limit (exit 2: no verdict, which fails the gate)."""


def stage(what: str) -> None:
    """Record what the run is doing, for the timeout message."""
    _stage[0] = what


@contextlib.contextmanager
def limit(seconds: float) -> Iterator[None]:
    """Raise RunTimeout in the main thread after `seconds` (no limit off the main thread or at 0)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise RunTimeout(f"timeout: the run took longer than {seconds:g} s and was stopped while {_stage[0]}; "
                         "no report was written (raise --timeout or `timeout` in configuration)")  # fmt: skip

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _stage[0] = "starting"
