"""Two revisions of shiftleft side by side: the warm pre-commit hook and a one-service check.

    python benchmarks/ab.py REV_A REV_B [--runs 21] [--cases hook,one]

Each revision is exported with `git archive` (the package and the shipped rules) and run from
`PYTHONPATH` by this interpreter, with its own cache folder: two trees sharing one would overwrite
each other's compiled-program entries at every run and measure the recompiling. Runs alternate
between the revisions, after two untimed runs each, so a busy machine slows both alike. Prints the
median and best wall time and the median CPU time (user + system) of each.

Cases: `hook` is `check --changed` on one edited manifest of a committed 1,000-service git repository
(benchmarks/scale.py's, facts cache warm); `one` is `check .` on one generated service; `many` is `check .`
on 1,000 generated services (benchmarks/run.py's catalog, outside git).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate
import scale

HERE = Path(__file__).resolve().parent
NOW = "2026-11-25"


def export(rev: str, into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev, "shiftleft", "rules"], cwd=HERE.parent, check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revs", nargs=2, metavar="REV")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--cases", default="hook,one")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="shiftleft-ab-"))
    trees = {rev: export(rev, work / f"tree-{i}") for i, rev in enumerate(args.revs)}
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for case in args.cases.split(","):
        if case == "hook":
            cwd, env, changed = scale.prepare(1000, work / "hook")
            cmd = [sys.executable, "-m", "shiftleft", "check", "--changed", changed, "--now", NOW, "-q"]
        elif case in ("one", "many"):
            cwd, env = work / case, base
            generate.generate(1 if case == "one" else 1000, cwd, seed=0, fanout=3)
            cmd = [sys.executable, "-m", "shiftleft", "check", ".", "--now", NOW, "-q"]
        else:
            parser.error(f"unknown case {case!r}: hook, one or many")
        envs = {rev: env | {"PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(tree) + "-cache"}
                for rev, tree in trees.items()}  # fmt: skip
        for rev in trees:  # two untimed runs; a revision that cannot check (exit 2 or 3) is no measurement
            for _ in range(2):
                done = subprocess.run(cmd, cwd=cwd, env=envs[rev], capture_output=True, text=True, check=False)
            if done.returncode not in (0, 1):
                print(f"{rev}: exit {done.returncode}: {done.stderr.strip()[-500:]}", file=sys.stderr)
                return 2
        samples: dict[str, list[tuple[float, float]]] = {rev: [] for rev in trees}
        for _ in range(args.runs):
            for rev in trees:
                samples[rev].append(timed(cmd, cwd, envs[rev]))
        print(f"{case}: {args.runs} runs each, load average {os.getloadavg()[0]:.1f}")
        for rev, got in samples.items():
            walls, cpus = [w for w, _ in got], [c for _, c in got]
            print(f"  {rev}: wall median {statistics.median(walls):.3f} s, best {min(walls):.3f} s; "
                  f"CPU median {statistics.median(cpus):.3f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
