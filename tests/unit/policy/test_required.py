"""Absence never passes: required sections per tier (SL014 and the rules that claim paths), as data."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from shiftleft.errors import ConfigError
from shiftleft.policy import tiers as tiers_mod
from tests.helpers import write
from tests.required_helpers import SHIPPED, TIERS, check, complete, paths, put, rules, without

# What a passing manifest of each tier may leave out with no finding at all: the paths the
# default tier policy does not require (docs/manifest.md, "Required per tier") and no rule
# demands. Changing this list is a deliberate change of the policy's demands.
_ALWAYS = {
    "metadata.description", "spec.lifecycle", "spec.paths", "spec.paths.code", "spec.compliance",
    "spec.compliance.frameworks", "spec.incident.thresholds.major.error_rate",
    "spec.incident.thresholds.major.latency_p99", "spec.incident.thresholds.major.users_affected",
    "spec.incident.thresholds.disaster.region_loss", "spec.incident.thresholds.disaster.data_corruption",
    "spec.security.authentication", "spec.dependencies", "spec.suppliers",
}  # fmt: skip
_TIER2 = _ALWAYS | {
    "spec.continuity.degraded_mode", "spec.continuity.last_test.measured_rto",
    "spec.continuity.last_test.measured_rpo", "spec.security.sdlc.sbom",
    "metadata.people.process_manager", "metadata.people.incident_commander", "spec.availability.capacity_test",
    "spec.continuity.game_day", "spec.incident.communication",
}  # fmt: skip
_TIER3 = _TIER2 | {
    "metadata.people.process_owner", "metadata.people.oncall.escalation", "spec.availability.zones",
    "spec.availability.regions", "spec.availability.min_replicas", "spec.continuity.backups.immutable",
    "spec.continuity.backups.encrypted", "spec.incident.thresholds", "spec.incident.thresholds.major",
    "spec.incident.thresholds.disaster", "spec.security.secrets", "spec.security.threat_model",
    "spec.security.threat_model.ref", "spec.security.threat_model.reviewed",
    "spec.availability.alerting",
}  # fmt: skip
_TIER4 = _TIER3 | {
    "metadata.people.service_owner", "metadata.people.oncall.coverage", "spec.availability",
    "spec.availability.slo", "spec.continuity", "spec.continuity.rto", "spec.continuity.rpo",
    "spec.continuity.strategy", "spec.continuity.plan", "spec.continuity.last_test",
    "spec.continuity.last_test.date", "spec.continuity.last_test.result", "spec.continuity.backups",
    "spec.continuity.backups.frequency", "spec.continuity.backups.retention", "spec.continuity.backups.offsite",
    "spec.incident", "spec.incident.runbook", "spec.security.encryption.at_rest",
}  # fmt: skip
OPTIONAL = {0: _ALWAYS, 1: _ALWAYS, 2: _TIER2, 3: _TIER3, 4: _TIER4}
_SCHEMA_REQUIRED = {"apiVersion", "kind", "metadata", "spec", "metadata.name", "spec.tier"}


@pytest.mark.parametrize("tier", [0, 1, 2, 3, 4])
def test_removing_any_field_of_a_passing_manifest_is_a_finding_or_documented_optional(
    tmp_path: Path, tier: int
) -> None:
    base = complete(tier)
    assert check(tmp_path, base) == []
    required = {r.dotted for r in TIERS.tiers[tier].requires}
    silent = set()
    for path in (p for p in paths(base) if p not in _SCHEMA_REQUIRED):
        found = check(tmp_path, without(base, path))  # the same folder: only the manifest changes
        if not found:
            silent.add(path)
        elif path in required:  # a required path is reported at itself or at its closest declared parent
            assert any(path.startswith(f[3]) or f[3].startswith(path) for f in found), (path, found)
    assert silent == OPTIONAL[tier]
    assert not silent & required


def test_a_tier_1_manifest_without_spec_incident_fails_high(tmp_path: Path) -> None:
    found = check(tmp_path, without(complete(1), "spec.incident"))
    assert found == [  # all at `spec:` (line 16), the closest declared parent
        ("SL401", "medium", 16, "spec.incident.runbook"),
        ("SL403", "high", 16, "spec.incident.thresholds"),
        ("SL410", "high", 16, "spec.incident.invocation_authority"),
        ("SL411", "medium", 16, "spec.incident.communication"),
    ]
    assert check(tmp_path / "ok", complete(1)) == []


def test_internet_facing_without_data_and_without_encryption_fails(tmp_path: Path) -> None:
    bad = put(without(complete(3), "spec.data"), "spec.security.internet_facing", True)
    bad = put(bad, "spec.security.encryption", {"at_rest": False, "in_transit": False})
    found = check(tmp_path, bad)
    assert [(f[0], f[1], f[3]) for f in found if f[0] in {"SL014", "SL502"}] == [
        ("SL014", "high", "spec.data.classification"),
        ("SL014", "high", "spec.data.personal_data"),
        ("SL502", "high", "spec.security.encryption.in_transit"),
    ]
    good = put(complete(3), "spec.security.internet_facing", True)
    assert check(tmp_path / "ok", good) == []


def test_required_path_points_at_the_closest_declared_parent_with_the_tier_severity(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        apiVersion: shiftleft/v1
        kind: Service
        metadata: {name: timesheets}
        spec:
          tier: 4
          data: {personal_data: false}
          security:
            internet_facing: false
            sdlc: {sast: true, dependency_scan: true, code_review: true}
        """)
    assert check(tmp_path, text) == [
        ("SL101", "high", 3, "metadata.owner"),
        ("SL104", "medium", 3, "metadata.people.oncall"),
        ("SL014", "medium", 6, "spec.data.classification"),  # tier 4: requires_severity medium
    ]


