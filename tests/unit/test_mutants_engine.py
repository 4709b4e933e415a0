"""The engine's surviving mutants (docs/mutation.md): exact findings of what the engine decides itself.

Invalid manifests judged on their valid part, duplicate names decided across processes, placeholders,
shards, the rules it counts, a catalog without the builtin rules' files, and the places graph findings
point at, found while the manifest was loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shiftleft.engine import Evaluation, evaluate
from shiftleft.findings import Finding, Severity
from shiftleft.policy import catalog as catalog_mod
from tests.unit.test_engine import MANIFEST, NOW, RULE, _catalog, _load, _settings, _tiers, rule

LIFECYCLE = (
    "spec.lifecycle must be one of experimental, production, deprecated, not 'productoin' (did you mean 'production'?)"
)
DUPLICATE = "service name 'checkout' is already used by a/shiftleft.yaml; names are unique across the catalog"


def row(f: Finding) -> tuple[str, str, str, str, str, str, str, str]:
    return (f.rule, f.name, f.severity.value, f.category, f.service, str(f.location), f.location.path, f.message)


def other(rule_id: str, name: str, body: str) -> tuple[str, str]:
    return (f"{rule_id}-{name}.yaml", RULE.replace("ACME101", rule_id).format(name=name, body=body))


def _partial_catalog(tmp_path: Path) -> catalog_mod.Catalog:
    """ACME101 reads only the RTO; ACME102 asserts on spec.lifecycle; ACME103 only shows it in its message;
    ACME104 points at it; ACME105 reads spec.security, ACME106 spec.security.secrets (wrong in one manifest);
    ACME107 holds on the run's date."""
    return _catalog(
        tmp_path,
        rule(
            "rto",
            "assert: duration(spec.continuity.rto) <= duration('3600s')\nlocation: spec.continuity.rto\n"
            "message: 'RTO {{ spec.continuity.rto }}'",
        ),
        other("ACME102", "life", "assert: spec.lifecycle == 'x'\nmessage: life"),
        other("ACME103", "shown", "assert: 'false'\nmessage: 'lifecycle {{ spec.lifecycle }}'"),
        other("ACME104", "there", "assert: 'false'\nlocation: spec.lifecycle\nmessage: there"),
        other("ACME105", "security", "assert: '!has(spec.security)'\nmessage: security"),
        other("ACME106", "secrets", "assert: has(spec.security.secrets)\nmessage: no secrets"),
        other("ACME107", "now", "assert: now == timestamp('2026-11-25T00:00:00Z')\nmessage: not now"),
    )


BAD_LIFECYCLE = MANIFEST.replace("  tier: 1\n", "  tier: 1\n  lifecycle: productoin\n")


