"""The cost attacks of issue 9, each run as a subprocess under a time limit and an address-space limit.

These are not speed benchmarks (benchmarks/attacks.py measures those): the
bounds are generous and only prove that an attack can no longer hang the
run or take gigabytes, and that it still fails the gate with the finding
it should give.
"""

from __future__ import annotations

import importlib.util
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import NOW, ROOT

_SPEC = importlib.util.spec_from_file_location(
    "attacks", ROOT / "benchmarks" / "attacks.py"
)
assert _SPEC is not None and _SPEC.loader is not None
attacks = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(attacks)

MEMORY = 1024 * 1024 * 1024
"""Address space of the child: 1 GiB (the attacks took 1.2 to 7.8 GB before)."""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def check(repo: Path, seconds: float, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shiftleft", "check", ".", "--now", NOW, "-q", "--format", "text", *extra],
        cwd=repo, capture_output=True, text=True, timeout=seconds, preexec_fn=_limit, check=False,
    )  # fmt: skip


def attack(tmp_path: Path, name: str) -> Path:
    repo = tmp_path / name
    (repo / ".git").mkdir(parents=True)
    attacks.write(name, repo)
    return repo


RULE_ATTACKS = {
    "jinja-range": "ACME901 could not be evaluated (message): range() is longer than 1,000",
    "jinja-repeat": "ACME901 could not be evaluated (message): a value of the message grows past 10,000 characters",
    "cel-map": "ACME901 could not be evaluated: its estimated cost on this manifest (1,678,304,775) is over the limit "
    "of 20,000,000 (comprehensions or concatenation over large values)",
}


@pytest.mark.parametrize("name", sorted(RULE_ATTACKS))
def test_a_costly_rule_is_its_own_evaluation_error_and_fails_the_gate(tmp_path: Path, name: str) -> None:
    run = check(attack(tmp_path, name), 60)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stdout.splitlines() if "ACME901" in line]
    assert lines == [f"svc/shiftleft.yaml:4:9: HIGH ACME901 {name} {RULE_ATTACKS[name]}"]


def test_nine_thousand_dependencies_in_one_manifest(tmp_path: Path) -> None:
    run = check(attack(tmp_path, "deps-9000"), 120)
    assert run.returncode == 1, run.stderr
    unknown = [line for line in run.stdout.splitlines() if " SL706 " in line]
    assert len(unknown) == 9000
    assert unknown[0] == (
        "svc/shiftleft.yaml:9:17: HIGH SL706 unknown-dependency dependency missing-0 is not declared by any "
        "manifest in scope or by an imported catalog: its tier, SLO, RTO and RPO cannot be checked"
    )


@pytest.mark.parametrize(("name", "services"), [("dense-150", 150), ("ring-10000", 10_000)])
def test_dense_and_ring_graphs_are_bounded(tmp_path: Path, name: str, services: int) -> None:
    run = check(attack(tmp_path, name), 300)
    assert run.returncode == 1, run.stderr
    cycle = [line for line in run.stdout.splitlines() if " SL708 " in line]
    edges = services * (services - 1) if name.startswith("dense") else services
    assert len(cycle) == edges  # every edge of the one big cycle, at its own entry
    assert cycle[0].startswith("s0/shiftleft.yaml:")
    assert f"closes a cycle: a cycle of {services} services: s0, s1, s10, " in cycle[0]


def test_a_rule_that_reads_a_large_section_for_every_item_is_refused(tmp_path: Path) -> None:
    repo = attack(tmp_path, "deps-3000")
    (repo / ".shiftleft.toml").write_text('rules = ["org-rules"]\n', encoding="utf-8")
    (repo / "org-rules").mkdir()
    (repo / "org-rules" / "ACME901-per-item.yaml").write_text(
        attacks.RULE.format(name="per-item", check="size(spec.dependencies) > index", message="'never'").replace(
            "location: metadata.name\n", "each: spec.dependencies\n"
        ),
        encoding="utf-8",
    )
    run = check(repo, 60)
    assert run.returncode == 1, run.stderr
    lines = [line for line in run.stdout.splitlines() if "ACME901" in line]
    assert len(lines) == 1
    # The byte count grows with every fact the graph adds per dependency; the rest of the line is exact.
    m = re.fullmatch(
        r"svc/shiftleft\.yaml:8:3: HIGH ACME901 per-item ACME901 could not be evaluated: its rules read ([0-9,]+) "
        r"bytes of the manifest and graph facts for each of the 3,000 items of spec\.dependencies, over the limit "
        r"of 20,000,000 in all",
        lines[0],
    )
    assert m is not None, lines[0]
    assert int(m.group(1).replace(",", "")) * 3_000 > 20_000_000


def test_an_each_rule_is_bounded_over_all_its_items(tmp_path: Path) -> None:
    """Each evaluation is cheap (90,000 steps), 3,000 of them are not: the estimate covers them all."""
    repo = attack(tmp_path, "deps-3000")
    (repo / ".shiftleft.toml").write_text('rules = ["org-rules"]\n', encoding="utf-8")
    (repo / "org-rules").mkdir()
    numbers = ", ".join(str(i) for i in range(300))
    check_ = f'"[{numbers}].exists(a, [{numbers}].exists(b, a * b == size(item.service)))"'
    (repo / "org-rules" / "ACME901-pairs.yaml").write_text(
        attacks.RULE.format(name="pairs", check=check_, message="'never'").replace(
            "location: metadata.name\n", "each: spec.dependencies\n"
        ),
        encoding="utf-8",
    )
    run = check(repo, 60)
    assert run.returncode == 1, run.stderr
    lines = [line for line in run.stdout.splitlines() if "ACME901" in line]
    assert len(lines) == 3000
    assert lines[0] == (
        "svc/shiftleft.yaml:9:7: HIGH ACME901 pairs ACME901 could not be evaluated: its estimated cost on this "
        "manifest (5,949,912,000) is over the limit of 20,000,000 (comprehensions or concatenation over large values)"
    )
