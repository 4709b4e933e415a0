"""Drift (SL910-SL919): every requirement downgrade since `--base`, at the changed line, on real git histories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.governance.test_governance_base import commit, git
from tests.helpers import NOW, run_cli, write

CHECKOUT = "services/checkout/shiftleft.yaml"
BASE = """\
apiVersion: shiftleft/v1
kind: Service
metadata: {name: checkout, owner: team-checkout}
spec:
  tier: 1
  lifecycle: production
  data: {classification: confidential, personal_data: true}
  compliance: {frameworks: [pci-dss, soc2]}
  availability:
    slo: 99.95
    zones: 3
    regions: [europe-west1, europe-west4]
    min_replicas: 3
  continuity:
    rto: 1h
    rpo: 5m
    strategy: warm-standby
  security:
    encryption: {at_rest: true, in_transit: true, min_tls: "1.2"}
  dependencies:
    - {service: search, hard: false, fallback: cached results}
  suppliers:
    - {name: stripe, function: payments, exit_plan: {ref: docs/exit.md, tested: 2026-06-01}}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, CHECKOUT, BASE)
    write(root, "services/search/shiftleft.yaml", BASE.replace("name: checkout", "name: search"))
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def drift(repo: Path, capsys, monkeypatch) -> list[tuple[str, str, str, str]]:
    run = run_cli(["check", "--now", NOW, "--base", "main", "--format", "json"], capsys, monkeypatch, repo)
    document = json.loads(run.out)
    return [(f["rule"], f["service"], f"{f['location']['file']}:{f['location']['line']}", f["message"])
            for f in document["findings"] if "SL910" <= f["rule"] <= "SL919"]  # fmt: skip


DOWNGRADES = [
    ("tier: 1", "tier: 3", "SL911", 5, "tier lowered from 1 to 3 since main"),
    ("lifecycle: production", "lifecycle: experimental", "SL912", 6,
     "lifecycle lowered from production to experimental since main"),
    ("rto: 1h", "rto: 4h", "SL913", 15, "RTO loosened from 1h to 4h since main"),
    ("rpo: 5m", "rpo: 1h", "SL913", 16, "RPO loosened from 5m to 1h since main"),
    ("    rto: 1h\n", "", "SL913", 14, "RTO loosened from 1h to (removed) since main"),
    ("slo: 99.95", "slo: 99.9", "SL914", 10, "SLO lowered from 99.95 to 99.9 since main"),
    ("zones: 3", "zones: 2", "SL914", 11, "zones lowered from 3 to 2 since main"),
    ("regions: [europe-west1, europe-west4]", "regions: [europe-west1]", "SL914", 12,
     "regions lowered from 2 to 1 since main"),
    ("min_replicas: 3", "min_replicas: 2", "SL914", 13, "minimum replicas lowered from 3 to 2 since main"),
    ("at_rest: true", "at_rest: false", "SL915", 19, "encryption at rest turned off (was true, now false) since main"),
    ('min_tls: "1.2"', 'min_tls: "1.0"', "SL915", 19, "minimum TLS version lowered from 1.2 to 1.0 since main"),
    ("frameworks: [pci-dss, soc2]", "frameworks: [soc2]", "SL916", 8, "framework pci-dss dropped since main"),
    ("classification: confidential", "classification: internal", "SL916", 7,
     "data classification lowered from confidential to internal since main"),
    ("strategy: warm-standby", "strategy: pilot-light", "SL917", 17,
     "DR strategy weakened from warm-standby to pilot-light since main"),
    ("{service: search, hard: false, fallback: cached results}", "{service: search, hard: true}", "SL918", 21,
     "hard dependency on search added since main"),
    ("tested: 2026-06-01}}\n", "tested: 2026-06-01}}\n    - {name: acme-sms, function: sms}\n", "SL919", 24,
     "supplier acme-sms added without an exit plan since main"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "rule", "line", "message"), DOWNGRADES, ids=[f"{d[2]}-{i}" for i, d in enumerate(DOWNGRADES)]
)
def test_each_downgrade_is_a_finding_at_the_changed_line(
    repo: Path, capsys, monkeypatch, old: str, new: str, rule: str, line: int, message: str
) -> None:
    path = repo / CHECKOUT
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    commit(repo, "downgrade")
    assert drift(repo, capsys, monkeypatch) == [(rule, "checkout", f"{CHECKOUT}:{line}", message)]


def test_upgrades_and_reformatting_are_not_drift(repo: Path, capsys, monkeypatch) -> None:
    path = repo / CHECKOUT
    text = "# reformatted, reordered, and tightened\n" + path.read_text()
    text = text.replace("rto: 1h", "rto: 30m").replace("zones: 3", "zones: 3  # same").replace("tier: 1", "tier: 0")
    path.write_text(text)
    commit(repo, "tighten")
    assert drift(repo, capsys, monkeypatch) == []


def test_deleted_manifest_is_sl910(repo: Path, capsys, monkeypatch) -> None:
    (repo / CHECKOUT).unlink()
    commit(repo, "delete checkout")
    assert drift(repo, capsys, monkeypatch) == [
        ("SL910", "checkout", f"{CHECKOUT}:0",
         "manifest of checkout deleted or moved out of the manifest globs since main"),
    ]  # fmt: skip


def test_manifest_moved_out_of_the_globs_is_sl910(repo: Path, capsys, monkeypatch) -> None:
    git(repo, "mv", CHECKOUT, "services/checkout/old-shiftleft.yaml")
    commit(repo, "hide checkout")
    assert [d[:3] for d in drift(repo, capsys, monkeypatch)] == [("SL910", "checkout", f"{CHECKOUT}:0")]


def test_manifest_moved_inside_the_globs_is_compared_with_its_old_self(repo: Path, capsys, monkeypatch) -> None:
    (repo / "services/payments").mkdir()
    git(repo, "mv", CHECKOUT, "services/payments/shiftleft.yaml")
    path = repo / "services/payments/shiftleft.yaml"
    path.write_text(path.read_text().replace("zones: 3", "zones: 1"))
    commit(repo, "move and weaken")
    assert drift(repo, capsys, monkeypatch) == [
        ("SL914", "checkout", "services/payments/shiftleft.yaml:11", "zones lowered from 3 to 1 since main"),
    ]


def test_a_downgrade_is_accepted_by_a_waiver_merged_into_the_base(repo: Path, capsys, monkeypatch) -> None:
    git(repo, "checkout", "-q", "main")
    write(repo, "shiftleft-waivers.yaml", "waivers:\n  - {rule: SL911, service: checkout, reason: retiring in Q1, "
          "approved_by: architecture-board, ticket: RISK-7, expires: 2027-01-31}\n")  # fmt: skip
    commit(repo, "approve the downgrade")
    git(repo, "checkout", "-q", "-B", "pr")
    path = repo / CHECKOUT
    path.write_text(path.read_text().replace("tier: 1", "tier: 2"))
    commit(repo, "downgrade")
    run = run_cli(["check", "--now", NOW, "--base", "main", "--format", "json"], capsys, monkeypatch, repo)
    finding = next(f for f in json.loads(run.out)["findings"] if f["rule"] == "SL911")
    assert (finding["failing"], finding["waiver"]["source"]) == (False, "shiftleft-waivers.yaml:2")