def test_an_invalid_manifest_gets_the_findings_of_the_rules_that_read_only_its_valid_part(tmp_path: Path) -> None:
    cat = _partial_catalog(tmp_path)
    a = [
        ("ACME105", "security", "medium", "people", "checkout", "a/shiftleft.yaml:1:1", "", "security"),
        ("SL006", "invalid-value", "critical", "manifest", "checkout", "a/shiftleft.yaml:8:14", "", LIFECYCLE),
        ("ACME101", "rto", "medium", "people", "checkout", "a/shiftleft.yaml:10:10", "spec.continuity.rto", "RTO 2h"),
    ]
    text = BAD_LIFECYCLE + "  security: {secrets: vault}\n"
    assert [
        row(f) for f in evaluate([_load(tmp_path, "a/shiftleft.yaml", text)], cat, _tiers(), _settings()).findings
    ] == a
    # A second manifest with the same wrong value, then one with another: each skips the rules of its own.
    second = _load(tmp_path, "b/shiftleft.yaml", BAD_LIFECYCLE.replace("checkout", "b") + "  security: {}\n")
    third = _load(tmp_path, "c/shiftleft.yaml", MANIFEST.replace("checkout", "c") + "  security: {secrets: 3}\n")
    first = _load(tmp_path, "a/shiftleft.yaml", text)  # evaluation trims a manifest's values: load it again
    result = evaluate([first, second, third], cat, _tiers(), _settings())
    secrets = (
        "spec.security.secrets must be one of vault, kms, cloud-secret-manager, aws-secrets-manager, "
        "aws-ssm-parameter-store, gcp-secret-manager, azure-key-vault, doppler, 1password, cyberark, infisical, "
        "external-secrets, sealed-secrets, sops, kubernetes, environment, none, not 3"
    )
    assert [(f.rule, f.service, str(f.location), f.location.path, f.message) for f in result.findings] == [
        (r[0], r[4], r[5], r[6], r[7]) for r in a
    ] + [
        ("ACME105", "b", "b/shiftleft.yaml:1:1", "", "security"),
        ("ACME106", "b", "b/shiftleft.yaml:1:1", "", "no secrets"),
        ("SL006", "b", "b/shiftleft.yaml:8:14", "", LIFECYCLE),
        ("ACME101", "b", "b/shiftleft.yaml:10:10", "spec.continuity.rto", "RTO 2h"),
        (
            "ACME102",
            "c",
            "c/shiftleft.yaml:1:1",
            "",
            'ACME102 could not be evaluated: Key not found in map : "lifecycle"',
        ),
        ("ACME103", "c", "c/shiftleft.yaml:1:1", "", "lifecycle (not set)"),
        ("ACME105", "c", "c/shiftleft.yaml:1:1", "", "security"),
        ("ACME104", "c", "c/shiftleft.yaml:6:1", "spec.lifecycle", "there"),
        ("ACME101", "c", "c/shiftleft.yaml:9:10", "spec.continuity.rto", "RTO 2h"),
        ("SL006", "c", "c/shiftleft.yaml:15:23", "", secrets),
    ]


def test_an_invalid_manifest_without_a_known_tier_gets_only_what_makes_it_invalid(tmp_path: Path) -> None:
    cat = _partial_catalog(tmp_path)
    tier_as_text = (
        "SL006", "invalid-value", "critical", "manifest", "checkout", "svc/shiftleft.yaml:7:9", "",
        "spec.tier must be an integer, not string 'one' (the tier policy has 0, 1, 2, 3, 4)",
    )  # fmt: skip
    wrong = ("SL006", "invalid-value", "critical", "manifest", "checkout", "svc/shiftleft.yaml:8:14", "", LIFECYCLE)
    for text, expected in [
        (BAD_LIFECYCLE.replace("tier: 1", "tier: one"), [tier_as_text, wrong]),
        (BAD_LIFECYCLE.replace("tier: 1", "tier: 9"), [wrong]),
        (
            BAD_LIFECYCLE.replace("  tier: 1\n", ""),
            [
                ("SL005", "missing-required-key", "critical", "manifest", "checkout", "svc/shiftleft.yaml:6:1", "",
                 "missing required key 'tier' in spec"),
                (*wrong[:5], "svc/shiftleft.yaml:7:14", "", LIFECYCLE),
            ],
        ),
    ]:  # fmt: skip
        manifest = _load(tmp_path, "svc/shiftleft.yaml", text)
        assert [row(f) for f in evaluate([manifest], cat, _tiers(), _settings()).findings] == expected, text


def test_the_tier_policys_tiers_follow_only_a_wrong_spec_tier(tmp_path: Path) -> None:
    cat = _catalog(tmp_path)
    text = MANIFEST.replace("tier: 1", "tier: one").replace("rto: 2h", "rto: soon")
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", text)], cat, _tiers(), _settings())
    assert [(f.rule, str(f.location), f.message) for f in result.findings] == [
        ("SL006", "svc/shiftleft.yaml:7:9", "spec.tier must be an integer, not string 'one' (the tier policy has "
         "0, 1, 2, 3, 4)"),
        ("SL007", "svc/shiftleft.yaml:9:10", "spec.continuity.rto: 'soon' is not a duration; write a number and a "
         "unit ms, s, m, h, d or w (250ms, 30s, 15m, 4h, 1h30m, 30d, 2w)"),
    ]  # fmt: skip


