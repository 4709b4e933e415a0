"""Scanner runs over file lists of any length: batches that fit the command line, combined exactly as one run.

Each scanner gets explicit files (never folders: see `process`), and a large
repository's list can pass the operating system's limit on a command line
(ARG_MAX, which the environment shares). So the list is split into batches
that each fit half of what is left beside the environment; the batches run one
after another within the scanner's timeout, and their results are merged in
one canonical order, so a batched scan equals the single run it replaces.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from shiftleft.evidence.model import Scan
from shiftleft.evidence.process import ScannerFailure, report, run


def scanned(
    scanner: str,
    argv: Callable[[Sequence[str]], list[str]],
    files: Sequence[str],
    timeout: float,
    parse: Callable[[int, Any, str], Scan],
    arg_limit: int | None = None,
) -> Scan:
    """Run a scanner over `files` and `parse(exit code, its JSON report, stderr)`; any failure is a failed Scan.

    `argv(batch)` is the command line for some of the files. A list too long for one command line (the
    operating system's ARG_MAX, or `arg_limit` bytes) is split into batches run one after another within the
    same `timeout`; their results are combined exactly as one run's (see `merged`).
    """
    deadline = time.monotonic() + timeout
    parts: list[Scan] = []
    for batch in batches(argv([]), files, arg_limit if arg_limit is not None else command_line_limit()):
        try:
            done = run(scanner, argv(batch), timeout=deadline - time.monotonic(), budget=timeout)
            data = report(scanner, done.code, done.stdout, done.stderr)
        except ScannerFailure as e:
            return Scan(scanner, "", failure=e.message, missing=e.missing)
        scan = parse(done.code, data, done.stderr)
        if scan.failure:
            return scan
        parts.append(scan)
    return merged(scanner, parts)


def merged(scanner: str, parts: Sequence[Scan]) -> Scan:
    """Several batches' scans as one: every result and problem, in one canonical order (as a single run gives)."""
    version = next((p.version for p in parts if p.version), "")
    results = sorted(r for p in parts for r in p.results)
    problems = sorted(p for part in parts for p in part.problems)
    return Scan(scanner, version, tuple(results), tuple(problems))


def command_line_limit() -> int:
    """Bytes a scanner's arguments may take: half of what the system allows beside this environment."""
    try:
        most = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        most = -1
    if most <= 0:
        most = 128 * 1024  # POSIX's minimum is 4 KiB; every system shiftleft runs on allows far more
    environment = sum(_arg_bytes(f"{k}={v}") for k, v in os.environ.items()) + 4096  # plus HOME and the others
    return max(4096, (most - environment) // 2)


def batches(fixed: Sequence[str], files: Sequence[str], limit: int) -> list[list[str]]:
    """`files` in order, split so that `fixed` plus each batch takes at most `limit` bytes of command line.

    A file whose name alone is over the limit gets a batch of its own (the system may still refuse it: a
    failure, not a silent skip).
    """
    base = sum(map(_arg_bytes, fixed))
    out: list[list[str]] = []
    batch: list[str] = []
    size = base
    for path in files:
        cost = _arg_bytes(path)
        if batch and size + cost > limit:
            out.append(batch)
            batch, size = [], base
        batch.append(path)
        size += cost
    if batch:
        out.append(batch)
    return out


def _arg_bytes(arg: str) -> int:
    """What one argument costs of ARG_MAX: its bytes, the terminating NUL and the pointer to it."""
    return len(os.fsencode(arg)) + 1 + 8
