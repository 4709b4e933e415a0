"""The engine: when/assert/each/location/messages, exact findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shiftleft.engine import Settings, evaluate
from shiftleft.findings import Severity
from shiftleft.manifest import model
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy import tiers as tiers_mod
from tests.helpers import write

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


def _settings(**kw: object) -> Settings:
    base: dict[str, object] = {
        "fail_on": Severity.HIGH,
        "now": NOW,
        "org": {},
        "severity": {},
        "disable": frozenset({"SL014"}),  # the tier's required sections have their own tests (test_required.py)
    }
    base.update(kw)
    return Settings(**base)  # type: ignore[arg-type]


def _catalog(tmp_path: Path, *rules: tuple[str, str]) -> catalog_mod.Catalog:
    shipped, _display = catalog_mod.shipped_folder()
    folder = tmp_path / "org-rules"
    folder.mkdir(exist_ok=True)
    for name, text in rules:
        write(folder, name, text)
    return catalog_mod.load([(shipped / "manifest", "<shiftleft>/rules/manifest"), (folder, "org-rules")])


def _tiers() -> tiers_mod.TierPolicy:
    shipped, _display = catalog_mod.shipped_folder()
    return tiers_mod.load(shipped / "tiers.yaml", "tiers.yaml")


def _load(tmp_path: Path, rel: str, text: str) -> model.Manifest:
    path = write(tmp_path / "repo", rel, text)
    return model.load(path, rel, tmp_path / "repo")


RULE = """\
id: ACME101
name: {name}
severity: medium
category: people
summary: test rule
rationale: because
remediation: do it
{body}
"""


def rule(name: str, body: str) -> tuple[str, str]:
    rule_id = "ACME101"
    return (f"{rule_id}-{name}.yaml", RULE.format(name=name, body=body))


MANIFEST = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: checkout
  owner: team-checkout
spec:
  tier: 1
  continuity:
    rto: 2h
  dependencies:
    - {service: payments, hard: true}
    - service: search
      hard: true
    - {service: currency, hard: false, fallback: "cached rates"}
"""


def test_assert_false_gives_one_finding_at_location(tmp_path: Path) -> None:
    cat = _catalog(
        tmp_path,
        rule(
            "rto-max",
            'when: has(spec.continuity)\nassert: duration(spec.continuity.rto) <= duration("3600s")\n'
            "location: spec.continuity.rto\nmessage: 'RTO {{ spec.continuity.rto }} too long for {{ metadata.name }}'",
        ),
    )
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert [(f.rule, f.service, str(f.location), f.location.path, f.message) for f in result.findings] == [
        ("ACME101", "checkout", "svc/shiftleft.yaml:9:10", "spec.continuity.rto", "RTO 2h too long for checkout")
    ]
    assert result.findings[0].severity is Severity.MEDIUM
    assert result.passed  # medium is below the default fail-on high


def test_when_false_skips_rule(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, rule("never", "when: spec.tier == 4\nassert: false\nmessage: x"))
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert result.findings == ()


def test_each_reports_one_finding_per_offending_item(tmp_path: Path) -> None:
    cat = _catalog(
        tmp_path,
        rule(
            "hard-needs-fallback",
            "each: spec.dependencies\nassert: '!item.hard || has(item.fallback)'\n"
            "message: 'hard dependency {{ item.service }} (#{{ index }}) has no fallback'",
        ),
    )
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert [(str(f.location), f.location.path, f.message) for f in result.findings] == [
        ("svc/shiftleft.yaml:11:7", "spec.dependencies[0]", "hard dependency payments (#0) has no fallback"),
        ("svc/shiftleft.yaml:12:7", "spec.dependencies[1]", "hard dependency search (#1) has no fallback"),
    ]