def test_duplicates_left_to_the_caller_are_marked_where_the_name_was_found(tmp_path: Path) -> None:
    """`shiftleft.parallel`: each process summarises its services, then marks the duplicates the whole catalog shows."""
    cat = _catalog(tmp_path)
    focus = frozenset({"a/shiftleft.yaml", "b/shiftleft.yaml", "d/shiftleft.yaml"})
    evaluation = Evaluation(cat, _tiers(), _settings(), focus)
    evaluation.defer_duplicates = True
    text = MANIFEST.replace("metadata:\n", "metadata:\n  description: one of two\n")
    for rel, manifest_text in [
        ("a/shiftleft.yaml", MANIFEST),
        ("b/shiftleft.yaml", text),  # the same name, one line lower
        ("c/shiftleft.yaml", MANIFEST),  # outside the focus: never named
        ("d/shiftleft.yaml", "apiVersion: [\n"),  # not valid: never named
    ]:
        evaluation.add(_load(tmp_path, rel, manifest_text))
    summary = evaluation.summary()
    assert [(s.name, s.display, s.named, s.skipped, s.node.name) for s in summary] == [
        ("checkout", "a/shiftleft.yaml", True, False, "checkout"),
        ("checkout", "b/shiftleft.yaml", True, False, "checkout"),
        ("checkout", "c/shiftleft.yaml", False, True, "checkout"),
        ("d", "d/shiftleft.yaml", False, False, "d"),
    ]
    evaluation.mark_duplicates({1: "a/shiftleft.yaml", 3: "a/shiftleft.yaml"})
    result = evaluation.finish()
    sl009 = ("SL009", "duplicate-service-name", "critical", "manifest")
    assert [row(f) for f in result.findings] == [
        (*sl009, "checkout", "b/shiftleft.yaml:5:9", "metadata.name", DUPLICATE),
        # No line of metadata.name was found in a file that did not load: the finding points at its start.
        (*sl009, "d", "d/shiftleft.yaml:1:1", "metadata.name",
         "service name 'd' is already used by a/shiftleft.yaml; names are unique across the catalog"),
        ("SL001", "invalid-yaml", "critical", "manifest", "d", "d/shiftleft.yaml:2:1", "",
         "invalid YAML: did not find expected node content (while parsing a flow node)"),
    ]  # fmt: skip
    assert result.findings[0].remediation == cat.get("SL009").remediation  # type: ignore[union-attr]


def test_placeholders_are_findings_of_evaluated_manifests_only(tmp_path: Path) -> None:
    cat = _catalog(tmp_path)
    text = MANIFEST.replace("  owner: team-checkout\n", "  owner: TODO-team   # the team that answers\n")
    broken = text.replace("tier: 1", "tier: one")
    evaluation = Evaluation(cat, _tiers(), _settings(), frozenset({"a/shiftleft.yaml", "b/shiftleft.yaml"}))
    for rel, manifest_text in [("a/shiftleft.yaml", text), ("b/shiftleft.yaml", broken), ("c/shiftleft.yaml", text)]:
        evaluation.add(_load(tmp_path, rel, manifest_text.replace("checkout", rel[0])))
    placeholder = ("SL015", "placeholder-value", "high", "manifest")
    message = "placeholder not filled in: owner: TODO-team # the team that answers"
    result = evaluation.finish()
    assert [row(f) for f in result.findings] == [
        (*placeholder, "a", "a/shiftleft.yaml:5:3", "", message),
        (*placeholder, "b", "b/shiftleft.yaml:5:3", "", message),
        ("SL006", "invalid-value", "critical", "manifest", "b", "b/shiftleft.yaml:7:9", "",
         "spec.tier must be an integer, not string 'one' (the tier policy has 0, 1, 2, 3, 4)"),
    ]  # fmt: skip
    assert result.findings[0].remediation == cat.get("SL015").remediation  # type: ignore[union-attr]
    assert not result.passed