def test_last_test_without_result_fails_and_with_result_passes(tmp_path: Path) -> None:
    no_result = without(complete(2), "spec.continuity.last_test.result")
    assert check(tmp_path, no_result) == [("SL307", "high", 48, "spec.continuity.last_test")]
    assert check(tmp_path / "ok", complete(2)) == []


@pytest.mark.parametrize(("tier", "expected"), [(1, ["SL014"]), (3, ["SL014"]), (4, [])])
def test_missing_oncall_coverage_fails_where_the_tier_requires_it(
    tmp_path: Path, tier: int, expected: list[str]
) -> None:
    found = check(tmp_path, without(complete(tier), "metadata.people.oncall.coverage"))
    assert rules(found) == expected
    assert all(f[3] == "metadata.people.oncall.coverage" for f in found)


@pytest.mark.parametrize(("tier", "expected"), [(0, ["SL014"]), (2, ["SL014"]), (3, [])])
def test_missing_min_replicas_fails_where_the_tier_requires_it(tmp_path: Path, tier: int, expected: list[str]) -> None:
    found = check(tmp_path, without(complete(tier), "spec.availability.min_replicas"))
    assert rules(found) == expected


@pytest.mark.parametrize(("replicas", "expected"), [(2, ["SL206", "SL207"]), (3, [])])
def test_min_replicas_follow_the_tier_minimum(tmp_path: Path, replicas: int, expected: list[str]) -> None:
    assert rules(check(tmp_path, put(complete(0), "spec.availability.min_replicas", replicas))) == expected


def test_disabling_the_claiming_rule_hands_the_path_back_to_sl012(tmp_path: Path) -> None:
    bare = without(complete(1), "spec.incident.invocation_authority")
    assert [f[:2] for f in check(tmp_path, bare)] == [("SL410", "high")]
    assert check(tmp_path / "x", bare, disable=frozenset({"SL410"})) == [
        ("SL014", "high", 63, "spec.incident.invocation_authority")
    ]


def test_a_stateless_service_needs_no_backups(tmp_path: Path) -> None:
    no_backups = without(complete(3), "spec.continuity.backups")
    assert [f[0] for f in check(tmp_path, no_backups)] == ["SL313"]
    stateless = put(no_backups, "spec.data.stateless", True)
    assert check(tmp_path / "x", put(stateless, "spec.data.state_in", ["orders-db"])) == []
    assert check(tmp_path / "y", put(no_backups, "spec.data.stateless", False)) == [
        ("SL313", "high", 42, "spec.continuity.backups")
    ]


HONEST_TIER_3 = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: timesheets
  owner: team-office
  people:
    service_owner: sam.lee
    oncall: {rotation: office-primary, coverage: extended-hours}
spec:
  tier: 3
  data: {classification: internal, personal_data: false}
  availability: {slo: 99.5, window: 30d}
  continuity:
    rto: 24h
    rpo: 24h
    strategy: backup-restore
    plan: docs/dr-plan.md
    last_test: {date: 2026-03-10, result: pass}
    backups: {frequency: 24h, retention: 30d, offsite: true, last_restore_test: 2026-03-10}
  incident:
    runbook: docs/runbook.md
  security:
    internet_facing: false
    encryption: {at_rest: true, in_transit: true, min_tls: "1.2"}
    sdlc: {sast: true, dependency_scan: true, code_review: true}
