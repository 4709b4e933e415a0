"""The CI subset of mutation testing: critical one-line bugs must each fail their targeted tests.

Each mutant below is a bug that once passed the whole suite, or one whose escape would open a hole
(a path escape, a gate that passes what it should fail). The test copies the package, the catalog and
the tests to a temporary folder, applies one mutant at a time and runs the tests named for it there;
they must fail. The unmutated copy must pass the same tests first, so a failure means the mutant and
nothing else. The full mutation run (mutmut, minutes per module) is documented in docs/mutation.md.

A mutant whose original text is no longer in the source fails this test: move it with the code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Mutant(NamedTuple):
    id: str
    """Short name, shown when the mutant survives."""
    file: str
    """The mutated file, relative to the repository."""
    original: str
    """Text that occurs exactly once in the file."""
    mutated: str
    """What it becomes."""
    tests: tuple[str, ...]
    """pytest node ids that must fail on the mutant."""


CRITICAL = (
    Mutant(
        "confinement-drops-separator",  # issue 14: `../repo-evil/x.md` from /…/repo counted as inside
        "shiftleft/paths.py",
        "path.startswith(root.rstrip(os.sep) + os.sep)",
        "path.startswith(root.rstrip(os.sep))",
        ("tests/unit/test_mutants_paths.py::test_a_sibling_folder_whose_name_extends_the_root_is_outside",),
    ),
    Mutant(
        "soft-dependency-propagates-rto",  # issue 14: a soft dependency with a fallback carried its RTO
        "shiftleft/graph/build.py",
        "if not link.blocking or t < 0 or self.comp[t] == c:",
        "if t < 0 or self.comp[t] == c:",
        (
            "tests/unit/graph/test_mutants_graph.py::"
            "test_a_soft_dependency_with_a_fallback_does_not_carry_its_rto_up_the_chain_in_any_order",
        ),
    ),
    Mutant(
        "symlink-escape-unchecked",
        "shiftleft/paths.py",
        "if exists and not inside(realpath(joined), root_real):",
        "if False:",
        ("tests/unit/test_mutants_paths.py::test_a_symlink_out_of_the_repository_is_refused_and_one_within_it_is_not",),
    ),
    Mutant(
        "dotdot-escape-unchecked",
        "shiftleft/paths.py",
        '    if not inside(joined, root_real):\n        return "outside", False',
        '    if False:\n        return "outside", False',
        ("tests/unit/test_mutants_paths.py::test_a_sibling_folder_whose_name_extends_the_root_is_outside",),
    ),
    Mutant(
        "expired-waiver-accepts",  # a waiver that expired yesterday would still pass the gate
        "shiftleft/governance/waivers.py",
        "    if days < 0:",
        "    if days < -1:",
        ("tests/unit/governance/test_mutants_governance.py::test_a_waiver_that_expired_yesterday_accepts_nothing",),
    ),
    Mutant(
        "cel-cost-unbounded",  # a costly rule from a pull request would run unbounded
        "shiftleft/policy/cel.py",
        "if cost <= celcost.LIMIT:",
        "if True:",
        ("tests/unit/policy/test_mutants_policy.py::test_cost_is_checked_against_the_limit_times_the_items",),
    ),
    Mutant(
        "weaker-strategy-allowed",  # the tier's minimum DR strategy would admit the next weaker one
        "shiftleft/policy/tiers.py",
        'STRATEGIES[STRATEGIES.index(row["min_strategy"]) :]',
        'STRATEGIES[STRATEGIES.index(row["min_strategy"]) - 1 :]',
        ("tests/unit/policy/test_mutants_policy.py::test_the_default_table_typed_for_cel",),
    ),
)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package, catalog, examples and tests in a folder of their own (pytest puts it first on sys.path)."""
    target = tmp_path_factory.mktemp("mutant") / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("shiftleft", "tests", "rules", "examples"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore, symlinks=True)
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def run_tests(copy: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-o", "addopts=", *tests],
        cwd=copy, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_copy_runs_its_own_package_and_passes_every_targeted_test(copy: Path) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", "import shiftleft, sys; print(shiftleft.__file__)"],
        cwd=copy, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == str(copy / "shiftleft" / "__init__.py")
    run = run_tests(copy, tuple(sorted({t for m in CRITICAL for t in m.tests})))
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize("mutant", CRITICAL, ids=[m.id for m in CRITICAL])
def test_the_critical_mutant_is_killed(copy: Path, mutant: Mutant) -> None:
    source = copy / mutant.file
    text = source.read_text(encoding="utf-8")
    assert text.count(mutant.original) == 1, f"{mutant.id}: its original text moved in {mutant.file}"
    source.write_text(text.replace(mutant.original, mutant.mutated), encoding="utf-8")
    try:
        run = run_tests(copy, mutant.tests)
    finally:
        source.write_text(text, encoding="utf-8")
    assert run.returncode == 1, f"{mutant.id} survived:\n{run.stdout[-3000:]}"