def test_only_the_enabled_rules_the_engine_runs_are_counted(tmp_path: Path) -> None:
    shipped, _display = catalog_mod.shipped_folder()
    folder = tmp_path / "org-rules"
    for name, text in (
        rule("one", "assert: 'true'\nmessage: x"),
        other("ACME102", "two", "assert: 'false'\nmessage: y"),
    ):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    cat = catalog_mod.load([(shipped / "manifest", "m"), (shipped / "evidence", "e"), (folder, "org-rules")])
    disable = frozenset({"SL014", "ACME102", "SL810"})
    manifest = _load(tmp_path, "svc/shiftleft.yaml", MANIFEST)
    result = evaluate([manifest], cat, _tiers(), _settings(disable=disable))
    assert result.rules == 1  # ACME101: builtins, evidence rules and disabled rules are not run by the engine
    assert result.findings == ()
    assert sorted(r.id for r in result.catalog) == ["ACME101"] + [f"SL0{n:02d}" for n in range(1, 16) if n != 14]


def _graph_catalog(tmp_path: Path) -> catalog_mod.Catalog:
    known = "each: graph.dependencies\nassert: item.known\n"
    return _catalog(
        tmp_path,
        rule("at-dependency", known + "location: spec.dependencies[{index}].service\nmessage: '{{ item.service }}'"),
        other("ACME102", "at-item", known + "message: 'item {{ index }}'"),
        other("ACME103", "at-rto", "assert: type(graph) != map\nlocation: spec.continuity.rto\nmessage: rto"),
        other("ACME104", "at-file", "assert: type(graph) != map\nmessage: file"),
        # A name where ACME101 has an index: the places are ordered by their text, not compared part by part.
        other("ACME105", "named", "assert: type(graph) != map\nlocation: spec.dependencies.service\nmessage: named"),
    )


def test_graph_findings_point_where_the_manifest_said_when_it_was_loaded(tmp_path: Path) -> None:
    """The places are found while the node tree is at hand; a file rewritten before `finish()` does not move them."""
    cat = _graph_catalog(tmp_path)
    evaluation = Evaluation(cat, _tiers(), _settings(), shard=lambda name: name != "payments")
    text = MANIFEST.replace("service: search", "service: ghost")
    manifest = _load(tmp_path, "svc/shiftleft.yaml", text)
    evaluation.add(manifest)
    payments = MANIFEST.replace("name: checkout", "name: payments").replace("{service: payments, hard: true}", "{}")
    evaluation.add(_load(tmp_path, "payments/shiftleft.yaml", payments))  # another shard's: a node, not reported
    manifest.file.write_text("# moved\n# down\n" + text, encoding="utf-8")
    result = evaluation.finish()
    assert [s.name for s in result.services] == ["checkout"]
    assert [(f.rule, str(f.location), f.location.path, f.message) for f in result.findings] == [
        ("ACME102", "svc/shiftleft.yaml:1:1", "graph.dependencies[1]", "item 1"),
        ("ACME102", "svc/shiftleft.yaml:1:1", "graph.dependencies[2]", "item 2"),
        ("ACME104", "svc/shiftleft.yaml:1:1", "", "file"),
        ("ACME103", "svc/shiftleft.yaml:9:10", "spec.continuity.rto", "rto"),
        ("ACME105", "svc/shiftleft.yaml:10:3", "spec.dependencies.service", "named"),
        ("ACME101", "svc/shiftleft.yaml:12:16", "spec.dependencies[1].service", "ghost"),
        ("ACME101", "svc/shiftleft.yaml:14:17", "spec.dependencies[2].service", "currency"),
    ]


