"""Mutation testing of the core with mutmut, one module group at a time (tests/mutation/README.md).

    python scripts/mutation.py GROUP [--before] [--max-children N] [MUTANT_GLOB ...]

Copies the package, the catalog, the examples and the tests to a work folder outside the git work tree
(inside it, a `check` from the copy's root also sees the real examples/), writes the group's mutmut
configuration there, runs `mutmut run` under `nice -n 10` and prints the score of each module and its
surviving mutants. `--before` leaves out the tests that mutation testing added (tests/**/test_mutants_*.py),
which gives the score the suite had before them. Each group selects only the fast tests that exercise
it: the install-heavy, browser and timing tests add minutes per mutant.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GROUPS: dict[str, tuple[list[str], list[str]]] = {
    # group: (files to mutate, test files that exercise them)
    "paths": (
        ["shiftleft/paths.py"],
        ["tests/unit/test_mutants_paths.py", "tests/unit/test_paths.py", "tests/unit/test_config_confinement.py"],
    ),
    "graph": (
        ["shiftleft/graph/build.py", "shiftleft/graph/nodes.py", "shiftleft/graph/scc.py"],
        [
            "tests/unit/graph/test_mutants_graph.py",
            "tests/unit/graph/test_graph.py",
            "tests/unit/graph/test_graph_rules.py",
        ],
    ),
    "catalogfile": (
        ["shiftleft/graph/catalogfile.py"],
        [
            "tests/unit/graph/test_mutants_catalogfile.py",
            "tests/unit/graph/test_catalog_export.py",
            "tests/unit/graph/test_graph.py",
            "tests/unit/graph/test_graph_rules.py",
        ],
    ),
    "cel": (["shiftleft/policy/cel.py"], ["tests/unit/policy/test_mutants_policy.py", "tests/unit/test_engine.py"]),
    "tiers": (
        ["shiftleft/policy/tiers.py"],
        ["tests/unit/policy/test_mutants_policy.py", "tests/unit/test_config.py", "tests/unit/policy/test_catalog.py"],
    ),
    "manifest": (
        ["shiftleft/manifest/*"],
        [
            "tests/unit/manifest/test_*.py",  # the loader end to end (test_malformed.py) and test_mutants_*.py
            "tests/unit/test_engine.py",
            "tests/unit/test_docs_manifest.py",
            "tests/unit/test_adoption.py",  # durations written back (values.format_seconds)
            "tests/unit/policy/test_catalog_defects.py",  # fallbacks (values.placeholder, values.real_fallback)
        ],
    ),
    "engine": (
        ["shiftleft/engine.py", "shiftleft/rulerun.py"],
        [
            "tests/unit/test_mutants_engine.py",
            "tests/unit/test_mutants_rulerun.py",
            "tests/unit/test_engine.py",
            "tests/unit/graph/test_graph_rules.py",
            "tests/unit/policy/test_required.py",
        ],
    ),
    "governance": (
        ["shiftleft/governance/*"],
        [
            "tests/unit/governance/test_*.py",
            "tests/e2e/governance/test_*.py",  # `check --base` and the git reads in temporary repositories: about 12 s
        ],
    ),
    "evidence": (
        ["shiftleft/evidence/*"],
        [
            "tests/unit/evidence/test_*.py",
            "tests/e2e/evidence/test_mutants_process.py",  # the scanner process wrapper, with /bin/sh: about 2 s
            "tests/e2e/evidence/test_mapping.py",
            "tests/e2e/evidence/test_failures.py",
        ],
    ),
}

COPIED = ("shiftleft", "tests", "rules", "examples", "docs", "scripts")
TOP_FILES = ("README.md", ".pre-commit-hooks.yaml")
"""Files at the root the selected tests read (test_mapping.py reads the pre-commit hooks)."""
EQUIVALENT = ROOT / "tests" / "mutation" / "equivalent.md"
KILLED = {1, 3, 24, -24, 36, 152, 255, -9, -11}
"""mutmut's exit codes that count as killed: a test failed, pytest broke, a timeout or a crash (mutmut's stats.py)."""


def work_folder(group: str, before: bool) -> Path:
    folder = Path(tempfile.gettempdir()) / "shiftleft-mutation" / (group + ("-before" if before else ""))
    shutil.rmtree(folder, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", *(["test_mutants_*.py"] if before else []))
    for name in COPIED:
        shutil.copytree(ROOT / name, folder / name, ignore=ignore, symlinks=True)
    for name in TOP_FILES:
        shutil.copy2(ROOT / name, folder / name)
    mutate, tests = GROUPS[group]
    selection = sorted(str(p.relative_to(folder)) for pattern in tests for p in folder.glob(pattern))
    config = {
        "source_paths": ["shiftleft"],
        "only_mutate": mutate,
        "also_copy": ["rules", "examples", "docs", "scripts", *TOP_FILES],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q"],
        "pytest_add_cli_args_test_selection": selection,
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(text + "\n[tool.mutmut]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return folder


def scores(folder: Path) -> dict[str, tuple[int, int, int, list[str]]]:
    """Module -> (killed, checked, mutants, survivors) from mutmut's result files (unchecked: run with globs)."""
    out: dict[str, tuple[int, int, int, list[str]]] = {}
    for meta in sorted((folder / "mutants").rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        checked = {k: code for k, code in codes.items() if code is not None}
        if not checked:
            continue
        survivors = sorted(k for k, code in checked.items() if code not in KILLED)  # survived or not covered
        module = str(meta.relative_to(folder / "mutants"))[: -len(".meta")]
        out[module] = (len(checked) - len(survivors), len(checked), len(codes), survivors)
    return out


def listed(text: str) -> dict[str, set[str]]:
    """Module path -> the mutants (`x_f__mutmut_3`, without the module) equivalent.md lists as equivalent.

    A row's first cell names them in full, or by number (`_5`) after a full name of the same function. A number
    with no full name before it, or a heading that names no file of the package, is a ValueError: the file is
    written by hand and checked by the suite.
    """
    out: dict[str, set[str]] = {}
    module = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("## "):
            module = line[3:].split()[0]
            if not module.startswith("shiftleft/") or not (ROOT / module).is_file():
                raise ValueError(f"equivalent.md:{number}: heading names no module of the package: {module}")
            out.setdefault(module, set())
        elif module and line.startswith("| `"):
            prefix = None
            for token in re.findall(r"`([^`]+)`", line.split("|")[1]):
                if full := re.fullmatch(r"(x\S*__mutmut)_\d+", token):
                    prefix = full.group(1)
                    out[module].add(token)
                elif re.fullmatch(r"_\d+", token):
                    if prefix is None:
                        raise ValueError(f"equivalent.md:{number}: {token} follows no full mutant name")
                    out[module].add(prefix + token)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group", choices=sorted(GROUPS))
    parser.add_argument("--before", action="store_true", help="without tests/**/test_mutants_*.py")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("names", nargs="*", help="only these mutants (mutmut globs, e.g. 'shiftleft.graph.build*')")
    args = parser.parse_intermixed_args(argv)
    folder = work_folder(args.group, args.before)
    mutmut = Path(sys.executable).with_name("mutmut")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    command = ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(args.max_children), *args.names]
    with open(folder / "mutmut.log", "w", encoding="utf-8") as log:
        run = subprocess.run(command, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if run.returncode != 0:
        print(f"mutmut failed ({run.returncode}); see {folder / 'mutmut.log'}", file=sys.stderr)
        return 2
    equivalent = listed(EQUIVALENT.read_text(encoding="utf-8"))
    total_killed = total = total_open = 0
    for module, (killed, count, mutants, survivors) in scores(folder).items():
        total_killed, total = total_killed + killed, total + count
        unchecked = f", {mutants - count} of {mutants} not run" if count < mutants else ""
        known = equivalent.get(module, set())
        open_ = [name for name in survivors if name.rsplit(".", 1)[-1] not in known]
        total_open += len(open_)
        print(f"{module}: {killed}/{count} killed ({100 * killed / count:.1f}%){unchecked}; {len(open_)} open")
        for name in survivors:
            print(f"    survived: {name}" + ("" if name in open_ else " (listed as equivalent)"))
    print(f"{args.group}: {total_killed}/{total} killed, {total_open} open (neither killed nor listed in "
          f"tests/mutation/equivalent.md); inspect one with `cd {folder} && mutmut show NAME`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
