"""Shared test helpers: write small repositories and run the real CLI in them."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from shiftleft.main import main

NOW = "2026-11-25"
TESTS = Path(__file__).resolve().parent
"""The tests folder: fixtures/, schemas/, formatters/ (the shared results fixture and its snapshots)."""
ROOT = TESTS.parent
"""The checkout: shiftleft/, rules/, examples/, docs/, benchmarks/."""

GOOD = """\
apiVersion: shiftleft/v1
kind: Service
metadata: {{name: {name}, owner: team-{name}, people: {{service_owner: jane.doe, process_owner: incident-lead, process_manager: ops-lead, incident_commander: duty-commander, oncall: {{rotation: {name}-primary, coverage: 24x7, escalation: duty-manager}}}}}}
# A manifest that meets the default policy at tiers 1 and 2 as of NOW (these
# comment lines keep the line numbers the tests assert on: `rto:` is line 13).
spec:
  tier: {tier}
  availability: {{slo: 99.95, window: 30d, zones: 2, min_replicas: 2,
                 regions: [europe-west1, europe-west4], capacity_test: {{date: 2026-09-01, result: pass}},
                 alerting: {{sli: good requests / all requests, burn_rate: true, routes_to: {name}-primary}}}}
  data: {{classification: internal, personal_data: false}}
  continuity:
    rto: 30m
    rpo: 5m
    strategy: warm-standby
    plan: docs/dr-plan.md
    degraded_mode: read-only, writes queued
    game_day: 2026-06-01
    last_test: {{date: 2026-09-14, result: pass, measured_rto: 20m, measured_rpo: 2m}}
    backups: {{frequency: 5m, retention: 35d, offsite: true, immutable: true, encrypted: true,
              last_restore_test: 2026-10-01, last_restore_duration: 20m, restore_verified: true}}
  incident:
    runbook: docs/runbook.md
    thresholds:
      major: {{error_rate: 5%, duration: 5m}}
      disaster: {{outage: 10m, region_loss: true}}
    invocation_authority: head-of-engineering
    communication: {{plan: docs/communication-plan.md, stakeholders: [support, leadership]}}
  security:
    internet_facing: false
    secrets: vault
    encryption: {{at_rest: true, in_transit: true, min_tls: "1.2"}}
    threat_model: {{ref: docs/threat-model.md, reviewed: 2026-08-01}}
    sdlc: {{sast: true, dependency_scan: true, code_review: true, sbom: true}}
"""
GOOD_DOCS = ("docs/dr-plan.md", "docs/runbook.md", "docs/threat-model.md", "docs/communication-plan.md")
"""The documents a GOOD manifest declares; `write` creates them beside it."""


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    if path.name == "shiftleft.yaml" and "plan: docs/dr-plan.md" in text:
        for doc in GOOD_DOCS:  # a good manifest: give it the documents it declares
            (path.parent / doc).parent.mkdir(parents=True, exist_ok=True)
            (path.parent / doc).write_text(f"# {doc}\n", encoding="utf-8")
    return path


def good_manifest(name: str = "checkout", tier: int = 1) -> str:
    return GOOD.format(name=name, tier=tier)


def two_service_repo(tmp_path: Path) -> Path:
    """A git repository: services/checkout (tier 1, RTO 2h: SL301 at line 13) and services/catalog (clean)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, "services/checkout/shiftleft.yaml", good_manifest("checkout", 1).replace("rto: 30m", "rto: 2h"))
    write(root, "services/catalog/shiftleft.yaml", good_manifest("catalog", 2))
    return root


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cwd: Path) -> Run:
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return Run(code, captured.out, captured.err)
