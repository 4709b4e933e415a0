"""The shipped rule catalog: meta-tests and exact per-rule expectations.

Every SL1xx-SL6xx rule's failing example marks the line its finding must
point at (`# SL301: ...`); `test_fail_example_exact_findings` runs it through
the real loader and engine and compares (rule, service, file, line) exactly.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import textwrap
from pathlib import Path

import pytest

from shiftleft import ruletest
from shiftleft.engine import Evaluation, Settings, evaluate
from shiftleft.findings import Severity
from shiftleft.manifest import model
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import tiers as tiers_mod
from shiftleft.vocabulary import Category
from tests.helpers import ROOT
from tests.required_helpers import fresh_run

SHIPPED, SHOWN = catalog_mod.shipped_folder()
CATALOG = catalog_mod.load([(SHIPPED, SHOWN)])
TIERS = tiers_mod.load(SHIPPED / "tiers.yaml", "tiers.yaml")
MINE = [r for r in CATALOG.rules if r.id[:3] in {f"SL{n}" for n in range(1, 7)}]
"""The SL1xx-SL6xx rules of this issue (SL7xx, SL8xx belong to the graph and evidence catalogs)."""
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def test_at_least_45_rules_across_the_six_groups() -> None:
    counts = {c: sum(1 for r in MINE if r.category == c) for c in
              ("people", "availability", "continuity", "incident", "security", "compliance")}  # fmt: skip
    assert sum(counts.values()) >= 45
    assert all(n >= 5 for n in counts.values()), counts


def test_ids_unique_and_well_formed() -> None:
    ids = [r.id for r in CATALOG.rules]
    assert len(ids) == len(set(ids))
    for rule in CATALOG.rules:
        assert re.fullmatch(r"SL[0-9]{3}", rule.id)
        assert rule.file.endswith(f"/{rule.category}/{rule.id}-{rule.name}.yaml"), rule.file
        assert rule.id[2] == Category(rule.category).digit


@pytest.mark.parametrize("rule", MINE, ids=lambda r: r.id)
def test_every_field_present(rule: catalog_mod.Rule) -> None:
    assert rule.summary and rule.rationale and rule.remediation and rule.message
    assert len(rule.rationale.split()) >= 25, "rationale should explain why, citing practice or regulation"
    assert rule.check is not None, "every CEL rule has an assert (compiled at load)"
    assert rule.references, "every rule maps to at least one framework control"
    assert all(ref.framework in catalog_mod.FRAMEWORKS for ref in rule.references)
    assert set(rule.examples) == {"pass", "fail"}
    assert "{%" not in rule.message and "|" not in rule.message, "messages only substitute values (no jinja2)"


@pytest.mark.parametrize("rule", MINE, ids=lambda r: r.id)
def test_fail_example_marks_where_the_finding_points(rule: catalog_mod.Rule) -> None:
    assert ruletest.marked_lines(rule.examples["fail"], rule.id), f"{rule.id}: mark the failing line `# {rule.id}: ...`"


def _load_snippet(tmp_path: Path, text: str, declared_exist: bool) -> model.Manifest:
    path = tmp_path / "svc" / "shiftleft.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    manifest = model.load(path, "svc/shiftleft.yaml", tmp_path)
    if declared_exist:
        manifest.files = dict.fromkeys(manifest.files, True)
    return manifest


_EVALUATIONS: dict[tuple[dt.datetime, str], Evaluation] = {}
"""One Evaluation (its compiled rule groups) per date and organisation settings of the examples."""


def _evaluate(rule: catalog_mod.Rule, manifest: model.Manifest) -> list[tuple[str, str, str, int]]:
    now = dt.datetime.combine(dt.date.fromisoformat(rule.examples_now), dt.time(), tzinfo=dt.UTC) \
        if rule.examples_now else NOW  # fmt: skip
    key = (now, json.dumps(rule.examples_org, sort_keys=True, default=str))
    if key not in _EVALUATIONS:
        _EVALUATIONS[key] = Evaluation(CATALOG, TIERS, Settings(Severity.INFO, now, rule.examples_org, {}, frozenset()))
    result = fresh_run(_EVALUATIONS[key], [manifest])
    return [(f.rule, f.service, f.location.file, f.location.line) for f in result.findings if f.rule == rule.id]


@pytest.mark.parametrize("rule", MINE, ids=lambda r: r.id)
def test_fail_example_exact_findings(rule: catalog_mod.Rule, tmp_path: Path) -> None:
    manifest = _load_snippet(tmp_path, rule.examples["fail"], declared_exist=False)
    assert manifest.valid, manifest.problems
    lines = sorted(ruletest.marked_lines(rule.examples["fail"], rule.id))
    expected = [(rule.id, manifest.name, "svc/shiftleft.yaml", line) for line in lines]
    assert sorted(_evaluate(rule, manifest)) == expected


@pytest.mark.parametrize("rule", MINE, ids=lambda r: r.id)
def test_pass_example_has_no_finding_of_its_rule(rule: catalog_mod.Rule, tmp_path: Path) -> None:
    manifest = _load_snippet(tmp_path, rule.examples["pass"], declared_exist=True)
    assert manifest.valid, manifest.problems
    assert _evaluate(rule, manifest) == []


@pytest.mark.parametrize("now", ["2026-11-25", "today", "2031-02-28"])
def test_whole_catalog_passes_rules_test_on_any_date(now: str) -> None:
    moment = dt.datetime.now(dt.UTC) if now == "today" else dt.datetime.fromisoformat(now).replace(tzinfo=dt.UTC)
    report = ruletest.run(CATALOG, TIERS, moment, [(SHIPPED, SHOWN)])
    assert [str(b) for b in report.broken] == []
    assert report.untested == []
    testable = [
        r for r in CATALOG.rules if not (r.builtin and r.category == "governance")
    ]  # SL9xx: tests/unit/governance/, tests/e2e/governance/
    # Evidence rules are judged by checkov and bandit (tests/evidence), not by manifest examples.
    assert report.rules + len(report.evidence) == len(testable)
    assert report.evidence == [r.id for r in testable if r.category == "evidence"]
    assert report.cases >= 2 * report.rules


SPARSE = [
    "metadata: {name: s0}\nspec: {tier: 0}",
    "metadata: {name: s1, people: {}}\nspec:\n  tier: 1\n  data: {}\n  compliance: {}\n  availability: {}\n"
    "  continuity: {last_test: {}, backups: {}}\n  incident: {thresholds: {major: {}, disaster: {}}}\n"
    "  security: {encryption: {}, threat_model: {}, sdlc: {}}",
    "metadata: {name: s2, people: {oncall: {}}}\nspec:\n  tier: 2\n"
    "  data: {classification: restricted, personal_data: true}\n"
    "  compliance: {frameworks: [pci-dss, gdpr, hipaa], data_residency: []}\n"
    "  availability: {slo: 99.9, regions: [], zones: 2, min_replicas: 0}\n"
    "  continuity: {strategy: pilot-light, last_test: {date: 2026-01-01}, backups: {frequency: 1h}}\n"
    "  incident: {thresholds: {major: {duration: 5m}, disaster: {outage: 10m}}}\n"
    "  security: {internet_facing: true, encryption: {in_transit: true}, threat_model: {reviewed: 2026-01-01}}",
    "metadata: {name: s4}\nspec: {tier: 4, lifecycle: experimental, incident: {}, continuity: {}}",
]


@pytest.mark.parametrize("body", SPARSE, ids=["bare", "empty-sections", "partial", "experimental"])
def test_missing_optional_sections_never_fail_to_evaluate(body: str, tmp_path: Path) -> None:
    manifest = _load_snippet(tmp_path, "apiVersion: shiftleft/v1\nkind: Service\n" + body + "\n", False)
    assert manifest.valid, manifest.problems
    settings = Settings(Severity.INFO, NOW, {"approved_residency": ["eu"]}, {}, frozenset())
    result = evaluate([manifest], CATALOG, TIERS, settings)
    assert [f.message for f in result.findings if "could not be evaluated" in f.message] == []


def test_declared_rules_name_what_is_missing_for_a_bare_tier_1_service(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        apiVersion: shiftleft/v1
        kind: Service
        metadata: {name: bare}
        spec: {tier: 1}
        """)
    manifest = _load_snippet(tmp_path, text, False)
    result = evaluate([manifest], CATALOG, TIERS, Settings(Severity.INFO, NOW, {}, {}, frozenset()))
    found = [(f.rule, f.severity.value, f.location.line, f.location.path) for f in result.findings if f.rule < "SL700"]
    assert found == [
        ("SL014", "high", 3, "metadata.people.oncall.coverage"),
        ("SL101", "high", 3, "metadata.owner"),
        ("SL102", "medium", 3, "metadata.people.service_owner"),
        ("SL103", "medium", 3, "metadata.people.process_owner"),
        ("SL104", "medium", 3, "metadata.people.oncall"),
        ("SL106", "medium", 3, "metadata.people.oncall"),
        ("SL107", "medium", 3, "metadata.people"),
        ("SL014", "high", 4, "spec.data.classification"),
        ("SL014", "high", 4, "spec.data.personal_data"),
        ("SL014", "high", 4, "spec.security.internet_facing"),
        ("SL014", "high", 4, "spec.security.encryption.at_rest"),
        ("SL014", "high", 4, "spec.security.encryption.in_transit"),
        ("SL014", "high", 4, "spec.security.secrets"),
        ("SL014", "high", 4, "spec.availability.min_replicas"),
        ("SL014", "high", 4, "spec.continuity.strategy"),
        ("SL014", "high", 4, "spec.continuity.last_test.measured_rto"),
        ("SL014", "high", 4, "spec.continuity.last_test.measured_rpo"),
        ("SL201", "high", 4, "spec.availability.slo"),
        ("SL205", "medium", 4, "spec.availability"),
        ("SL210", "high", 4, "spec.availability.alerting"),
        ("SL211", "medium", 4, "spec.availability.capacity_test"),
        ("SL304", "high", 4, "spec.continuity"),
        ("SL307", "high", 4, "spec.continuity.last_test"),
        ("SL311", "high", 4, "spec.continuity.plan"),
        ("SL313", "high", 4, "spec.continuity.backups"),
        ("SL320", "medium", 4, "spec.continuity.degraded_mode"),
        ("SL324", "medium", 4, "spec.continuity.game_day"),
        ("SL401", "medium", 4, "spec.incident.runbook"),
        ("SL403", "high", 4, "spec.incident.thresholds"),
        ("SL410", "high", 4, "spec.incident.invocation_authority"),
        ("SL411", "medium", 4, "spec.incident.communication"),
        ("SL506", "high", 4, "spec.security.threat_model"),
        ("SL509", "high", 4, "spec.security.sdlc.code_review"),
        ("SL510", "high", 4, "spec.security.sdlc"),
        ("SL511", "medium", 4, "spec.security.sdlc.sbom"),
    ]


def test_generated_docs_are_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stale = [name for name, text in module.pages().items()
             if not (ROOT / "docs" / "rules" / name).is_file()
             or (ROOT / "docs" / "rules" / name).read_text(encoding="utf-8") != text]  # fmt: skip
    assert stale == [], "run: python scripts/gen_rule_docs.py"
