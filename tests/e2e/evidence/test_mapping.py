"""The mapping table: every checkov check id an evidence rule names exists in the installed checkov
and is about what the rule claims; the `evidence:` block is validated like the rest of a rule file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shiftleft.errors import RuleError
from shiftleft.evidence import policies
from shiftleft.evidence import registry as registry_mod
from shiftleft.policy import catalog as catalog_mod
from tests.helpers import ROOT

SHIPPED, SHOWN = catalog_mod.shipped_folder()
CATALOG = catalog_mod.load([(SHIPPED, SHOWN)])
EVIDENCE = [r for r in CATALOG.rules if r.evidence]

TOPIC = {
    "SL810": r"encrypt",
    "SL811": r"https|tls|ssl|transit|node-to-node",
    "SL812": r"tls|ssl",
    "SL813": r"multi-az|zone|multi az",
    "SL815": r"probe",
    "SL816": r"backup|point in time|point-in-time|snapshot|retention",
    "SL817": r"geo-redundant|cross-region",
}
"""What each mapped check's own name must be about (checkov's wording)."""


@pytest.fixture(scope="module")
def registry() -> dict[str, str]:
    """The installed checkov's checks, read as `shiftleft rules test` reads them (shiftleft.evidence.registry)."""
    return registry_mod.load().names


def test_the_shipped_mapping_covers_the_claims() -> None:
    assert {r.id: dict(r.evidence)["scanner"] for r in EVIDENCE} == {
        "SL810": "checkov", "SL811": "checkov", "SL812": "checkov", "SL813": "checkov", "SL814": "checkov",
        "SL815": "checkov", "SL816": "checkov", "SL817": "checkov", "SL820": "bandit", "SL821": "bandit",
    }  # fmt: skip
    assert {r.id: r.location for r in EVIDENCE}["SL814"] == "spec.availability.min_replicas"


@pytest.mark.parametrize("rule", [r for r in EVIDENCE if "checks" in r.evidence], ids=lambda r: r.id)
def test_every_mapped_check_exists_in_the_installed_checkov_and_matches_the_claim(
    rule: catalog_mod.Rule, registry: dict[str, str]
) -> None:
    checks = list(rule.evidence["checks"])
    assert len(checks) == len(set(checks)), "a check is listed twice"
    missing = [c for c in checks if c not in registry]
    assert missing == [], f"{rule.id} names checks the installed checkov does not have"
    off_topic = [f"{c}: {registry[c]}" for c in checks if not re.search(TOPIC[rule.id], registry[c], re.I)]
    assert off_topic == []


def test_custom_policy_ids_are_not_checkov_builtins(registry: dict[str, str]) -> None:
    for value in (1, 2, 3, 10):
        ident = policies.check_id("min-replicas", value)
        assert ident == f"CKV2_SLREPLICAS_{value}" and ident not in registry
    assert "value: 3\n" in policies.source("min-replicas", 3)


BASE = """\
id: SL899
name: custom-evidence
severity: high
category: evidence
summary: s
rationale: r
remediation: r
when: "true"
location: spec.tier
message: m
"""


@pytest.mark.parametrize(
    ("block", "line", "message"),
    [
        ("evidence: {scanner: trivy}", 11, "evidence.scanner must be one of checkov, bandit"),
        (
            "evidence: {scanner: checkov}",
            11,
            "evidence for checkov names either checks (a list of check ids) or a policy",
        ),
        (
            "evidence: {scanner: checkov, checks: [CKV_AWS_3, 'rm -rf']}",
            11,
            "'rm -rf' is not a checkov check id like CKV_AWS_3",
        ),
        (
            "evidence: {scanner: checkov, policy: replicas-at-most, value: spec.tier}",
            11,
            "evidence.policy must be one of min-replicas (shipped with shiftleft)",
        ),
        (
            "evidence: {scanner: checkov, policy: min-replicas, value: tier}",
            11,
            "evidence.value must be the manifest path of the threshold, like spec.availability.min_replicas",
        ),
        (
            "evidence: {scanner: bandit, severity: critical, confidence: low}",
            11,
            "evidence.severity must be one of low, medium, high",
        ),
        (
            "evidence: {scanner: bandit, checks: [CKV_AWS_3], severity: low, confidence: low}",
            11,
            "evidence.checks is for checkov; bandit takes severity and confidence",
        ),
        (
            "evidence: {scanner: checkov, checks: [CKV_AWS_3], external-checks-dir: /tmp}",
            11,
            "unknown key 'external-checks-dir' in evidence (known: checks, confidence, policy, scanner, severity, value)",
        ),
        (
            "assert: 'true'\nevidence: {scanner: checkov, checks: [CKV_AWS_3]}",
            12,
            "an evidence rule has no assert (and is not builtin): the scanners judge it",
        ),
    ],
)
def test_bad_evidence_blocks_are_rule_errors(tmp_path: Path, block: str, line: int, message: str) -> None:
    path = tmp_path / "SL899-custom-evidence.yaml"
    path.write_text(BASE + block + "\n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        catalog_mod.load_rule(path, "rules/SL899-custom-evidence.yaml")
    assert (raised.value.message, raised.value.line) == (message, line)


def test_an_organisation_can_add_its_own_mapping(tmp_path: Path) -> None:
    path = tmp_path / "SL899-custom-evidence.yaml"
    path.write_text(BASE + "evidence: {scanner: checkov, checks: [CKV_AWS_16]}\n", encoding="utf-8")
    rule = catalog_mod.load_rule(path, "rules/SL899-custom-evidence.yaml")
    assert dict(rule.evidence) == {"scanner": "checkov", "checks": ["CKV_AWS_16"]} and rule.check is None


def test_the_evidence_pre_commit_hook_runs_serially_with_the_scanners() -> None:
    import yaml

    root = ROOT
    hooks = {h["id"]: h for h in yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    hook = hooks["shiftleft-evidence"]
    assert hook["entry"] == "shiftleft check --changed --evidence"
    assert hook["require_serial"] is True and hook["pass_filenames"] is True
    assert hook["additional_dependencies"] == ["checkov>=3.2,<4", "bandit>=1.8,<2"]
    assert re.search(hook["files"], "services/checkout/infra/main.tf")
    assert re.search(hook["files"], "services/checkout/src/checkout/orders.py")
    assert not re.search(hook["files"], "README.md")
