"""Evidence budget (DESIGN.md section 9): shiftleft with evidence against checkov and bandit run directly.

On examples/shop (26 infrastructure files, 22 Python files), times:

- direct: checkov and bandit run one after the other on the same files with
  the same arguments shiftleft uses (the cost a user pays without shiftleft);
- cold: `shiftleft check examples/shop --evidence` with an empty evidence
  cache (every `evidence-*.json` entry removed first, and checked to be
  written again by the run; the rule catalog cache stays warm: it is not
  evidence);
- warm: the same with nothing changed (no scanner starts);
- off: the same with `--no-evidence` (the manifest checks alone).

Budgets: cold within 1.15x of direct, warm under 5% of direct.

Fair byte code: every command runs with byte-code writing on (a
PYTHONDONTWRITEBYTECODE in the caller's environment is dropped) after one
untimed run of each, so checkov, bandit and shiftleft all start from compiled
modules, as installed tools do (pip compiles what it installs; an editable
shiftleft otherwise recompiles its own modules on every run). The order of
direct and cold alternates between rounds.

    .venv/bin/python benchmarks/evidence.py --repeat 3
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

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


CPU: dict[str, list[float]] = {}
"""CPU seconds (user + system, the command and its children) per row, beside the wall times."""


def _time(argv: list[str], env: dict[str, str], cwd: Path, row: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if row:
        CPU.setdefault(row, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


WARM_SAMPLES = 5
"""Warm and --no-evidence runs per round (interleaved)."""


def _uncompiled(folder: Path) -> int:
    """Modules under `folder` without a current byte-code file."""
    import importlib.util

    missing = 0
    for source in folder.rglob("*.py"):
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.exists() or cached.stat().st_mtime < source.stat().st_mtime:
            missing += 1
    return missing


def _evidence_entries(cache: Path) -> list[Path]:
    return sorted((cache / "shiftleft").glob("evidence-*.json"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results-evidence.md"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from shiftleft import evidence
    from shiftleft.evidence import bandit, checkov, policies
    from shiftleft.pipeline import run
    from shiftleft.setup import load_config

    del load_config
    cache = Path(tempfile.mkdtemp(prefix="shiftleft-bench-cache-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # The same files and checks shiftleft gives the scanners, read from a run with evidence on.
    import datetime as dt

    os.environ["XDG_CACHE_HOME"] = str(cache)
    captured: list[object] = []
    original = evidence.scan_all

    def spy(subjects: object, timeout: float, quiet: bool = False) -> object:
        captured.append(subjects)
        return original(subjects, timeout, quiet)  # type: ignore[arg-type]

    evidence.scan_all = spy  # type: ignore[assignment]
    run(["examples/shop"], config_file=None, fail_on=None, now=dt.datetime.now(dt.UTC), cwd=ROOT, evidence=True,
        quiet=True)  # fmt: skip
    subjects = captured[0]
    infra = sorted({f for s in subjects for f in s.infrastructure})  # type: ignore[attr-defined]
    code = sorted({f for s in subjects for f in s.code})  # type: ignore[attr-defined]
    claims = [c for s in subjects for c in s.claims]  # type: ignore[attr-defined]
    checks = sorted({c for claim in claims for c in claim.spec.checks})
    wanted = {(c.spec.policy, c.value) for c in claims if c.spec.policy}
    policy_dir = tempfile.mkdtemp(prefix="shiftleft-bench-policies-")
    checks += policies.write(policy_dir, wanted)
    ini = Path(policy_dir) / "bandit.ini"
    ini.write_text("[bandit]\n", encoding="utf-8")
    home = Path(tempfile.mkdtemp(prefix="shiftleft-bench-home-"))
    direct_env = {**env, "HOME": str(home)}
    checkov_argv = checkov.argv(str(BIN / "checkov"), infra, checks, policy_dir)
    bandit_argv = bandit.argv(str(BIN / "bandit"), code, str(ini))
    shiftleft = [str(BIN / "shiftleft"), "check", "examples/shop", "--now", "2026-11-25", "-q"]
    # One untimed run of each: byte code written for every module each command imports.
    for argv, cwd, environment in (
        (checkov_argv, home, direct_env),
        (bandit_argv, home, direct_env),
        ([*shiftleft, "--evidence"], ROOT, env),
        ([*shiftleft, "--no-evidence"], ROOT, env),
    ):
        _time(argv, environment, cwd)
    import bandit as bandit_pkg
    import checkov as checkov_pkg

    import shiftleft as shiftleft_pkg

    packages = (("shiftleft", shiftleft_pkg), ("checkov", checkov_pkg), ("bandit", bandit_pkg))
    uncompiled = {name: _uncompiled(Path(str(pkg.__file__)).parent) for name, pkg in packages}
    rows: dict[str, list[float]] = {"checkov": [], "bandit": [], "direct": [], "cold": [], "warm": [], "off": []}
    loads: list[str] = []
    for n in range(args.repeat):
        print(f"round {n + 1}/{args.repeat}", file=sys.stderr)
        loads.append(", ".join(f"{x:.2f}" for x in os.getloadavg()))

        def direct() -> None:
            c = _time(checkov_argv, direct_env, home, "checkov")
            b = _time(bandit_argv, direct_env, home, "bandit")
            CPU.setdefault("direct", []).append(CPU["checkov"][-1] + CPU["bandit"][-1])
            rows["checkov"].append(c)
            rows["bandit"].append(b)
            rows["direct"].append(c + b)

        def cold() -> None:
            for entry in _evidence_entries(cache):
                entry.unlink()
            assert not _evidence_entries(cache), "the cold run must start without evidence entries"
            rows["cold"].append(_time([*shiftleft, "--evidence"], env, ROOT, "cold"))
            assert len(_evidence_entries(cache)) == 2, "the cold run scans and caches both scanners' results"

        for step in (direct, cold) if n % 2 == 0 else (cold, direct):
            step()
        for _ in range(WARM_SAMPLES):  # cheap runs, sampled more often: one sample is at the mercy of the load
            rows["warm"].append(_time([*shiftleft, "--evidence"], env, ROOT, "warm"))
            rows["off"].append(_time([*shiftleft, "--no-evidence"], env, ROOT, "off"))
    med = {k: statistics.median(v) for k, v in rows.items()}
    cpu = {k: statistics.median(v) for k, v in CPU.items()}
    direct = med["direct"]
    cold_ok = "PASS" if med["cold"] <= 1.15 * direct else "FAIL"
    warm_ok = "PASS" if med["warm"] < 0.05 * direct else "FAIL"
    lines = [
        "# Evidence benchmark",
        "",
        f"examples/shop: {len(infra)} infrastructure files, {len(code)} Python files, {len(checks)} checkov checks; "
        f"median of {args.repeat} rounds ({args.repeat * WARM_SAMPLES} samples for warm and --no-evidence), "
        f"{os.cpu_count()} CPUs (shared); load average (1, 5, 15 min) at the start of each round: "
        f"{'; '.join(loads)}. Modules without byte code after the untimed runs (those no command imports): "
        + ", ".join(f"{k} {v}" for k, v in uncompiled.items())
        + ". CPU: user + system seconds of the command and its children (what the load does not inflate).",
        "",
        "| run | wall s | vs direct | CPU s | budget (wall) |",
        "|---|---:|---:|---:|---|",
        f"| checkov alone (same files and arguments) | {med['checkov']:.2f} | | {cpu['checkov']:.2f} | |",
        f"| bandit alone (same files and arguments) | {med['bandit']:.2f} | | {cpu['bandit']:.2f} | |",
        f"| direct: checkov then bandit | {direct:.2f} | 1.00× | {cpu['direct']:.2f} | |",
        f"| shiftleft --evidence, cold | {med['cold']:.2f} | {med['cold'] / direct:.2f}× | {cpu['cold']:.2f} | "
        f"≤ 1.15× {cold_ok} |",
        f"| shiftleft --evidence, warm (nothing changed) | {med['warm']:.2f} | {100 * med['warm'] / direct:.1f}% | "
        f"{cpu['warm']:.2f} | < 5% {warm_ok} |",
        f"| shiftleft --no-evidence | {med['off']:.2f} | {100 * med['off'] / direct:.1f}% | {cpu['off']:.2f} | |",
        "",
        "Command: `.venv/bin/python benchmarks/evidence.py --repeat " + str(args.repeat) + "`",
        "",
    ]
    text = "\n".join(lines)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
