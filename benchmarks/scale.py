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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--keep", metavar="DIR", help="build the repository in DIR and keep it")
    args = parser.parse_args(argv)
    python = sys.executable
    subprocess.run([python, "-m", "compileall", "-q", str(HERE.parent / "shiftleft")], check=True)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="shiftleft-scale-"))
    repo, cache_home = work / "repo", work / "xdg"
    shutil.rmtree(repo, ignore_errors=True)
    subprocess.run([python, str(HERE / "generate.py"), str(args.services), str(repo), "--seed", "1"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "corpus"]):
        subprocess.run([*git, *step], cwd=repo, check=True)
    changed = f"svc-{args.services // 2:05d}/shiftleft.yaml"
    text = (repo / changed).read_text(encoding="utf-8")
    (repo / changed).write_text(text.replace("  description: ", "  description: Edited. ", 1), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"XDG_CACHE_HOME": str(cache_home / "cache"), "XDG_STATE_HOME": str(cache_home / "state")}
    shiftleft = [python, "-m", "shiftleft"]
    hook = [*shiftleft, "check", "--changed", changed, "--now", NOW, "-q"]

    def series(label: str, extra_env: dict[str, str], before: str | None = None) -> tuple[list[float], list[float]]:
        times, cpu = [], []
        timed(hook, repo, env | extra_env)  # fills the rule cache (and the facts cache when on)
        for _ in range(args.repeat):
            if before == "cold":  # the facts cache only: the rule cache stays warm, as after any earlier run
                for pack in (cache_home / "cache" / "shiftleft").glob("facts-*"):
                    pack.unlink()
            seconds, _code = timed(hook, repo, env | extra_env)
            times.append(seconds)
            cpu.append(CPU[-1])
        print(f"{label}: {' '.join(f'{t:.3f}' for t in times)}", file=sys.stderr)
        return times, cpu

    warm, warm_cpu = series("hook warm", {})
    cold, cold_cpu = series("hook cold", {}, before="cold")
    bare, bare_cpu = series("hook no cache", {"SHIFTLEFT_NO_CACHE": "1"})

    out = work / "out"
    out.mkdir(exist_ok=True)
    single, single_code = timed([*shiftleft, "check", ".", "--now", NOW, "-q", "--format",
                                 f"json={out / 'single.json'}"], repo, env)  # fmt: skip
    shard_times, reports = [], []
    for k in range(1, args.shards + 1):
        report = out / f"shard-{k}.json"
        seconds, _code = timed([*shiftleft, "check", ".", "--now", NOW, "-q", "--shard", f"{k}/{args.shards}",
                                "--format", f"json={report}"], repo, env)  # fmt: skip
        shard_times.append(seconds)
        reports.append(str(report))
    merge, merge_code = timed([*shiftleft, "merge", "-q", *reports, "--format", f"json={out / 'merged.json'}"],
                              repo, env)  # fmt: skip
    same = (out / "single.json").read_bytes() == (out / "merged.json").read_bytes()

    def med(xs: list[float]) -> str:
        return f"{statistics.median(xs):.3f}"

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"Corpus: {args.services} services (generate.py --seed 1), committed to git, one manifest edited "
        f"({changed}); {args.repeat} runs per row; load average at the end {load:.1f} on {os.cpu_count()} CPUs.",
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
        f"| single run, `check .` (exit {single_code}) | {single:.3f} | {CPU[-args.shards - 2]:.3f} |",
        *(
            f"| shard {k}/{args.shards} | {t:.3f} | {CPU[-args.shards - 2 + k]:.3f} |"
            for k, t in enumerate(shard_times, 1)
        ),
        f"| merge of {args.shards} reports (exit {merge_code}) | {merge:.3f} | {CPU[-1]:.3f} |",
        f"| matrix wall time: slowest shard + merge | {max(shard_times) + merge:.3f} |",
        f"| merged JSON identical to the single run's | {'yes' if same else 'NO'} |",
        "",
        f"Hook budget {BUDGET} s (warm median): {'met' if statistics.median(warm) < BUDGET else 'MISSED'}.",
    ]
    print("\n".join(lines))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if same and statistics.median(warm) < BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
