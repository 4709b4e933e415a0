"""Time shiftleft against check-jsonschema, a bare YAML-parse floor and every budget of DESIGN.md section 9.

    python benchmarks/run.py [--sizes 1,1000,10000] [--repeat 3] [--cases parse,hook,dense,ring,shard]
                             [--quick] [--out benchmarks/results.md] [--hook]

Cases (`--cases`, default all of them):

  parse  the corpora of `--sizes` (below): 1 and 1,000 services at most half of check-jsonschema, 1,000
         within 2x the floor, 10,000 within 10x the 1,000 time and under 150 MiB
  hook   `check --changed` on one edited manifest of a committed 1,000-service git repository, facts
         cache warm (under 0.3 s median), beside the cold and no-cache runs (benchmarks/scale.py)
  dense  400 services that each depend on all others (under 20 s; benchmarks/attacks.py)
  ring   a 20,000-service dependency ring within 1.5x the same services without edges
  shard  `check --shard K/4` for every K plus `merge`: the merged JSON must be the single run's

`--quick` is a partial run for a development loop: one timed run per case, sizes 1,000 and 10,000
without check-jsonschema, three hook runs.

For each N the synthetic corpus (benchmarks/generate.py) is written once,
then three commands run side by side, interleaved, `--repeat` times each
after `--warmup` untimed runs:

  check-jsonschema  check-jsonschema --schemafile <shipped schema> <files>
  floor             python -c '<read every file, yaml.load(CSafeLoader)>' <file list>
  shiftleft         shiftleft check . --now 2026-11-25 --format text -q

With `--hook` (or benchmarks/hook.py) shiftleft gets one manifest path, the
pre-commit case, and the other two get that same single file.

The results are printed and written as Markdown, with the budgets of
DESIGN.md section 9 judged PASS or FAIL in one table. Exit status: 1 when a
budget is missed, 2 when a tool misbehaves (check-jsonschema rejects the
corpus, or shiftleft exits with 2 or 3, crashes or times out), else 0.
Budgets are benchmarks, not tests: nothing in tests/ runs this. See
benchmarks/README.md for the method.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import attacks
import generate
import scale

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCHEMA = REPO / "shiftleft" / "schema" / "manifest.schema.json"
BIN = Path(sys.executable).parent

CJS, FLOOR, SHIFTLEFT = "check-jsonschema", "floor", "shiftleft"
TOOLS = (CJS, FLOOR, SHIFTLEFT)

# Budgets, DESIGN.md section 9 (and section 1 for the hook).
MAX_VS_CJS = 0.5
TARGET_VS_FLOOR = 2.0
MAX_SCALING_10X = 10.0
MAX_RSS_MIB = 150.0
HOOK_MAX_WALL_S = 1.0
HOOK_BUDGET_S = 0.3
DENSE_MAX_S = 20.0
RING_MAX_RATIO = 1.5
CASES = ("parse", "hook", "dense", "ring", "shard")


@dataclass(frozen=True)
class Budget:
    """One row of the budget table of a case other than `parse`."""

    name: str
    measured: str
    limit: str
    ok: bool | None
    """None: not measured (a tool failed)."""

# The floor: a bare interpreter that reads and parses the same files with
# PyYAML's C loader and does nothing else.
FLOOR_CODE = """\
import sys, yaml
with open(sys.argv[1], encoding="utf-8") as fh:
    paths = fh.read().splitlines()
for path in paths:
    with open(path, encoding="utf-8") as fh:
        yaml.load(fh.read(), Loader=yaml.CSafeLoader)
"""


@dataclass(frozen=True)
class Sample:
    """One timed run of one command (or of all chunks of it)."""

    wall: float
    """Seconds from just before fork/exec to the child being reaped (summed over chunks)."""
    maxrss_kib: int
    """Peak resident set size of the child, KiB (max over chunks)."""
    returncode: int
    """Exit status; negative for a signal, -999 for a timeout."""
    stderr: str
    """Tail of the child's stderr, for error reports."""
    cpu: float = 0.0
    """User plus system CPU seconds of the child (steadier than wall time on a loaded machine)."""


