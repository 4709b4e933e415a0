"""What evidence takes of a manifest while it loads: its claims (line, message, threshold, errors) and its files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shiftleft.errors import ManifestError
from shiftleft.evidence import subject
from shiftleft.evidence.subject import Claim, Subject
from shiftleft.manifest import model
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import tiers as tiers_mod
from shiftleft.policy.catalog import Rule
from shiftleft.policy.evidencespec import Spec
from tests.unit.evidence.recorded import rule

NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)
SHIPPED, _ = catalog_mod.shipped_folder()
TIERS = tiers_mod.load(SHIPPED / "tiers.yaml", "tiers.yaml")

MANIFEST = """\
apiVersion: shiftleft/v1
kind: Service
metadata: {{name: vault, owner: team-vault}}
spec:
  tier: {tier}
  paths:
    code: [src, missing]
    infrastructure: {infrastructure}
  data:
    classification: confidential
  availability:
    zones: 2
    min_replicas: {replicas}
  security:
    encryption: {{at_rest: true, in_transit: true}}
"""

RULE = """\
id: SL898
name: custom-evidence
severity: high
category: evidence
summary: s
rationale: r
remediation: r
when: "{when}"
location: spec.security.encryption.at_rest
message: "{message}"
evidence: {evidence}
"""


def custom(
    tmp_path: Path, when: str, message: str = "m", evidence: str = "{scanner: checkov, checks: [CKV_AWS_3]}"
) -> Rule:
    path = tmp_path / "SL898-custom-evidence.yaml"
    path.write_text(RULE.format(when=when, message=message, evidence=evidence), encoding="utf-8")
    return catalog_mod.load_rule(path, "rules/SL898-custom-evidence.yaml")


def repo(tmp_path: Path, tier: object = 1, replicas: object = 3, infrastructure: str = "[infra, chart, kust]") -> Path:
    root = tmp_path / "repo"
    for rel in ("infra/main.tf", "infra/k8s/deploy.yaml", "infra/notes.txt", "infra/extra.yml", "infra/cfn.json",
                "chart/Chart.yaml", "chart/templates/deploy.yaml", "kust/Kustomization", "src/app.py",
                "src/README.md", "src/pkg/util.py"):  # fmt: skip
        (root / "services/vault" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "services/vault" / rel).write_text("x: 1\n", encoding="utf-8")
    text = MANIFEST.format(tier=tier, replicas=replicas, infrastructure=infrastructure)
    (root / "services/vault/shiftleft.yaml").write_text(text, encoding="utf-8")
    (root / ".git").mkdir(exist_ok=True)
    return root


def load(root: Path) -> model.Manifest:
    return model.load(root / "services/vault/shiftleft.yaml", "services/vault/shiftleft.yaml", root)


def capture(manifest: model.Manifest, *rules: Rule, org: dict[str, object] | None = None) -> Subject | None:
    return subject.capture(manifest, list(rules), TIERS, org or {}, NOW)


def test_the_claims_of_the_shipped_rules_carry_their_line_message_and_threshold(tmp_path: Path) -> None:
    root = repo(tmp_path)
    found = capture(load(root), rule("SL810"), rule("SL813"), rule("SL814"), rule("SL816"), rule("SL820"))
    assert found is not None
    vault = str(root / "services/vault")
    assert found == Subject(
        "vault",
        "services/vault/shiftleft.yaml",
        (f"{vault}/chart/Chart.yaml", f"{vault}/chart/templates/deploy.yaml", f"{vault}/infra/cfn.json",
         f"{vault}/infra/extra.yml", f"{vault}/infra/k8s/deploy.yaml", f"{vault}/infra/main.tf"),
        (f"{vault}/src/app.py", f"{vault}/src/pkg/util.py"),
        (
            Claim(rule("SL810"), Spec.of(rule("SL810").evidence), 15, 27, "the manifest declares encryption at rest"),
            Claim(rule("SL813"), Spec.of(rule("SL813").evidence), 12, 12, "the manifest declares 2 availability zones"),
            Claim(rule("SL814"), Spec.of(rule("SL814").evidence), 13, 19,
                  "the manifest declares at least 3 replicas", 3),
            Claim(rule("SL820"), Spec.of(rule("SL820").evidence), 10, 21,
                  "confidential data allows no security issue of medium severity or above in the service's code"),
        ),
        (f"{vault}/chart/Chart.yaml", f"{vault}/kust/Kustomization"),
    )  # fmt: skip


def test_a_policy_threshold_that_is_not_a_whole_number_is_a_claim_error(tmp_path: Path) -> None:
    manifest = load(repo(tmp_path))
    for value in ("spec.security.encryption.at_rest", "spec.data.classification", "spec.absent.path"):
        policy = f"{{scanner: checkov, policy: min-replicas, value: {value}}}"
        found = capture(manifest, custom(tmp_path, "true", evidence=policy))
        error = f"SL898: {value} must be a whole number for policy min-replicas"
        assert found is not None and [(c.value, c.error, c.message) for c in found.claims] == [(0, error, error)]
    zero = custom(tmp_path, "true", "{{ spec.tier }}", "{scanner: checkov, policy: min-replicas, value: spec.tier}")
    found = capture(load(repo(tmp_path / "zero", tier=0)), zero)
    assert found is not None and [(c.value, c.error, c.message) for c in found.claims] == [(0, "", "0")]
    raw = {"apiVersion": "shiftleft/v1", "kind": "Service", "metadata": {"name": "v"},
           "spec": {"tier": 1, "availability": {"min_replicas": -1}}}  # fmt: skip
    negative = model.Manifest(tmp_path / "v.yaml", "v.yaml", tmp_path, raw=raw)
    found = capture(negative, rule("SL814")._replace(when=custom(tmp_path, "true").when))
    error = "SL814: spec.availability.min_replicas must be a whole number for policy min-replicas"
    assert found is not None and [(c.value, c.error) for c in found.claims] == [(0, error)]


def test_a_when_that_fails_is_a_claim_error_and_one_that_is_not_true_no_claim(tmp_path: Path) -> None:
    manifest = load(repo(tmp_path))
    failing = custom(tmp_path, "spec.nothing.here")
    found = capture(manifest, failing)
    assert found is not None
    (claim,) = found.claims
    assert claim.error.startswith("SL898 could not be evaluated (when): ") and "nothing" in claim.error
    assert (claim.line, claim.col, claim.message, claim.value) == (15, 27, claim.error, 0)
    policy = "{scanner: checkov, policy: min-replicas, value: spec.availability.min_replicas}"
    found = capture(manifest, custom(tmp_path, "spec.nothing.here", evidence=policy))
    assert found is not None and found.claims[0].error.startswith("SL898 could not be evaluated (when): ")
    for when in ("false", "'yes'", "1"):
        found = capture(manifest, custom(tmp_path, when))
        assert found is not None and found.claims == (), when
    found = capture(manifest, rule("SL810")._replace(when=None), rule("SL813"))
    assert found is not None and [c.rule.id for c in found.claims] == ["SL813"]  # the rules after it still count


def test_the_claim_reads_and_shows_the_tier_org_metadata_and_date(tmp_path: Path) -> None:
    when = (
        "tier.number == 1 && org.region == 'eu' && metadata.name == 'vault' && now > timestamp('2026-01-01T00:00:00Z')"
    )
    message = "{{ metadata.name }} {{ tier.slo_floor }} {{ org.region }} {{ now }} {{ spec.tier }}"
    found = capture(load(repo(tmp_path)), custom(tmp_path, when, message), org={"region": "eu"})
    assert found is not None
    assert [c.message for c in found.claims] == [f"vault {TIERS.tiers[1].raw['slo_floor']} eu 2026-11-25 1"]
    unset = custom(tmp_path, "item == null && index == 0 && graph == {}")
    found = capture(load(repo(tmp_path)), unset)
    assert found is not None and [c.error for c in found.claims] == [""]


def test_no_subject_without_a_valid_manifest_or_a_known_tier(tmp_path: Path) -> None:
    assert capture(load(repo(tmp_path / "t9", tier=9)), rule("SL810")) is None
    assert not subject.has_files(load(repo(tmp_path / "t9", tier=9)), TIERS)
    assert capture(load(repo(tmp_path / "ts", tier="'1'")), rule("SL810")) is None
    assert not subject.has_files(load(repo(tmp_path / "ts", tier="'1'")), TIERS)
    broken = model.Manifest(tmp_path / "x.yaml", "x.yaml", tmp_path, raw={"spec": {"tier": 1}})
    broken.problems.append(ManifestError("SL006", "bad", file="x.yaml", line=1, col=1))
    assert capture(broken, rule("SL810")) is None and not subject.has_files(broken, TIERS)
    raw = model.Manifest(tmp_path / "x.yaml", "x.yaml", tmp_path, raw={"spec": ["tier", 1]})
    assert capture(raw, rule("SL810")) is None and not subject.has_files(raw, TIERS)


def test_has_files_is_true_for_infrastructure_code_or_a_chart_alone(tmp_path: Path) -> None:
    assert subject.has_files(load(repo(tmp_path / "all")), TIERS)
    none = repo(tmp_path / "none", infrastructure="[nothing]")
    (none / "services/vault/src/app.py").unlink()
    (none / "services/vault/src/pkg/util.py").unlink()
    assert not subject.has_files(load(none), TIERS)
    chart = repo(tmp_path / "chart", infrastructure="[kust]")
    (chart / "services/vault/src/app.py").unlink()
    (chart / "services/vault/src/pkg/util.py").unlink()
    assert subject.has_files(load(chart), TIERS)
    infra = repo(tmp_path / "infra", infrastructure="[infra/main.tf]")
    (infra / "services/vault/src/app.py").unlink()
    (infra / "services/vault/src/pkg/util.py").unlink()
    assert subject.has_files(load(infra), TIERS)
    code = repo(tmp_path / "code", infrastructure="[]")
    assert subject.has_files(load(code), TIERS)
    found = capture(load(code), rule("SL810"))
    assert found is not None and found.infrastructure == () and found.unrendered == ()
