"""Time the pre-commit hook in a committed git repository (facts cache cold and warm) and a sharded
run plus `shiftleft merge` against a single run.

    python benchmarks/scale.py [--services 1000] [--repeat 7] [--shards 4] [--keep DIR]

Standard library only; runs the shiftleft next to `sys.executable`. The
corpus comes from generate.py (seed 1), is committed to a fresh git
repository, then one manifest is edited (its description): the hook is
`shiftleft check --changed <that manifest>`, as pre-commit calls it.

- hook, cold: the facts cache emptied before each run (the rule cache warm);
- hook, warm: the cache filled by the previous run (the usual case);
- hook, no cache: `SHIFTLEFT_NO_CACHE=1` (rule cache off too).
- single: `check . --format json=...`; shards: `check . --shard K/N --format
  json=...` one after the other (a CI matrix runs them side by side, so the
  wall time of the matrix is the slowest shard's), then `merge`, whose JSON
  must equal the single run's byte for byte.

Bytecode is compiled first and PYTHONDONTWRITEBYTECODE is dropped, as on a
developer's machine. Prints Markdown; exits 1 when the hook's warm median is
over the 0.3 s budget (DESIGN.md section 9) or the merge differs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
NOW = "2026-11-25"
BUDGET = 0.3


CPU: list[float] = []
"""CPU seconds (user + system) of each `timed` command, in order: less sensitive to a busy machine than wall time."""


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall, done.returncode


def prepare(services: int, work: Path) -> tuple[Path, dict[str, str], str]:
    """The corpus committed to a fresh git repository with one manifest edited: (repo, env, changed file)."""
    python = sys.executable
    subprocess.run([python, "-m", "compileall", "-q", str(HERE.parent / "shiftleft")], check=True)
    repo, cache_home = work / "repo", work / "xdg"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.rmtree(cache_home, ignore_errors=True)
    subprocess.run([python, str(HERE / "generate.py"), str(services), str(repo), "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "corpus"]):
        subprocess.run([*git, *step], cwd=repo, check=True)
    changed = f"svc-{services // 2:05d}/shiftleft.yaml"
    text = (repo / changed).read_text(encoding="utf-8")
    (repo / changed).write_text(text.replace("  description: ", "  description: Edited. ", 1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"XDG_CACHE_HOME": str(cache_home / "cache"), "XDG_STATE_HOME": str(cache_home / "state")}
    return repo, env, changed


def hooks(repo: Path, env: dict[str, str], changed: str, repeat: int) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and CPU seconds of the hook, facts cache warm, cold and off (`repeat` runs each, after one untimed)."""
    hook = [sys.executable, "-m", "shiftleft", "check", "--changed", changed, "--now", NOW, "-q"]
    packs = Path(env["XDG_CACHE_HOME"]) / "shiftleft"

    def series(label: str, extra_env: dict[str, str], cold: bool = False) -> tuple[list[float], list[float]]:
        times, cpu = [], []
        timed(hook, repo, env | extra_env)  # fills the rule cache (and the facts cache when on)
        for _ in range(repeat):
            if cold:  # the facts cache only: the rule cache stays warm, as after any earlier run
                for pack in packs.glob("facts-*"):
                    pack.unlink()
            seconds, _code = timed(hook, repo, env | extra_env)
            times.append(seconds)
            cpu.append(CPU[-1])
        print(f"{label}: {' '.join(f'{t:.3f}' for t in times)}", file=sys.stderr)
        return times, cpu

    return {
        "warm": series("hook warm", {}),
        "cold": series("hook cold", {}, cold=True),
        "off": series("hook no cache", {"SHIFTLEFT_NO_CACHE": "1"}),
    }


class Sharded(NamedTuple):
    single: tuple[float, float, int]
    """Wall, CPU and exit code of `check .`."""
    shards: list[tuple[float, float]]
    """Wall and CPU of each `check . --shard K/N`."""
    merge: tuple[float, float, int]
    same: bool
    """The merged JSON is the single run's, byte for byte."""


def sharded(repo: Path, env: dict[str, str], count: int, out: Path) -> Sharded:
    """One `check .`, then every shard one after the other, then `merge` of their JSON reports."""
    shiftleft = [sys.executable, "-m", "shiftleft"]
    out.mkdir(parents=True, exist_ok=True)
    wall, code = timed([*shiftleft, "check", ".", "--now", NOW, "-q", "--format", f"json={out / 'single.json'}"],
                       repo, env)  # fmt: skip
    single = (wall, CPU[-1], code)
    parts, reports = [], []
    for k in range(1, count + 1):
        report = out / f"shard-{k}.json"
        wall, _code = timed([*shiftleft, "check", ".", "--now", NOW, "-q", "--shard", f"{k}/{count}",
                             "--format", f"json={report}"], repo, env)  # fmt: skip
        parts.append((wall, CPU[-1]))
        reports.append(str(report))
    wall, code = timed([*shiftleft, "merge", "-q", *reports, "--format", f"json={out / 'merged.json'}"], repo, env)
    same = (out / "single.json").read_bytes() == (out / "merged.json").read_bytes()
    return Sharded(single, parts, (wall, CPU[-1], code), same)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--keep", metavar="DIR", help="build the repository in DIR and keep it")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="shiftleft-scale-"))
    repo, env, changed = prepare(args.services, work)
    times = hooks(repo, env, changed, args.repeat)
    (warm, warm_cpu), (cold, cold_cpu), (bare, bare_cpu) = times["warm"], times["cold"], times["off"]
    run = sharded(repo, env, args.shards, work / "out")

    def med(xs: list[float]) -> str:
        return f"{statistics.median(xs):.3f}"

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    lines = [
        f"Corpus: {args.services} services (generate.py --seed 1), committed to git, one manifest edited "
        f"({changed}); {args.repeat} runs per row; load average at the end {load[0]:.1f} "
        f"(5 min: {load[1]:.1f}) on {os.cpu_count()} CPUs.",
        "",
        "| case | wall median (s) | wall min (s) | wall max (s) | CPU median (s) |",
        "|---|---|---|---|---|",
        f"| hook, facts cache warm | {med(warm)} | {min(warm):.3f} | {max(warm):.3f} | {med(warm_cpu)} |",
        f"| hook, facts cache cold | {med(cold)} | {min(cold):.3f} | {max(cold):.3f} | {med(cold_cpu)} |",
        f"| hook, no cache (`SHIFTLEFT_NO_CACHE=1`) | {med(bare)} | {min(bare):.3f} | {max(bare):.3f} "
        f"| {med(bare_cpu)} |",
        "",
        "| sharded run | wall (s) | CPU (s) |",
        "|---|---|---|",
        f"| single run, `check .` (exit {run.single[2]}) | {run.single[0]:.3f} | {run.single[1]:.3f} |",
        *(f"| shard {k}/{args.shards} | {t:.3f} | {c:.3f} |" for k, (t, c) in enumerate(run.shards, 1)),
        f"| merge of {args.shards} reports (exit {run.merge[2]}) | {run.merge[0]:.3f} | {run.merge[1]:.3f} |",
        f"| matrix wall time: slowest shard + merge | {max(t for t, _c in run.shards) + run.merge[0]:.3f} |",
        f"| merged JSON identical to the single run's | {'yes' if run.same else 'NO'} |",
        "",
        f"Hook budget {BUDGET} s (warm median): {'met' if statistics.median(warm) < BUDGET else 'MISSED'}.",
    ]
    print("\n".join(lines))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if run.same and statistics.median(warm) < BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