@dataclass
class Series:
    """All timed samples of one tool at one N."""

    tool: str
    commands: list[list[str]]
    """One command, or several when the argument list had to be chunked."""
    samples: list[Sample] = field(default_factory=list)
    error: str = ""
    """Set when the tool is unavailable ("n/a ...") or misbehaved ("FAILED ...")."""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.samples)

    @property
    def best(self) -> float:
        return min(s.wall for s in self.samples)

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def rss_mib(self) -> float:
        return max(s.maxrss_kib for s in self.samples) / 1024


def run_once(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Sample:
    """Run cmd once; return its wall time and its own peak RSS.

    Peak memory comes from os.wait4(pid): the kernel hands back the rusage
    of exactly the child being reaped (on Linux its ru_maxrss is the peak of
    that process and of any descendants it waited for). That is why we do
    not use resource.getrusage(RUSAGE_CHILDREN): its ru_maxrss is a running
    maximum over every child this process ever reaped, so after a 120 MiB
    check-jsonschema run a 30 MiB shiftleft run would still read 120 MiB and
    deltas are meaningless. wait4 needs no wrapper process and no
    /usr/bin/time (GNU `-f %M` does the same wait4 internally but is not on
    every system). A tool that fans out to a process pool would be reported
    as its largest single process, not the sum.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
    maxrss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
    code = -999 if timed_out.is_set() else proc.returncode
    return Sample(wall, maxrss, code, tail, usage.ru_utime + usage.ru_stime)


def run_series_once(series: Series, cwd: Path, env: dict[str, str], timeout: float) -> Sample:
    """Run every chunk of a series once; sum wall, max RSS, first bad exit code."""
    parts = [run_once(cmd, cwd, env, timeout) for cmd in series.commands]
    bad = [p for p in parts if p.returncode != 0]
    first = bad[0] if bad else parts[-1]
    return Sample(sum(p.wall for p in parts), max(p.maxrss_kib for p in parts),
                  first.returncode, first.stderr)


def chunk_args(prefix: list[str], files: list[str], env: dict[str, str]) -> list[list[str]]:
    """One command with all files, or several if the argument list would not fit."""
    def cost(arg: str) -> int:
        return len(os.fsencode(arg)) + 1 + 8  # bytes, NUL, argv pointer

    try:
        arg_max = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        arg_max = 128 * 1024
    budget = arg_max - sum(cost(k) + cost(v) for k, v in env.items()) - 64 * 1024
    budget -= sum(cost(a) for a in prefix)
    commands, current, used = [], [], 0
    for name in files:
        if current and used + cost(name) > budget:
            commands.append(prefix + current)
            current, used = [], 0
        current.append(name)
        used += cost(name)
    commands.append(prefix + current)
    return commands


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return f"unavailable ({exc})"
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.returncode == 0 else "?"


def find_shiftleft(override: str | None, env: dict[str, str]) -> tuple[list[str] | None, dict[str, str], str]:
    """Return (command prefix or None, environment to run it in, description).

    `python -m shiftleft --help` must exit 0, first as installed in this venv,
    then from the source tree (PYTHONPATH=<repo>). If neither works the
    shiftleft column is reported as n/a with the reason.
    """
    if override:
        return shlex.split(override), env, f"`{override}` (--shiftleft)"
    with_src = dict(env, PYTHONPATH=str(REPO))
    reason = ""
    for cand_env, how in ((env, "installed in this venv"), (with_src, f"source tree, PYTHONPATH={REPO}")):
        try:
            out = subprocess.run([sys.executable, "-m", "shiftleft", "--help"], cwd=tempfile.gettempdir(),
                                 env=cand_env, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            reason = reason or "`python -m shiftleft --help` timed out"
            continue
        if out.returncode == 0:
            script = BIN / "shiftleft"
            origin = subprocess.run([sys.executable, "-c", "import shiftleft; print(shiftleft.__file__)"],
                                    cwd=tempfile.gettempdir(), env=cand_env, capture_output=True,
                                    text=True).stdout.strip()
            if cand_env is env and script.exists():
                return [str(script)], cand_env, f"console script {script} ({origin})"
            return [sys.executable, "-m", "shiftleft"], cand_env, f"python -m shiftleft, {how} ({origin})"
        last = (out.stderr.strip().splitlines() or [f"exit {out.returncode}"])[-1]
        if cand_env is with_src or not reason:
            reason = last
    return None, env, f"n/a: `python -m shiftleft --help` fails ({reason})"


def plural(n: int) -> str:
    return f"{n:,} service" + ("" if n == 1 else "s")


def fmt_s(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.2f}"


def ratio(num: Series | None, den: Series | None) -> float | None:
    if num is None or den is None or not num.ok or not den.ok:
        return None
    return num.median / den.median


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help="comma-separated corpus sizes (default 1,1000,10000; 1 with --hook)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per tool first (default 1)")
    parser.add_argument("--out", type=Path, default=None,
                        help="Markdown output (default benchmarks/results.md, "
                             "benchmarks/results-hook.md with --hook)")
    parser.add_argument("--hook", action="store_true",
                        help="pre-commit path: shiftleft check <one manifest file>")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--fanout", type=int, default=3, help="dependencies per service (default 3)")
    parser.add_argument("--now", default="2026-11-25", help="passed to shiftleft --now")
    parser.add_argument("--shiftleft", default=None,
                        help="command prefix to run shiftleft (default: the console script "
                             "next to sys.executable, else python -m shiftleft)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to write corpora (default /dev/shm if writable, else $TMPDIR)")
    parser.add_argument("--git", action="store_true",
                        help="make each corpus a committed git repository first")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help=f"comma-separated subset of {','.join(TOOLS)} (default all three)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    parser.add_argument("--cases", default=",".join(CASES),
                        help=f"comma-separated subset of {','.join(CASES)} (default all; only parse with --hook)")
    parser.add_argument("--cjs-sizes", default="1,1000",
                        help="sizes at which check-jsonschema runs (default 1,1000: the budgets that compare with "
                             "it; 10,000 took about 90 s a run here)")
    parser.add_argument("--quick", action="store_true",
                        help="a partial run: one timed run per case, sizes 1000,10000, no check-jsonschema")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    cases = ["parse"] if args.hook else [c for c in args.cases.split(",") if c]
    if not cases or set(cases) - set(CASES):
        parser.error(f"--cases takes a subset of {','.join(CASES)}")
    if args.quick:
        given = " ".join(args.argv)
        args.repeat = args.repeat if "--repeat" in given else 1
        args.sizes = args.sizes or "1000,10000"
        args.tools = args.tools if "--tools" in given else f"{FLOOR},{SHIFTLEFT}"

    sizes = [int(s) for s in (args.sizes or ("1" if args.hook else "1,1000,10000")).split(",") if s]
    args.cjs_sizes = set(sizes) if args.hook else {int(s) for s in args.cjs_sizes.split(",") if s}
    if not sizes or min(sizes) < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("sizes must be >= 1, --repeat >= 1, --warmup >= 0")
    selected = [t for t in args.tools.split(",") if t]
    if not selected or set(selected) - set(TOOLS):
        parser.error(f"--tools takes a subset of {','.join(TOOLS)}")
    out_path = args.out or HERE / ("results-hook.md" if args.hook else "results.md")

    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let every tool use its cached bytecode
    env["NO_COLOR"] = "1"
    cjs_exe = BIN / "check-jsonschema"
    cjs = str(cjs_exe) if cjs_exe.exists() else shutil.which("check-jsonschema")
    shiftleft_cmd, shiftleft_env, shiftleft_how = find_shiftleft(args.shiftleft, env)
    print(f"shiftleft: {shiftleft_how}", file=sys.stderr)

    workroot = args.workdir
    if workroot is None:
        shm = Path("/dev/shm")
        workroot = shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())
    work = Path(tempfile.mkdtemp(prefix="shiftleft-bench-", dir=workroot))

    results: dict[int, dict[str, Series]] = {}
    corpus_info: dict[int, str] = {}
    broken: list[str] = []
    budgets: list[Budget] = []
    try:
        for n in sizes if "parse" in cases else []:
            corpus = work / f"corpus-{n}"
            corpus.mkdir()
            t0 = time.perf_counter()
            manifests = generate.generate(n, corpus, seed=args.seed, fanout=args.fanout)
            gen_s = time.perf_counter() - t0
            rel = [str(p.relative_to(corpus)) for p in manifests]
            size = sum(p.stat().st_size for p in manifests)
            lines = sum(p.read_bytes().count(b"\n") for p in manifests)
            if args.git:
                for git_args in (["init", "-q"], ["add", "-A"],
                                 ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
                                  "commit", "-q", "-m", "corpus"]):
                    subprocess.run(["git", *git_args], cwd=corpus, check=True)
            os.sync()  # no writeback of the corpus while we time
            checked = rel[:1] if args.hook else rel
            corpus_info[n] = (f"{plural(n)}, {lines / n:.0f} lines and {size / n / 1024:.1f} KiB "
                              f"per manifest, generated in {gen_s:.2f}s; "
                              f"{len(checked)} file(s) checked")
            print(f"N={n}: {corpus_info[n]}", file=sys.stderr)

            file_list = work / f"files-{n}.txt"
            file_list.write_text("\n".join(checked) + "\n", encoding="utf-8")
            series = {
                CJS: Series(CJS, chunk_args([cjs, "--schemafile", str(SCHEMA)], checked, env)
                            if cjs else []),
                FLOOR: Series(FLOOR, [[sys.executable, "-c", FLOOR_CODE, str(file_list)]]),
                SHIFTLEFT: Series(SHIFTLEFT, [[*shiftleft_cmd, "check",
                                               checked[0] if args.hook else ".",
                                               "--now", args.now, "--format", "text", "-q"]]
                                  if shiftleft_cmd else []),
            }
            if not cjs:
                series[CJS].error = "n/a: check-jsonschema not installed"
            elif n not in args.cjs_sizes:
                series[CJS].error = "not run (--cjs-sizes: no budget compares with it here)"
            if not shiftleft_cmd:
                series[SHIFTLEFT].error = "n/a (does not run yet)"
            for tool in TOOLS:
                if tool not in selected:
                    series[tool].error = "not run (--tools)"
            envs = {CJS: env, FLOOR: env, SHIFTLEFT: shiftleft_env}

            def accept(tool: str, sample: Sample) -> bool:
                """Check the exit code; record a loud failure and stop the tool if bad."""
                code = sample.returncode
                crashed = "Traceback (most recent call last)" in sample.stderr
                good = code in (0, 1) and not crashed if tool == SHIFTLEFT else code == 0
                if good:
                    return True
                what = "timed out" if code == -999 else f"exit {code}"
                if crashed:
                    what += ", uncaught exception"
                if tool == CJS and code == 1:
                    what = "exit 1: the generated corpus does NOT validate against the schema"
                series[tool].error = f"FAILED ({what})"
                msg = f"N={n} {tool}: {series[tool].error}"
                broken.append(msg)
                print(f"\n!!! {msg}\n{sample.stderr}\n", file=sys.stderr)
                return False

            for _ in range(args.warmup):
                for tool in TOOLS:
                    if series[tool].commands and not series[tool].error:
                        accept(tool, run_series_once(series[tool], corpus, envs[tool], args.timeout))
            for r in range(args.repeat):
                order = TOOLS[r % 3:] + TOOLS[:r % 3]  # rotate so no tool always runs first
                for tool in order:
                    s = series[tool]
                    if not s.commands or s.error:
                        continue
                    sample = run_series_once(s, corpus, envs[tool], args.timeout)
                    if accept(tool, sample):
                        s.samples.append(sample)
                        print(f"N={n} run {r + 1}/{args.repeat} {tool}: {sample.wall:.3f}s "
                              f"{sample.maxrss_kib / 1024:.1f} MiB exit {sample.returncode}",
                              file=sys.stderr)
            sl = series[SHIFTLEFT]
            if sl.ok and n > 1 and not args.hook and all(s.returncode == 0 for s in sl.samples):
                print(f"warning: N={n} shiftleft exited 0 on a corpus with deliberate "
                      "violations; did it check anything?", file=sys.stderr)
            results[n] = series
            if not args.keep:
                shutil.rmtree(corpus, ignore_errors=True)
        if "hook" in cases:
            budgets += hook_case(work / "hook", 3 if args.quick else max(args.repeat, 5))
        graph = [c for c in ("dense", "ring") if c in cases]
        if graph and shiftleft_cmd:
            budgets += graph_case(work / "graph", graph, shiftleft_cmd, shiftleft_env, args.repeat, args.timeout,
                                  broken)
        if "shard" in cases:
            budgets += shard_case(work / "shard")
    finally:
        if args.keep:
            print(f"corpora kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    report, failed = render(results, corpus_info, args, shiftleft_how, cjs, broken, budgets)
    print(report)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(report, encoding="utf-8")
    print(f"written to {out_path}", file=sys.stderr)
    return 2 if broken else 1 if failed else 0


def hook_case(work: Path, repeat: int) -> list[Budget]:
    """The pre-commit hook in a committed 1,000-service git repository (benchmarks/scale.py)."""
    repo, env, changed = scale.prepare(1000, work)
    times = scale.hooks(repo, env, changed, repeat)
    rows = []
    for key, label in (("warm", "facts cache warm"), ("cold", "facts cache cold"), ("off", "no cache")):
        walls, cpus = times[key]
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        measured = f"{wall:.3f} s (CPU {cpu:.3f} s, best {min(walls):.3f} s)"
        if key == "warm":
            rows.append(Budget(f"hook, 1,000-service git repository, {label}: wall median", measured,
                               f"< {HOOK_BUDGET_S:g} s", wall < HOOK_BUDGET_S))
        else:
            rows.append(Budget(f"hook, {label} (context)", measured, "", None))
    return rows


def graph_case(work: Path, cases: list[str], cmd: list[str], env: dict[str, str], repeat: int,
               timeout: float, broken: list[str]) -> list[Budget]:
    """dense-400 and ring-20000 beside flat-20000 (benchmarks/attacks.py), interleaved."""
    names = (["dense-400"] if "dense" in cases else []) + (["ring-20000", "flat-20000"] if "ring" in cases else [])
    walls: dict[str, list[float]] = {name: [] for name in names}
    rss: dict[str, float] = {name: 0.0 for name in names}
    for name in names:
        attacks.write(name, work / name)
    for _ in range(repeat):
        for name in names:
            sample = run_once([*cmd, "check", ".", "--now", "2026-11-25", "-q", "--format", "text"],
                              work / name, env, timeout)
            if sample.returncode not in (0, 1):
                broken.append(f"{name}: exit {sample.returncode}")
                print(f"\n!!! {name}: exit {sample.returncode}\n{sample.stderr}", file=sys.stderr)
                continue
            walls[name].append(sample.wall)
            rss[name] = max(rss[name], sample.maxrss_kib / 1024)
            print(f"{name}: {sample.wall:.2f} s, {sample.maxrss_kib / 1024:.0f} MiB", file=sys.stderr)
    rows = []

    def median(name: str) -> float | None:
        return statistics.median(walls[name]) if walls[name] else None

    if "dense" in cases:
        wall = median("dense-400")
        rows.append(Budget("400 services each depending on all others: wall median",
                           "n/a" if wall is None else f"{fmt_s(wall)} s ({rss['dense-400']:.0f} MiB)",
                           f"< {DENSE_MAX_S:g} s", None if wall is None else wall < DENSE_MAX_S))
    if "ring" in cases:
        ring, flat = median("ring-20000"), median("flat-20000")
        value = ring / flat if ring is not None and flat else None
        shown = "n/a" if value is None else f"{value:.2f}× ({fmt_s(ring or 0)} s ÷ {fmt_s(flat or 0)} s)"
        rows.append(Budget("20,000-service ring ÷ the same services without edges", shown,
                           f"≤ {RING_MAX_RATIO:g}×", None if value is None else value <= RING_MAX_RATIO))
    return rows


def shard_case(work: Path) -> list[Budget]:
    """`check --shard K/4` for every K plus `merge`, against one `check .` (benchmarks/scale.py)."""
    repo, env, _changed = scale.prepare(1000, work)
    run = scale.sharded(repo, env, 4, work / "out")
    matrix = max(t for t, _c in run.shards) + run.merge[0]
    measured = (f"{'identical' if run.same else 'DIFFERENT'}; single {run.single[0]:.2f} s, slowest shard + merge "
                f"{matrix:.2f} s")
    return [Budget("shards 1-4 of 1,000 services merged = the single run's JSON", measured, "identical", run.same)]


def render(results: dict[int, dict[str, Series]], corpus_info: dict[int, str],
           args: argparse.Namespace, shiftleft_how: str, cjs: str | None,
           broken: list[str], budgets: list[Budget]) -> tuple[str, bool]:
    """The Markdown report, and whether a budget was missed."""
    mode = "pre-commit hook (one manifest file)" if args.hook else "whole corpus (directory)"
    import yaml  # the venv's PyYAML, reported for the floor

    lines = [
        f"# shiftleft benchmarks: {mode}",
        "",
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- host: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"- check-jsonschema: {tool_version([cjs, '--version']) if cjs else 'not installed'}",
        f"- floor: PyYAML {yaml.__version__}, C loader {'yes' if yaml.__with_libyaml__ else 'NO'}",
        f"- shiftleft: {shiftleft_how}",
        f"- load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)",
        f"- runs: {args.warmup} untimed warm-up + {args.repeat} timed per tool, interleaved; "
        f"seed {args.seed}, fanout {args.fanout}, --now {args.now}"
        f"{', git repository' if args.git else ''}",
        "- command: `" + " ".join(["python", f"benchmarks/{'hook' if args.hook else 'run'}.py",
                                   *(shlex.quote(a) for a in args.argv if a != "--hook")]) + "`",
        "",
    ]
    for n, info in corpus_info.items():
        lines.append(f"- N={n}: {info}")
    if broken:
        lines += ["", "**Tool failures:**", ""] + [f"- {b}" for b in broken]
    lines += [
        "",
        "| N | tool | wall best (s) | wall median (s) | peak RSS (MiB) | exit | "
        "÷ check-jsonschema | ÷ floor |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ] if results else []
    for n, series in results.items():
        for tool in TOOLS:
            s = series[tool]
            if not s.ok:
                lines.append(f"| {n:,} | {tool} | {s.error or 'n/a'} | | | | | |")
                continue
            codes = ",".join(sorted({str(x.returncode) for x in s.samples}))
            chunks = f" ({len(s.commands)} chunks)" if len(s.commands) > 1 else ""
            vs_cjs = fmt_ratio(ratio(s, series[CJS])) if tool != CJS else "1×"
            vs_floor = fmt_ratio(ratio(s, series[FLOOR])) if tool != FLOOR else "1×"
            lines.append(f"| {n:,} | {tool}{chunks} | {fmt_s(s.best)} | {fmt_s(s.median)} | "
                         f"{s.rss_mib:.1f} | {codes} | {vs_cjs} | {vs_floor} |")

    lines += ["", "Ratios use median wall times." if results else "Case `parse` not run.", "",
              "## Budgets (DESIGN.md section 9)", "",
              "| budget | measured | limit | result |", "|---|---:|---:|---|"]

    def sl(n: int) -> Series | None:
        return results.get(n, {}).get(SHIFTLEFT)

    failed = any(series[SHIFTLEFT].error.startswith("FAILED") for series in results.values())

    missed: list[str] = []

    def verdict(value: float | None, limit: float, strict: bool = False) -> str:
        if value is None:
            return "FAIL (shiftleft failed)" if failed else "n/a"
        ok = value < limit if strict else value <= limit
        if not ok:
            missed.append("x")
        return "PASS" if ok else "FAIL"

    for n in results:
        if args.hook:
            r = ratio(sl(n), results[n][CJS])
            lines.append(f"| hook, corpus {n:,}: shiftleft ÷ check-jsonschema | {fmt_ratio(r)} | "
                         f"≤ {MAX_VS_CJS}× | {verdict(r, MAX_VS_CJS)} |")
            s = sl(n)
            wall = s.median if s and s.ok else None
            lines.append(f"| hook, corpus {n:,}: shiftleft wall (median, s) | "
                         f"{'n/a' if wall is None else fmt_s(wall)} | < {HOOK_MAX_WALL_S:g} s "
                         f"(section 1: well under a second) | {verdict(wall, HOOK_MAX_WALL_S, strict=True)} |")
        elif n in (1, 1000):
            r = ratio(sl(n), results[n][CJS])
            lines.append(f"| {plural(n)}: shiftleft ÷ check-jsonschema | {fmt_ratio(r)} | "
                         f"≤ {MAX_VS_CJS}× | {verdict(r, MAX_VS_CJS)} |")
        if n == 1000 and not args.hook:
            r = ratio(sl(n), results[n][FLOOR])
            lines.append(f"| 1,000 services: shiftleft ÷ floor (target) | {fmt_ratio(r)} | "
                         f"≤ {TARGET_VS_FLOOR}× | {verdict(r, TARGET_VS_FLOOR)} |")
    if not args.hook and 1000 in results and 10000 in results:
        r = ratio(sl(10000), sl(1000))
        lines.append(f"| 10,000 ÷ 1,000 services: shiftleft scaling | {fmt_ratio(r)} | "
                     f"≤ {MAX_SCALING_10X:g}× | {verdict(r, MAX_SCALING_10X)} |")
    for n in results:
        s = sl(n)
        rss = s.rss_mib if s and s.ok else None
        lines.append(f"| {f'hook, corpus {n:,}' if args.hook else plural(n)}: shiftleft peak RSS (MiB) | "
                     f"{'n/a' if rss is None else f'{rss:.1f}'} | < {MAX_RSS_MIB:g} | "
                     f"{verdict(rss, MAX_RSS_MIB, strict=True)} |")
    for b in budgets:
        if b.ok is False:
            missed.append(b.name)
        shown = "" if b.ok is None and not b.limit else "n/a" if b.ok is None else "PASS" if b.ok else "FAIL"
        lines.append(f"| {b.name} | {b.measured} | {b.limit} | {shown} |")
    for n in results:
        r = ratio(results[n][CJS], results[n][FLOOR])
        lines.append(f"| {plural(n)}: check-jsonschema ÷ floor (context, not a budget) | "
                     f"{fmt_ratio(r)} | | |")
    return "\n".join(lines) + "\n", bool(missed)


if __name__ == "__main__":
    raise SystemExit(main())