def test_graph_rules_read_the_sections_they_name_and_a_bare_section_whole(tmp_path: Path) -> None:
    """Between `add()` and `finish()` only the sections graph rules name are kept (with what reports show)."""
    graph = " && type(graph) == map"
    cat = _catalog(
        tmp_path,
        rule("named", f"assert: '!(spec.security.internet_facing{graph})'\nmessage: '{{{{ spec.security.secrets }}}}'"),
        other(
            "ACME102", "bare", f"assert: \"!('incident' in spec{graph})\"\nmessage: 'incident {{{{ spec.incident }}}}'"
        ),
        other("ACME103", "meta", f"assert: \"!('x-team' in metadata{graph})\"\nmessage: 'team'"),
    )
    text = MANIFEST + "  security: {internet_facing: true, secrets: vault}\n  incident: {runbook: x.md}\n"
    text = text.replace("  owner: team-checkout\n", "  owner: team-checkout\n  x-team: a\n")
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", text)], cat, _tiers(), _settings())
    assert [(f.rule, str(f.location), f.message) for f in result.findings] == [
        ("ACME101", "svc/shiftleft.yaml:1:1", "vault"),
        ("ACME102", "svc/shiftleft.yaml:1:1", "incident {'runbook': 'x.md'}"),
        ("ACME103", "svc/shiftleft.yaml:1:1", "team"),
    ]


@pytest.mark.parametrize("call", ["exists(", "exists (", "exists\t("])
def test_graph_rules_that_call_exists_see_the_files_as_they_were_when_the_manifest_was_loaded(
    tmp_path: Path, call: str
) -> None:
    # however the call is spaced: `exists (` once saw the files as they were at finish() instead
    cat = _catalog(
        tmp_path,
        rule(
            "runbook",
            f"assert: \"{call}spec.incident.runbook) && !{call}'missing.md') && type(graph) == map\"\n"
            "message: no runbook",
        ),
    )
    evaluation = Evaluation(cat, _tiers(), _settings())
    runbook = tmp_path / "repo" / "svc" / "runbook.md"
    runbook.parent.mkdir(parents=True)
    runbook.write_text("# runbook\n", encoding="utf-8")
    manifest = _load(tmp_path, "svc/shiftleft.yaml", MANIFEST + "  incident: {runbook: runbook.md}\n")
    assert manifest.files == {"runbook.md": True}
    evaluation.add(manifest)
    runbook.unlink()
    assert evaluation.finish().findings == ()


def test_a_catalog_without_the_builtin_rules_files_still_reports_what_they_find(tmp_path: Path) -> None:
    folder = tmp_path / "org-rules"
    folder.mkdir()
    name, text = rule("always", "assert: 'false'\nmessage: boom")
    (folder / name).write_text(text, encoding="utf-8")
    cat = catalog_mod.load([(folder, "org-rules")])
    one = _load(tmp_path, "a/shiftleft.yaml", MANIFEST)
    two = _load(tmp_path, "b/shiftleft.yaml", MANIFEST.replace("tier: 1", "tier: 7"))
    result = evaluate([one, two], cat, _tiers(), _settings())
    builtin = ("manifest-invalid", "critical", "manifest", "checkout")
    assert [row(f) for f in result.findings] == [
        ("ACME101", "always", "medium", "people", "checkout", "a/shiftleft.yaml:1:1", "", "boom"),
        ("SL009", *builtin, "b/shiftleft.yaml:4:9", "metadata.name", DUPLICATE),
        ("SL010", *builtin, "b/shiftleft.yaml:7:9", "spec.tier",
         "tier 7 is not in the tier policy tiers.yaml (known tiers: 0, 1, 2, 3, 4)"),
    ]  # fmt: skip
    assert [f.remediation for f in result.findings] == ["do it", "", ""]


