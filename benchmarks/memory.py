"""Peak memory of `shiftleft check` on a large generated catalog, per output format.

    python benchmarks/memory.py [--services 10000] [--repeat 1] [--keep DIR]
                                [--shiftleft "python -m shiftleft"]

Writes the benchmark corpus (benchmarks/generate.py, seed 0), then runs
`shiftleft check . --now 2026-11-25 -q --format FORMAT=FILE` for each format
and once with json and sarif together, and reports each child's own peak
resident set size (os.wait4, as benchmarks/run.py measures it) against the
150 MiB budget of DESIGN.md section 9. Exit status 1 when a format misses the
budget, 2 when shiftleft fails (an exit status other than 0 or 1).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate

BUDGET_MIB = 150.0
CASES = {
    "text": ["text"],
    "json": ["json"],
    "sarif": ["sarif"],
    "junit": ["junit"],
    "github": ["github"],
    "json+sarif": ["json", "sarif"],
    "markdown": ["markdown"],
    "html": ["html"],
}
STREAMING = set(CASES)
"""Formats written as they are built: all of them (markdown and html since decision 0025)."""


def run(cmd: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MiB, exit status) of one child."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr is not None:
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
        if proc.returncode not in (0, 1):
            print(err[-2000:], file=sys.stderr)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it (reused when present)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of: {', '.join(CASES)}")
    parser.add_argument("--shiftleft", default=f"{shlex.quote(sys.executable)} -m shiftleft")
    args = parser.parse_args(argv)
    corpus = args.keep or Path(tempfile.mkdtemp(prefix="shiftleft-memory-"))
    if not (corpus / "svc-00001").is_dir():
        corpus.mkdir(parents=True, exist_ok=True)
        generate.generate(args.services, corpus, seed=0, fanout=3)
    out = Path(tempfile.mkdtemp(prefix="shiftleft-memory-out-"))
    prefix = shlex.split(args.shiftleft)
    print(f"corpus: {args.services:,} services in {corpus}; load average {os.getloadavg()[0]:.1f}")
    print("| formats | peak RSS (MiB) | wall (s) | CPU (s) | exit | budget |")
    print("|---|---:|---:|---:|---:|---|")
    worst = 0
    for case in args.cases.split(","):
        formats = CASES[case]
        cmd = [*prefix, "check", ".", "--now", "2026-11-25", "-q"]
        for name in formats:
            cmd += ["--format", f"{name}={out / name}"]
        samples = [run(cmd, corpus) for _ in range(args.repeat)]
        rss = max(s[2] for s in samples)
        code = samples[-1][3]
        verdict = ("PASS" if rss < BUDGET_MIB else "FAIL") if case in STREAMING else "not streamed"
        if code not in (0, 1):
            worst = 2
        elif verdict == "FAIL":
            worst = max(worst, 1)
        wall = statistics.median(s[0] for s in samples)
        cpu = statistics.median(s[1] for s in samples)
        print(f"| {case} | {rss:.1f} | {wall:.1f} | {cpu:.1f} | {code} | {verdict} |", flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