def test_each_location_template_points_inside_item(tmp_path: Path) -> None:
    cat = _catalog(
        tmp_path,
        rule(
            "hard-deps-named",
            "each: spec.dependencies\nassert: '!item.hard'\nlocation: spec.dependencies[{index}].hard\n"
            "message: '{{ item.service }} is hard'",
        ),
    )
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert [str(f.location) for f in result.findings] == ["svc/shiftleft.yaml:11:33", "svc/shiftleft.yaml:13:13"]


def test_missing_location_points_at_closest_parent(tmp_path: Path) -> None:
    cat = _catalog(
        tmp_path,
        rule("needs-rpo", "assert: has(spec.continuity.rpo)\nlocation: spec.continuity.rpo\nmessage: no RPO"),
    )
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert [(str(f.location), f.location.path) for f in result.findings] == [
        ("svc/shiftleft.yaml:8:3", "spec.continuity.rpo")
    ]


def test_evaluation_error_fails_closed_with_rule_finding(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, rule("unguarded", "assert: spec.security.internet_facing\nmessage: x"))
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert [(f.rule, f.message) for f in result.findings] == [
        ("ACME101", 'ACME101 could not be evaluated: Key not found in map : "security"')
    ]


def test_non_boolean_assert_is_reported(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, rule("not-bool", "assert: spec.tier\nmessage: x"))
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert [f.message for f in result.findings] == ["ACME101 assert must be true or false, not 1"]


def test_tier_org_and_now_variables(tmp_path: Path) -> None:
    cat = _catalog(
        tmp_path,
        rule(
            "vars",
            "assert: >-\n  tier.name == 'mission-critical' && org.max_tier == 1 &&\n"
            "  now == timestamp('2026-11-25T00:00:00Z') && type(graph) == map\nmessage: x",
        ),
    )
    manifest = _load(tmp_path, "svc/shiftleft.yaml", MANIFEST)
    assert evaluate([manifest], cat, _tiers(), _settings(org={"max_tier": 1})).findings == ()
    assert len(evaluate([manifest], cat, _tiers(), _settings(org={"max_tier": 2})).findings) == 1


def test_durations_and_dates_are_normalised_for_cel(tmp_path: Path) -> None:
    text = MANIFEST.replace("rto: 2h", "rto: 1h30m\n    last_test: {date: 2026-09-14}")
    cat = _catalog(
        tmp_path,
        rule(
            "typed",
            "assert: >-\n  spec.continuity.rto == '5400s' &&\n"
            "  spec.continuity.last_test.date == '2026-09-14T00:00:00Z' &&\n"
            "  now - timestamp(spec.continuity.last_test.date) == duration('6220800s')\nmessage: x",
        ),
    )
    assert evaluate([_load(tmp_path, "svc/shiftleft.yaml", text)], cat, _tiers(), _settings()).findings == ()


def test_percentages_are_doubles(tmp_path: Path) -> None:
    text = MANIFEST + "  availability: {slo: 99}\n  incident:\n    thresholds:\n      major: {error_rate: 5%}\n"
    cat = _catalog(
        tmp_path,
        rule(
            "pct",
            "assert: spec.availability.slo + 0.5 == 99.5 && spec.incident.thresholds.major.error_rate == 5.0\nmessage: x",
        ),
    )
    assert evaluate([_load(tmp_path, "svc/shiftleft.yaml", text)], cat, _tiers(), _settings()).findings == ()


def test_exists_function_is_confined_to_repository(tmp_path: Path) -> None:
    text = MANIFEST + "  incident: {runbook: docs/runbook.md}\n"
    write(tmp_path / "repo", "svc/docs/runbook.md", "# runbook\n")
    write(tmp_path, "outside.md", "secret\n")
    cat = _catalog(
        tmp_path,
        rule(
            "exists",
            "assert: exists(spec.incident.runbook) && !exists('docs/missing.md') && !exists('../../outside.md')"
            " && !exists('/etc/passwd')\nmessage: x",
        ),
    )
    assert evaluate([_load(tmp_path, "svc/shiftleft.yaml", text)], cat, _tiers(), _settings()).findings == ()


