"""Waiver expiry at its boundaries, which surviving mutants showed untested (see docs/mutation.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import NOW, good_manifest, run_cli, write

CHECKOUT = "services/checkout/shiftleft.yaml"
WAIVERS = "shiftleft-waivers.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """checkout: SL301 (high) at line 13; the run is judged on NOW (2026-11-25)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, CHECKOUT, good_manifest().replace("rto: 30m", "rto: 2h"))
    return root


def run_with_waiver(repo: Path, capsys, monkeypatch, expires: str, config: str = "") -> tuple[int, list[tuple]]:
    write(repo, WAIVERS, "waivers:\n  - {rule: SL301, service: checkout, reason: DR re-architecture, "
          f"approved_by: architecture-board, ticket: RISK-142, expires: {expires}}}\n")  # fmt: skip
    if config:
        write(repo, ".shiftleft.toml", config)
    run = run_cli(["check", "--now", NOW, "--format", "json"], capsys, monkeypatch, repo)
    doc = json.loads(run.out)
    return run.code, [
        (f["rule"], f["location"]["line"], f["failing"], f["waiver"]["kind"] if f["waiver"] else None, f["message"])
        for f in doc["findings"]
    ]


def test_a_waiver_expiring_today_still_accepts_with_a_warning(repo: Path, capsys, monkeypatch) -> None:
    assert run_with_waiver(repo, capsys, monkeypatch, NOW) == (0, [
        ("SL301", 13, False, "waiver", "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"),
        ("SL905", 2, False, None, "waiver for SL301 on checkout expires on 2026-11-25, in 0 days"),
    ])  # fmt: skip


def test_a_waiver_that_expired_yesterday_accepts_nothing(repo: Path, capsys, monkeypatch) -> None:
    assert run_with_waiver(repo, capsys, monkeypatch, "2026-11-24") == (1, [
        ("SL301", 13, True, None, "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"),
        ("SL904", 2, True, None, "waiver for SL301 on checkout expired on 2026-11-24; it no longer accepts the risk"),
    ])  # fmt: skip


def test_the_warning_starts_30_days_ahead(repo: Path, capsys, monkeypatch) -> None:
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2026-12-25")
    assert (code, [f[0] for f in found], found[-1][4]) == (
        0, ["SL301", "SL905"], "waiver for SL301 on checkout expires on 2026-12-25, in 30 days")  # fmt: skip
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2026-12-26")
    assert (code, [f[0] for f in found]) == (0, ["SL301"])


def test_the_org_maximum_is_inclusive(repo: Path, capsys, monkeypatch) -> None:
    config = "[org]\nwaiver_max_days = {high = 40}\n"
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2027-01-04", config)  # 40 days away
    assert (code, [f[0] for f in found]) == (0, ["SL301"])
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2027-01-05", config)  # 41 days away
    assert (code, found[-1]) == (1, (
        "SL903", 2, True, None, "waiver for SL301 on checkout expires 2027-01-05, 41 days away; high findings may "
        "be waived for at most 40 days"))  # fmt: skip


def _finding(rule: str = "SL301", service: str = "checkout", file: str = CHECKOUT, path: str = "spec.continuity.rto"):
    from shiftleft.findings import Finding, Location, Severity

    return Finding(rule, "rto", Severity.HIGH, "continuity", service, Location(file, 13, 10, path), "m")


def _waiver(rule: str = "SL301", service: str = "checkout", path: str = ""):
    from shiftleft.findings import Waiver

    return Waiver(rule, service, "r", "board", "", None, "w.yaml:2", path)


def test_a_waiver_matches_its_rule_and_service_and_what_lies_under_its_path() -> None:
    """`waivers.matches`: same rule AND same service; a path accepts that manifest path, what is under it (`.` or
    `[`), or a finding in that file; nothing that merely starts with the same letters."""
    from shiftleft.governance.waivers import matches

    assert matches(_waiver(), _finding())
    assert not matches(_waiver(), _finding(rule="SL302"))
    assert not matches(_waiver(), _finding(service="search"))
    assert not matches(_waiver(rule="SL302", service="search"), _finding())
    assert matches(_waiver(path="spec.continuity"), _finding())
    assert matches(_waiver(path="spec.continuity.rto"), _finding())
    assert not matches(_waiver(path="spec.continuity.rt"), _finding())
    assert matches(_waiver(path="spec.dependencies"), _finding(path="spec.dependencies[1].service"))
    assert not matches(_waiver(path="spec.dependencies[1]"), _finding(path="spec.dependencies[10].service"))
    assert matches(_waiver(path="infra/main.tf"), _finding(file="infra/main.tf", path="aws_s3_bucket.b"))
    assert not matches(_waiver(path="infra/main.tf"), _finding(file="infra/other.tf", path="aws_s3_bucket.b"))


def test_a_baseline_entry_is_shown_as_one_and_never_accepts_a_governance_finding(tmp_path: Path) -> None:
    """What the baseline's acceptance says in every report (rule, service, the baseline file, the path); and the
    governance findings (SL901-SL906: a waiver or the baseline itself is wrong) are accepted by nothing."""
    from shiftleft.findings import Waiver
    from shiftleft.governance import apply as apply_mod

    plain, governance = _finding(), _finding(rule="SL906", path="")
    inputs = apply_mod.Inputs(tmp_path, None, "", None, {}, {}, False, baseline=frozenset(
        {plain.fingerprint, governance.fingerprint}), baseline_display="base.json")  # fmt: skip
    accepted = apply_mod._accept(plain, {}, inputs)
    assert accepted.waiver == Waiver("SL301", "checkout", "recorded in the baseline", "baseline", "", None,
                                     "base.json", "spec.continuity.rto", "baseline")  # fmt: skip
    assert apply_mod._accept(governance, {}, inputs).waiver is None
    waived = _waiver(rule="SL906")
    assert apply_mod._accept(governance, {("SL906", "checkout"): [waived]}, inputs).waiver is None