def test_a_focused_run_reports_the_focus_and_the_services_that_depend_on_it(tmp_path: Path) -> None:
    """c (unrelated) comes first and is left out; d depends on a: only its graph rules run (not its placeholder
    check); b names a too but is invalid, so its graph node has no dependencies and it is left out with c."""
    cat = _catalog(
        tmp_path,
        rule("local", "assert: 'false'\nlocation: spec.tier\nmessage: local"),
        other("ACME102", "graph", "assert: type(graph) != map\nlocation: spec.continuity.rto\nmessage: graph"),
        other(
            "ACME103",
            "on-payments",
            "each: spec.dependencies\nassert: \"item.service != 'payments' || type(graph) != map\"\nmessage: x",
        ),
    )
    evaluation = Evaluation(cat, _tiers(), _settings(), frozenset({"a/shiftleft.yaml", "e/shiftleft.yaml"}))
    on_a = MANIFEST.replace("{service: payments, hard: true}", "{service: a, hard: true}")
    for rel, text in [
        ("c/shiftleft.yaml", MANIFEST.replace("checkout", "c")),
        ("a/shiftleft.yaml", MANIFEST.replace("checkout", "a")),
        ("b/shiftleft.yaml", BAD_LIFECYCLE.replace("checkout", "b").replace("payments", "a")),
        ("d/shiftleft.yaml", on_a.replace("checkout", "d").replace("owner: team-d", "owner: TODO-team")),
        ("e/shiftleft.yaml", BAD_LIFECYCLE.replace("checkout", "e")),  # in focus, invalid: no graph rules
    ]:
        evaluation.add(_load(tmp_path, rel, text))
    result = evaluation.finish()
    assert [(s.name, s.file, s.tier, s.valid) for s in result.services] == [
        ("a", "a/shiftleft.yaml", 1, True),
        ("d", "d/shiftleft.yaml", 1, True),
        ("e", "e/shiftleft.yaml", 1, False),
    ]
    assert [(f.rule, f.service, str(f.location)) for f in result.findings] == [
        ("ACME101", "a", "a/shiftleft.yaml:7:9"),
        ("ACME102", "a", "a/shiftleft.yaml:9:10"),
        ("ACME103", "a", "a/shiftleft.yaml:11:7"),  # a place found when needed: spec.dependencies[0]
        ("ACME102", "d", "d/shiftleft.yaml:9:10"),
        ("ACME101", "e", "e/shiftleft.yaml:7:9"),
        ("SL006", "e", "e/shiftleft.yaml:8:14"),
    ]


def test_a_service_result_holds_what_reports_show_and_its_findings_invalid_first(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, rule("local", "assert: 'false'\nlocation: spec.tier\nmessage: local"))
    text = MANIFEST + "  security: {secrets: vault}\n  x-team: a\n  lifecycle: production\n"
    broken = BAD_LIFECYCLE.replace("  owner: team-checkout\n", "  owner: TODO-team\n").replace("checkout", "b")
    manifests = [
        _load(tmp_path, "a/shiftleft.yaml", text),
        _load(tmp_path, "b/shiftleft.yaml", broken),
        _load(tmp_path, "c/shiftleft.yaml", "apiVersion: [\n"),
        _load(tmp_path, "d/shiftleft.yaml", BAD_LIFECYCLE.replace("checkout", "d").replace("tier: 1", "tier: true")),
    ]
    result = evaluate(manifests, cat, _tiers(), _settings())
    assert (result.fail_on, result.now, result.rules) == (Severity.HIGH, NOW, 1)
    assert sorted(result.tiers) == [0, 1, 2, 3, 4]
    assert result.tiers[1] == _tiers().tiers[1].raw
    a, b, c, d = result.services
    assert (a.name, a.file, a.tier, a.valid) == ("checkout", "a/shiftleft.yaml", 1, True)
    assert dict(a.raw) == {
        "metadata": {"name": "checkout", "owner": "team-checkout"},
        "spec": {
            "tier": 1,
            "continuity": {"rto": "2h"},
            "dependencies": [
                {"service": "payments", "hard": True},
                {"service": "search", "hard": True},
                {"service": "currency", "hard": False, "fallback": "cached rates"},
            ],
            "lifecycle": "production",
        },
    }
    assert [(f.rule, str(f.location)) for f in a.findings] == [("ACME101", "a/shiftleft.yaml:7:9")]
    assert (b.name, b.tier, b.valid, dict(b.raw)["metadata"]) == ("b", 1, False, {"name": "b", "owner": "TODO-team"})
    # What makes the manifest invalid first, then the rest in file order.
    assert [(f.rule, str(f.location)) for f in b.findings] == [
        ("SL015", "b/shiftleft.yaml:5:3"),
        ("SL006", "b/shiftleft.yaml:8:14"),
        ("ACME101", "b/shiftleft.yaml:7:9"),
    ]
    assert (c.name, c.tier, c.valid, dict(c.raw)) == ("c", None, False, {})
    assert [f.rule for f in c.findings] == ["SL001"]
    # `tier: true` is not tier 1: no tier, so none of the rules run on the valid part.
    assert (d.name, d.tier, d.valid, [f.rule for f in d.findings]) == ("d", None, False, ["SL006", "SL006"])