def test_severity_override_and_disable(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, rule("always", "assert: false\nmessage: boom"))
    manifest = _load(tmp_path, "svc/shiftleft.yaml", MANIFEST)
    raised = evaluate([manifest], cat, _tiers(), _settings(severity={"ACME101": Severity.CRITICAL}))
    assert [(f.rule, f.severity) for f in raised.findings] == [("ACME101", Severity.CRITICAL)]
    assert not raised.passed
    assert evaluate([manifest], cat, _tiers(), _settings(disable=frozenset({"ACME101", "SL014"}))).findings == ()


def test_messages_render_values_as_written(tmp_path: Path) -> None:
    cat = _catalog(
        tmp_path,
        rule(
            "msg",
            "assert: false\nmessage: '{{ spec.dependencies[1].hard }} {{ spec.nope }} "
            "{{ spec.dependencies[0].service | upper }}'",
        ),
    )
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    assert [f.message for f in result.findings] == ["true (not set) PAYMENTS"]


def test_message_template_cannot_escape_sandbox(tmp_path: Path) -> None:
    cat = _catalog(
        tmp_path,
        rule("evil", "assert: false\nmessage: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\""),
    )
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", MANIFEST)], cat, _tiers(), _settings())
    (finding,) = result.findings
    assert "message could not be rendered" in finding.message
    assert "subclasses" in finding.message


def test_unknown_tier_and_duplicate_name(tmp_path: Path) -> None:
    cat = _catalog(tmp_path)
    one = _load(tmp_path, "a/shiftleft.yaml", MANIFEST)
    two = _load(tmp_path, "b/shiftleft.yaml", MANIFEST.replace("tier: 1", "tier: 7"))
    result = evaluate([one, two], cat, _tiers(), _settings())
    assert [(f.rule, str(f.location), f.message) for f in result.findings] == [
        (
            "SL009",
            "b/shiftleft.yaml:4:9",
            "service name 'checkout' is already used by a/shiftleft.yaml; names are unique across the catalog",
        ),
        (
            "SL010",
            "b/shiftleft.yaml:7:9",
            "tier 7 is not in the tier policy tiers.yaml (known tiers: 0, 1, 2, 3, 4)",
        ),
    ]


def test_broken_manifest_does_not_stop_others(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, rule("always", "assert: false\nmessage: boom"))
    broken = _load(tmp_path, "a/shiftleft.yaml", "apiVersion: [\n")
    good = _load(tmp_path, "b/shiftleft.yaml", MANIFEST)
    result = evaluate([broken, good], cat, _tiers(), _settings())
    assert [(f.rule, f.service, str(f.location)) for f in result.findings] == [
        ("SL001", "a", "a/shiftleft.yaml:2:1"),
        ("ACME101", "checkout", "b/shiftleft.yaml:1:1"),
    ]
    assert [s.valid for s in result.services] == [False, True]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("assert: spec.x >\nmessage: x", "org-rules/ACME101-bad.yaml:8:17: assert: CEL does not compile: Syntax error"),
        (
            "assert: foo.bar\nmessage: x",
            "org-rules/ACME101-bad.yaml:8:12: assert: CEL does not compile: undeclared reference to 'foo.bar'",
        ),
        ("assert: 'true'\nmessage: '{% if %}'", "org-rules/ACME101-bad.yaml:9:10: message: template does not compile"),
        (
            "assert: 'true'\nmessage: x\nlocation: spec..x",
            "org-rules/ACME101-bad.yaml:10:11: location must be a manifest path",
        ),
        ("assert: 'true'\nmessage: x\nfoo: 1", "org-rules/ACME101-bad.yaml:10:1: unknown key 'foo' in rule file"),
        ("message: x", "org-rules/ACME101-bad.yaml:1:1: missing required key 'assert'"),
        (
            "assert: 'true'\nmessage: x\nreferences: [{framework: nist, control: CP-2}]",
            "org-rules/ACME101-bad.yaml:10:26: unknown framework 'nist'",
        ),
    ],
)
def test_bad_rule_files_are_configuration_errors(tmp_path: Path, body: str, message: str) -> None:
    from shiftleft.errors import RuleError

    with pytest.raises(RuleError) as info:
        _catalog(tmp_path, rule("bad", body))
    assert str(info.value).startswith(message)