"""


def test_an_honest_minimal_tier_3_service_has_no_finding(tmp_path: Path) -> None:
    assert check(tmp_path, HONEST_TIER_3) == []


def test_a_minimal_stateless_tier_3_service_needs_no_backups(tmp_path: Path) -> None:
    stateless = HONEST_TIER_3.replace(
        "    backups: {frequency: 24h, retention: 30d, offsite: true, last_restore_test: 2026-03-10}\n", ""
    ).replace("personal_data: false}", "personal_data: false, stateless: true, state_in: [timesheets-db]}")
    assert "backups" not in stateless
    assert check(tmp_path, stateless) == []


def _org_tiers(tmp_path: Path) -> tiers_mod.TierPolicy:
    """A three-tier organisation: its tier 3 is as demanding as the default tier 1."""
    text = (SHIPPED / "tiers.yaml").read_text(encoding="utf-8")
    rows = re.split(r"\n  (?=[0-9]+:)", text.split("\ntiers:", 1)[1])
    keep = {r.split(":", 1)[0]: r for r in rows[1:]}
    own = "tiers:\n  " + "\n  ".join(
        [keep["1"].replace("1:", "3:", 1), keep["2"].replace("2:", "4:", 1), keep["0"].replace("0:", "5:", 1)]
    )
    write(tmp_path, "org-tiers.yaml", own)
    return tiers_mod.load(tmp_path / "org-tiers.yaml", "org-tiers.yaml")


def test_a_three_tier_organisation_gets_the_obligations_it_wrote(tmp_path: Path) -> None:
    org = _org_tiers(tmp_path)
    assert sorted(org.tiers) == [3, 4, 5]
    critical = put(complete(1), "spec.tier", 3)  # the org's tier 3 is the default tier-1 row
    assert check(tmp_path / "a", critical, tiers=org) == []
    found = check(tmp_path / "b", without(critical, "spec.incident.thresholds"), tiers=org)
    assert rules(found) == ["SL403"]  # `tier.number <= 2` would have let the org's tier 3 off
    thin = put(critical, "metadata.people.oncall.coverage", "business-hours")
    assert rules(check(tmp_path / "c", thin, tiers=org)) == ["SL105"]  # `tier.number == 3` allowed it


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("requires:\n", "requires:\n      - nope\n"), "tier 0: requires: 'nope' is not a manifest path"),
        (("requires:\n", "requires:\n      - spec.incident.runbok\n"), "spec.incident.runbok is not a field of"),
        (("requires:\n", "requires:\n      - spec.incident.runbook\n"), "spec.incident.runbook is listed twice"),
        (
            ("requires:\n", "requires:\n      - {path: spec.data, unless: spec.data.stateles}\n"),
            "spec.data.stateles is not a field of",
        ),
        (("requires_severity: high", "requires_severity: severe"), "tier 0: requires_severity: unknown severity"),
        (("oncall_coverage: [24x7]", "oncall_coverage: [always]"), "tier 0: oncall_coverage must list 24x7"),
        (("dr_test_every: 6 months", "dr_test_every: half a year"), "tier 0: dr_test_every: 'half a year'"),
        (("    sbom: true\n", ""), "tier 0: missing sbom"),
    ],
)
def test_bad_tier_policy_is_a_configuration_error(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = (SHIPPED / "tiers.yaml").read_text(encoding="utf-8").replace(*change, 1)
    write(tmp_path, "tiers.yaml", text)
    with pytest.raises(ConfigError) as error:
        tiers_mod.load(tmp_path / "tiers.yaml", "tiers.yaml")
    assert message in str(error.value)


def test_no_rule_compares_tier_numbers() -> None:
    """Thresholds are tier attributes (decision 0010): a rule reading tier.number would ignore an org's table."""
    import re as re_mod

    from tests.required_helpers import CATALOG

    # a tier against a number; SL701's `item.tier <= spec.tier` compares two services' tiers and stays
    compared = re_mod.compile(r"(tier\.number|spec\.tier)\s*(<=|>=|==|!=|<|>)\s*[0-9]")
    offenders = [
        rule.id
        for rule in CATALOG.rules
        for program in (rule.when, rule.check)
        if program is not None and compared.search(program.source)
    ]
    assert offenders == []
