"""Mutants of `Session.finish` without `--base` (shiftleft/governance/session.py): what it hands the governance step.
The configuration named by `org.waiver_max_days` errors, the baseline named as a waiver's source, where the central
waiver file must stay, the focus and the shard a run reports, and the working folder a manifest is read again in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shiftleft import shard
from tests.helpers import NOW, good_manifest, run_cli, two_service_repo, write

CHECKOUT = "services/checkout/shiftleft.yaml"
WAIVERS = "shiftleft-waivers.yaml"
RTO = "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"
SL301_WAIVER = (
    "waivers:\n  - {rule: SL301, service: checkout, reason: r, approved_by: a, ticket: T-1, expires: 2027-01-01}\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """checkout: SL301 (high) at 13:10; catalog is clean."""
    return two_service_repo(tmp_path)


def check(repo: Path, capsys, monkeypatch, *args: str) -> tuple[int, list[tuple[str, str, str, bool, str, str]]]:
    """The exit code and each finding: rule, service, file:line:col, failing, the waiver's source, message."""
    run = run_cli(["check", "--now", NOW, "--format", "json", *args], capsys, monkeypatch, repo)
    doc = json.loads(run.out)
    return run.code, [
        (f["rule"], f["service"], "{file}:{line}:{col}".format(**f["location"]), f["failing"],
         f["waiver"]["source"] if f["waiver"] else "", f["message"])
        for f in doc["findings"]
    ]  # fmt: skip


def test_a_bad_waiver_max_days_names_the_configuration_file(repo: Path, capsys, monkeypatch) -> None:
    write(repo, ".shiftleft.toml", '[org]\nwaiver_max_days = "x"\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "shiftleft: error: .shiftleft.toml: org.waiver_max_days: a number of days, or a table of severity to days\n"
    )


def test_a_finding_the_baseline_accepts_names_the_baseline_file(repo: Path, capsys, monkeypatch) -> None:
    assert run_cli(["baseline", "--now", NOW, "-o", "ci/b.json"], capsys, monkeypatch, repo).code == 0
    assert check(repo, capsys, monkeypatch, "--baseline", "ci/b.json") == (
        0, [("SL301", "checkout", f"{CHECKOUT}:13:10", False, "ci/b.json", RTO)]
    )  # fmt: skip


def test_the_default_waiver_file_must_not_lead_out_of_the_repository(repo: Path, capsys, monkeypatch) -> None:
    """No configuration file: `shiftleft-waivers.yaml` is confined to the repository (here a symlink out of it)."""
    outside = repo.parent / "outside.yaml"
    outside.write_text(SL301_WAIVER, encoding="utf-8")
    (repo / WAIVERS).symlink_to(outside)
    assert check(repo, capsys, monkeypatch) == (1, [
        ("SL301", "checkout", f"{CHECKOUT}:13:10", True, "", RTO),
        ("SL901", WAIVERS, f"{WAIVERS}:1:1", True, "",
         "the waiver file is a symlink that leads outside the repository; it was not read"),
    ])  # fmt: skip


def test_a_waiver_file_named_by_a_trusted_configuration_outside_the_repository_is_read(
    repo: Path, capsys, monkeypatch
) -> None:
    """`--config` naming a file outside the repository trusts it: the waiver file it names beside it is read."""
    org = repo.parent / "org"
    write(org, "org.toml", 'waivers = "org-waivers.yaml"\n')
    write(org, "org-waivers.yaml", SL301_WAIVER)
    assert check(repo, capsys, monkeypatch, "--config", str(org / "org.toml")) == (0, [
        ("SL301", "checkout", f"{CHECKOUT}:13:10", False, f"{org / 'org-waivers.yaml'}:2", RTO),
    ])  # fmt: skip


def test_a_focused_run_judges_no_waiver_of_a_known_service_outside_its_focus(repo: Path, capsys, monkeypatch) -> None:
    """`check services/catalog`: checkout's waivers (one valid, one expired) are neither unknown nor reported."""
    write(repo, WAIVERS, SL301_WAIVER + SL301_WAIVER.replace("waivers:\n", "").replace("2027-01-01", "2026-01-01"))
    assert check(repo, capsys, monkeypatch, "services/catalog") == (0, [])


def test_a_waiver_file_of_no_service_is_reported_by_its_own_shard_only(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers: 5\n")
    assert (shard.of(WAIVERS, 2), shard.of("checkout", 2), shard.of("catalog", 2)) == (1, 1, 1)
    assert check(repo, capsys, monkeypatch, "--shard", "1/2") == (1, [
        ("SL301", "checkout", f"{CHECKOUT}:13:10", True, "", RTO),
        ("SL901", WAIVERS, f"{WAIVERS}:1:1", True, "", "a waiver file is a mapping `waivers:` of a list of waivers"),
    ])  # fmt: skip
    assert check(repo, capsys, monkeypatch, "--shard", "2/2") == (0, [])


def test_inline_waivers_of_a_dependent_of_the_focus_are_found_in_the_working_folder(
    repo: Path, capsys, monkeypatch
) -> None:
    """checkout is reported as a hard dependent of the focus (catalog) without being evaluated: its inline waiver
    is placed by reading its manifest again, relative to the working folder (SL906 at the entry's line)."""
    text = (good_manifest().replace("rto: 30m", "rto: 2h") + "  dependencies:\n    - {service: catalog, hard: true}\n"
            "  waivers:\n    - {rule: SL301, reason: r, approved_by: a, expires: 2027-01-01}\n")  # fmt: skip
    write(repo, CHECKOUT, text)
    code, found = check(repo, capsys, monkeypatch, "services/catalog")
    assert (code, [f[:4] for f in found]) == (1, [
        ("SL701", "checkout", f"{CHECKOUT}:36:17", True),
        ("SL705", "checkout", f"{CHECKOUT}:36:17", False),
        ("SL906", "checkout", f"{CHECKOUT}:38:7", True),
    ])  # fmt: skip
    assert found[2][5] == (
        "waiver for SL301 on checkout: SL301 is high and inline waivers accept up to medium; "
        "record it in the central waiver file"
    )