def _focus_case(tmp_path: Path) -> tuple[catalog_mod.Catalog, list[model.Manifest]]:
    """a's files changed; b depends on a; c is unrelated. A local rule and a graph rule that always fire."""
    cat = _catalog(
        tmp_path,
        rule("local-always", "assert: 'false'\nmessage: local"),
        (
            "ACME102-graph-always.yaml",
            RULE.replace("ACME101", "ACME102").format(
                name="graph-always", body="assert: type(graph) != map\nmessage: graph"
            ),
        ),
    )
    a = _load(tmp_path, "a/shiftleft.yaml", MANIFEST.replace("name: checkout", "name: a"))
    b = _load(
        tmp_path,
        "b/shiftleft.yaml",
        MANIFEST.replace("name: checkout", "name: b").replace(
            "{service: payments, hard: true}", "{service: a, hard: true}"
        ),
    )
    c = _load(tmp_path, "c/shiftleft.yaml", MANIFEST.replace("name: checkout", "name: c"))
    return cat, [a, b, c]


def test_focus_evaluates_the_focus_and_only_graph_rules_of_its_dependents(tmp_path: Path) -> None:
    """The pre-commit path: a's files changed; b depends on a; c is unrelated."""
    from shiftleft.engine import Evaluation

    cat, (a, b, c) = _focus_case(tmp_path)
    evaluation = Evaluation(cat, _tiers(), _settings(), frozenset({"a/shiftleft.yaml"}))
    for manifest in (a, b, c):
        evaluation.add(manifest)
    result = evaluation.finish()
    assert [s.name for s in result.services] == ["a", "b"]
    assert sorted((f.service, f.rule) for f in result.findings) == [
        ("a", "ACME101"),
        ("a", "ACME102"),
        ("b", "ACME102"),
    ]


def test_cached_facts_outside_the_focus_give_the_same_result(tmp_path: Path) -> None:
    """The facts cache hands the engine a node and marshalled sections (`Known`) for an unchanged manifest
    outside the focus, with only its name, tier and paths as values: the result is the same as from the whole
    manifest, b's graph finding included (its sections unpacked from the cached bytes). A manifest in the focus
    with cached facts is refused (its local rules would read values that are not there)."""
    import marshal

    from shiftleft.engine import Evaluation, Known, _trim
    from shiftleft.graph.nodes import from_manifest

    cat, manifests = _focus_case(tmp_path)
    focus = frozenset({"a/shiftleft.yaml"})
    plain = Evaluation(cat, _tiers(), _settings(), focus)
    for manifest in manifests:
        plain.add(model.Manifest(manifest.file, manifest.display, manifest.root, dict(manifest.raw), {}))
    cached = Evaluation(cat, _tiers(), _settings(), focus)
    a, b, c = manifests
    cached.add(a)
    for manifest in (b, c):
        known = Known(from_manifest(manifest.raw, manifest.name, True), marshal.dumps(_trim(manifest.raw, cached.keep)))
        head = {"metadata": {"name": manifest.name}, "spec": {"tier": manifest.raw["spec"]["tier"]}}
        cached.add(model.Manifest(manifest.file, manifest.display, manifest.root, head, {}), known)
    assert cached.finish() == plain.finish()
    with pytest.raises(RuntimeError, match=r"a/shiftleft\.yaml: cached facts are for valid manifests outside"):
        cached.add(a, known)