def test_a_part_of_the_catalog_is_judged_at_its_place_in_the_whole_graph(tmp_path: Path) -> None:
    """`shiftleft.parallel`: a process holds the services from `start` on; the graph has every service."""
    known = "each: graph.dependencies\nassert: item.known\nlocation: spec.dependencies[{index}].service\n"
    cat = _catalog(tmp_path, rule("known", known + "message: '{{ item.service }}'"))
    first = Evaluation(cat, _tiers(), _settings())
    first.add(_load(tmp_path, "a/shiftleft.yaml", MANIFEST.replace("checkout", "a").split("  dependencies:")[0]))
    second = Evaluation(cat, _tiers(), _settings())
    second.add(_load(tmp_path, "b/shiftleft.yaml", MANIFEST.replace("checkout", "b").replace("payments", "a")))
    graph = second.graph([s.node for s in first.states + second.states])
    services = second.services(graph, 1, {"a", "b"})
    assert [(s.name, [(f.rule, str(f.location), f.message) for f in s.findings]) for s in services] == [
        ("b", [("ACME101", "b/shiftleft.yaml:12:16", "search"), ("ACME101", "b/shiftleft.yaml:14:17", "currency")])
    ]


def test_a_macro_called_on_a_section_reads_the_whole_section(tmp_path: Path) -> None:
    """`spec.exists(k, ...)`, `metadata.exists (k, ...)`: a call on the section is no key of it, so the section is
    kept whole for graph rules (as `size(spec)` is) and handed whole to the rule, in `each:` too. `security` and
    `x-team` are read by no report, so only this keeps them."""
    graph = " && type(graph) == map"
    cat = _catalog(
        tmp_path,
        rule("macro", f"assert: \"spec.exists(k, k == 'security'){graph}\"\nmessage: 'no security'"),
        other(
            "ACME102", "macro-each",
            f"each: spec.dependencies\nassert: \"spec.exists(k, k == 'security'){graph}\"\nmessage: 'no security'",
        ),
        other("ACME103", "macro-meta", f"assert: \"metadata.exists (k, k == 'x-team'){graph}\"\nmessage: 'no team'"),
    )  # fmt: skip
    text = MANIFEST + "  security: {internet_facing: true}\n"
    text = text.replace("  owner: team-checkout\n", "  owner: team-checkout\n  x-team: a\n")
    result = evaluate([_load(tmp_path, "svc/shiftleft.yaml", text)], cat, _tiers(), _settings())
    assert [f.rule for f in result.findings if f.rule.startswith("ACME")] == []


def test_inline_waivers_are_placed_while_the_manifest_is_loaded(tmp_path: Path) -> None:
    """`ServiceResult.waivers_at`: each `spec.waivers` entry's line and column from the node tree (block and flow
    entries); () for a manifest that declares none; None for one whose values were not evaluated (invalid)."""
    cat = _catalog(tmp_path)
    waivers = (
        "  waivers:\n"
        "    - rule: SL301\n      reason: later\n      approved_by: lead\n      expires: 2027-01-31\n"
        "    - {rule: SL315, reason: later, approved_by: lead, expires: 2027-01-31}\n"
    )  # fmt: skip
    with_waivers = _load(tmp_path, "a/shiftleft.yaml", MANIFEST.replace("name: checkout", "name: a") + waivers)
    without = _load(tmp_path, "b/shiftleft.yaml", MANIFEST.replace("name: checkout", "name: b"))
    broken = _load(tmp_path, "c/shiftleft.yaml", MANIFEST.replace("name: checkout", "name: c") + "  tier: [x]\n")
    result = evaluate([with_waivers, without, broken], cat, _tiers(), _settings())
    assert [(s.name, s.waivers_at) for s in result.services] == [("a", ((16, 7), (20, 7))), ("b", ()), ("c", None)]


