"""Write the cost attacks of issue 9 as small repositories, and time them.

    python benchmarks/attacks.py list
    python benchmarks/attacks.py write NAME OUTDIR [--size N]
    python benchmarks/attacks.py run [NAME ...] [--repeat N] [--timeout 600] [--shiftleft CMD]

Each attack is a repository a pull request could write: manifests plus, for
the rule attacks, an organisation rule folder named in `.shiftleft.toml`.
`run` writes each into a temporary folder, runs `shiftleft check . --now
2026-11-25 -q --format text` in it (`--repeat` times, interleaved) and
prints wall time (median and best), peak RSS and exit code, and the ring's
time over the same services without edges. The test suite (tests/e2e/test_cost_attacks.py) writes the same
repositories and runs them under a time limit and an address-space limit.

| name | what it does |
|---|---|
| jinja-range | a rule message with two nested `range(100000)` loops |
| jinja-repeat | a rule message `{{ metadata.name * 200000000 }}` |
| cel-map | a rule that maps over a list, concatenating a 512 KiB description each time |
| deps-N | one manifest with N dependencies (default 9,000) |
| dense-N | N services (default 400) that each depend on all others |
| ring-N | N services (default 20,000) in one dependency ring |
| flat-N | the same N services without dependencies (the ring's baseline) |
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

RULE = """\
id: ACME901
name: {name}
severity: high
category: people
summary: cost attack
rationale: a pull request may edit organisation rules
remediation: none
assert: {check}
location: metadata.name
message: {message}
"""
CONFIG = 'rules = ["org-rules"]\n'


def _manifest(name: str, deps: list[str] | None = None, description: str | None = None) -> str:
    lines = ["apiVersion: shiftleft/v1", "kind: Service", "metadata:", f"  name: {name}", f"  owner: team-{name}"]
    if description is not None:
        lines.append(f"  description: {description}")
    lines += ["spec:", "  tier: 3"]
    if deps:
        lines.append("  dependencies:")
        lines += [f"    - {{service: {d}}}" for d in deps]
    return "\n".join(lines) + "\n"


def _put(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _rule_repo(root: Path, name: str, check: str, message: str, description: str | None = None) -> None:
    _put(root, ".shiftleft.toml", CONFIG)
    _put(root, f"org-rules/ACME901-{name}.yaml", RULE.format(name=name, check=check, message=message))
    _put(root, "svc/shiftleft.yaml", _manifest("victim", description=description))


def jinja_range(root: Path, size: int) -> None:
    loops = f"{{% for a in range({size}) %}}{{% for b in range({size}) %}}x{{% endfor %}}{{% endfor %}}"
    _rule_repo(root, "jinja-range", "'false == true'", f"'{loops}'")


def jinja_repeat(root: Path, size: int) -> None:
    _rule_repo(root, "jinja-repeat", "'false == true'", f"'{{{{ metadata.name * {size} }}}}'")


def cel_map(root: Path, size: int) -> None:
    items = ", ".join(str(i) for i in range(size))
    check = f"'[{items}].map(i, [{items}].map(j, metadata.description + metadata.description)).size() == 0'"
    _rule_repo(root, "cel-map", check, "'never shown'", description="x" * (512 * 1024))


def deps(root: Path, size: int) -> None:
    _put(root, "svc/shiftleft.yaml", _manifest("hub", [f"missing-{i}" for i in range(size)]))


def dense(root: Path, size: int) -> None:
    names = [f"s{i}" for i in range(size)]
    for name in names:
        _put(root, f"{name}/shiftleft.yaml", _manifest(name, [d for d in names if d != name]))


def ring(root: Path, size: int) -> None:
    for i in range(size):
        _put(root, f"s{i}/shiftleft.yaml", _manifest(f"s{i}", [f"s{(i + 1) % size}"]))


def flat(root: Path, size: int) -> None:
    for i in range(size):
        _put(root, f"s{i}/shiftleft.yaml", _manifest(f"s{i}"))


ATTACKS: dict[str, tuple[Callable[[Path, int], None], int]] = {
    "jinja-range": (jinja_range, 100_000),
    "jinja-repeat": (jinja_repeat, 200_000_000),
    "cel-map": (cel_map, 40),
    "deps": (deps, 9_000),
    "dense": (dense, 400),
    "ring": (ring, 20_000),
    "flat": (flat, 20_000),
}


def write(name: str, root: Path, size: int | None = None) -> None:
    """Write attack `name` (`dense-800` picks the size) into `root`."""
    base, _, suffix = name.partition("-")
    if name not in ATTACKS and base in ATTACKS and suffix.isdigit():
        name, size = base, int(suffix)
    make, default = ATTACKS[name]
    root.mkdir(parents=True, exist_ok=True)
    make(root, default if size is None else size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list")
    w = sub.add_parser("write")
    w.add_argument("name")
    w.add_argument("outdir", type=Path)
    w.add_argument("--size", type=int)
    r = sub.add_parser("run")
    r.add_argument("names", nargs="*", default=["jinja-range", "jinja-repeat", "cel-map", "deps-9000",
                                                  "dense-400", "dense-800", "ring-20000", "flat-20000"])
    r.add_argument("--timeout", type=float, default=600)
    r.add_argument("--repeat", type=int, default=1, help="timed runs per attack, interleaved (default 1)")
    r.add_argument("--shiftleft", default=None, help="command prefix (default: the console script of this venv)")
    args = parser.parse_args(argv)
    if args.command == "list":
        print("\n".join(ATTACKS))
        return 0
    if args.command == "write":
        write(args.name, args.outdir, args.size)
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import run_once  # the benchmark runner's wall time and wait4 peak RSS

    cmd = shlex.split(args.shiftleft) if args.shiftleft else [str(Path(sys.executable).parent / "shiftleft")]
    env = dict(os.environ, NO_COLOR="1")
    samples: dict[str, list[tuple[float, float, str, float]]] = {name: [] for name in args.names}
    with tempfile.TemporaryDirectory(prefix="shiftleft-attack-") as tmp:
        for name in args.names:
            write(name, Path(tmp) / name)
        for _ in range(args.repeat):  # interleaved, so load on a shared machine hits every attack alike
            for name in args.names:
                sample = run_once([*cmd, "check", ".", "--now", "2026-11-25", "-q", "--format", "text"],
                                  Path(tmp) / name, env, args.timeout)
                code = "timeout" if sample.returncode == -999 else str(sample.returncode)
                tail = (sample.stderr.strip().splitlines() or [""])[-1][:100].replace("|", "\\|")
                samples[name].append((sample.wall, sample.maxrss_kib / 1024, f"{code} | {tail}", sample.cpu))
                print(f"{name}: {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, {sample.maxrss_kib / 1024:.0f} MiB, "
                      f"exit {code}", file=sys.stderr)
    print("| attack | wall median (s) | wall best (s) | CPU best (s) | peak RSS (MiB) | exit | last line of stderr |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, runs in samples.items():
        walls = sorted(r[0] for r in runs)
        print(f"| {name} | {walls[len(walls) // 2]:.2f} | {walls[0]:.2f} | {min(r[3] for r in runs):.2f} | "
              f"{max(r[1] for r in runs):.0f} | {runs[-1][2]} |")
    for ring_name in [n for n in samples if n.startswith("ring-")]:
        flat_name = "flat-" + ring_name.split("-", 1)[1]
        if flat_name in samples:
            wall = min(r[0] for r in samples[ring_name]) / min(r[0] for r in samples[flat_name])
            cpu = min(r[3] for r in samples[ring_name]) / min(r[3] for r in samples[flat_name])
            print(f"\n{ring_name} ÷ {flat_name}: {wall:.2f}x wall, {cpu:.2f}x CPU (budget: at most 1.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