def _moved(tmp_path: Path, *rules: tuple[str, str]) -> list[tuple[str, str, str, str]]:
    """checkout's graph findings when web depends on it and its file gains two lines before `finish()`."""
    evaluation = Evaluation(_catalog(tmp_path, *rules), _tiers(), _settings())
    manifest = _load(tmp_path, "svc/shiftleft.yaml", MANIFEST)
    evaluation.add(manifest)
    web = MANIFEST.replace("name: checkout", "name: web").replace("service: payments", "service: checkout")
    evaluation.add(_load(tmp_path, "web/shiftleft.yaml", web))
    manifest.file.write_text("# moved\n# down\n" + MANIFEST, encoding="utf-8")
    findings = evaluation.finish().findings
    return [(f.rule, str(f.location), f.location.path, f.message) for f in findings if f.service == "checkout"]


GRAPH = "assert: type(graph) != map\n"


def test_each_rules_point_at_their_items_where_they_were_when_the_manifest_was_loaded(tmp_path: Path) -> None:
    """An `each: spec.*` graph rule's items, and the fixed location of an `each:` rule, are placed while the
    manifest is loaded: the file rewritten before `finish()` does not move them."""
    assert _moved(
        tmp_path,
        rule("items", f"each: spec.dependencies\n{GRAPH}message: 'dependency {{{{ index }}}}'"),
        other("ACME103", "tier", f"each: graph.dependents\n{GRAPH}location: spec.tier\nmessage: tier"),
        other("ACME104", "names", f"each: spec.dependencies\n{GRAPH}location: spec.dependencies[{{index}}].service\n"
              "message: 'named {{ index }}'"),
    ) == [
        ("ACME103", "svc/shiftleft.yaml:7:9", "spec.tier", "tier"),
        ("ACME101", "svc/shiftleft.yaml:11:7", "spec.dependencies[0]", "dependency 0"),
        ("ACME104", "svc/shiftleft.yaml:11:17", "spec.dependencies[0].service", "named 0"),
        ("ACME101", "svc/shiftleft.yaml:12:7", "spec.dependencies[1]", "dependency 1"),
        ("ACME104", "svc/shiftleft.yaml:12:16", "spec.dependencies[1].service", "named 1"),
        ("ACME101", "svc/shiftleft.yaml:14:7", "spec.dependencies[2]", "dependency 2"),
        ("ACME104", "svc/shiftleft.yaml:14:17", "spec.dependencies[2].service", "named 2"),
    ]  # fmt: skip


def test_an_item_of_a_graph_list_the_manifest_lacks_is_placed_from_the_file_at_finish(tmp_path: Path) -> None:
    """`graph.dependents` has no list in the manifest to count its items by while it is loaded."""
    assert _moved(
        tmp_path,
        rule("dependents", f"each: graph.dependents\n{GRAPH}message: 'dependent {{{{ index }}}}'"),
        other("ACME102", "file", f"{GRAPH}message: file"),
    ) == [
        ("ACME101", "svc/shiftleft.yaml:3:1", "graph.dependents[0]", "dependent 0"),
        ("ACME102", "svc/shiftleft.yaml:3:1", "", "file"),
    ]


def test_the_sections_kept_for_the_graph_rules_are_the_keys_they_name_and_what_reports_show(tmp_path: Path) -> None:
    """What `add()` keeps of each manifest until `finish()` (memory at 10,000 services): a key read after
    `graph` counts as much as one read before it."""
    cat = _catalog(
        tmp_path,
        rule("after-graph", 'assert: "type(graph) != map || !spec.security.internet_facing"\nmessage: x'),
        other("ACME102", "local", "assert: has(spec.incident)\nmessage: 'local {{ spec.runtime }}'"),
    )
    reported = {"tier", "lifecycle", "continuity", "availability", "dependencies", "data", "compliance", "waivers"}
    assert Evaluation(cat, _tiers(), _settings()).keep == {
        "metadata": frozenset({"name", "owner", "description", "people", "reviewed"}),
        "spec": frozenset({*reported, "security"}),
    }
