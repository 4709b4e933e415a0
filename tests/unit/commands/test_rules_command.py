"""`shiftleft rules list|explain|test`: exact output lines and exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import TESTS, run_cli, write

FIXTURES = TESTS / "fixtures" / "rules"


class _Known:
    """A stand-in for the installed checkov's registry (unit tests run no scanner; tests/e2e/evidence reads the
    real one): every id the shipped rules name."""

    version = "9.9.9"

    def __init__(self) -> None:
        from shiftleft.policy import catalog

        folder, shown = catalog.shipped_folder()
        rules = catalog.load([(folder, shown)]).rules
        self.names = {c: "a check" for r in rules for c in r.evidence.get("checks", ())}


@pytest.fixture(autouse=True)
def checkov_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from shiftleft.evidence import registry

    monkeypatch.setattr(registry, "load", _Known)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


@pytest.fixture
def configured(repo: Path) -> Path:
    """A repository with an org rule folder, a severity override and a disabled rule."""
    shutil.copytree(FIXTURES / "org", repo / "org-rules")
    write(repo, ".shiftleft.toml", """\
        rules = ["org-rules"]
        disable = ["SL208"]
        [severity]
        SL301 = "medium"
        """)  # fmt: skip
    return repo


# rules list


def test_list_table_header_rows_and_count(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "list", "--category", "people"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.lines == [
        "ID     NAME                          SEVERITY  CATEGORY  FRAMEWORKS",
        "SL101  owner-declared                high      people    itil, iso-27001, nist-800-53, iso-22301",
        "SL102  service-owner-named           medium    people    itil, iso-27001, nist-800-53, iso-22301",
        "SL103  process-owner-named           medium    people    itil, iso-22301, nist-800-53",
        "SL104  oncall-declared               medium    people    nist-800-53, pci-dss, iso-27001, sre",
        "SL105  oncall-coverage-matches-tier  high      people    nist-800-53, sre, itil",
        "SL106  escalation-declared           medium    people    nist-800-53, itil, iso-27001",
        "SL107  incident-roles-named          medium    people    itil, nist-800-53",
        "7 rules",
    ]


def test_list_every_rule_by_default(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "list"], capsys, monkeypatch, repo)
    ids = [line.split()[0] for line in run.lines[1:-1]]
    assert ids == sorted(ids)
    assert {"SL001", "SL101", "SL201", "SL301", "SL401", "SL501", "SL601"} <= set(ids)
    assert run.lines[-1] == f"{len(ids)} rules"


def test_list_filters_combine(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "list", "--framework", "gdpr", "--severity", "high", "--category", "compliance"],
                  capsys, monkeypatch, repo)  # fmt: skip
    assert [line.split()[0] for line in run.lines[1:]] == ["SL604", "SL605", "SL607", "SL608", "4"]


def test_list_honours_configuration(configured: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "list", "--category", "availability"], capsys, monkeypatch, configured)
    assert "SL208  slo-below-100 (disabled)  medium    availability  sre" in run.lines
    args = ["rules", "list", "--severity", "medium", "--category", "continuity"]
    run = run_cli(args, capsys, monkeypatch, configured)
    assert run.lines[1].split() == ["SL301", "rto-within-tier", "medium*", "continuity",
                                    "nist-800-53,", "iso-22301,", "iso-27001,", "soc2,", "dora"]  # fmt: skip
    assert run.lines[-1] == "5 rules; * severity overridden by configuration"
    run = run_cli(
        ["rules", "list", "--category", "governance", "--severity", "medium"], capsys, monkeypatch, configured
    )
    assert [line.split() for line in run.lines[1:]] == [
        ["ACME101", "cost-centre-declared", "medium", "governance", "-"],
        ["SL905", "waiver-expiring-soon", "medium", "governance", "iso-27001"],
        ["2", "rules"],
    ]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--category", "nope"], "--category: unknown category 'nope' (choose from manifest, people, availability, "
         "continuity, incident, security, compliance, dependencies, evidence, governance)"),
        (["--framework", "pci"], "--framework: unknown framework 'pci' (choose from nist-800-53, iso-27001, soc2, "
         "pci-dss, iso-22301, dora, gdpr, hipaa, itil, sre)"),
        (["--severity", "urgent"], "--severity: unknown severity 'urgent' (choose from critical, high, medium, low, "
         "info)"),
    ],
)  # fmt: skip
def test_list_bad_filter_is_a_usage_error(args: list[str], error: str, repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "list", *args], capsys, monkeypatch, repo)
    assert (run.code, run.out, run.err) == (2, "", f"shiftleft: error: {error}\n")


# rules explain


def test_explain_shows_every_section(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "explain", "SL301"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.lines[:12] == [
        "SL301 rto-within-tier",
        "Declared RTO fits the tier's ceiling",
        "",
        "severity: high",
        "category: continuity - Continuity, DR and backups (SL3xx)",
        "file:     <shiftleft>/rules/continuity/SL301-rto-within-tier.yaml",
        "",
        "What it checks",
        "  applies when: has(spec.continuity) && has(spec.continuity.rto)",
        "  requires:     duration(spec.continuity.rto) <= duration(tier.max_rto)",
        "  points at:    spec.continuity.rto",
        "  message:      RTO {{ spec.continuity.rto }} exceeds the tier {{ spec.tier }} ({{ tier.name }}) ceiling "
        "of {{ tier.max_rto }}",
    ]
    for heading in ("Why it matters", "How to fix", "References", "Failing example", "Passing example"):
        assert heading in run.lines
    assert "  NIST SP 800-53 Rev. 5: CP-2, CP-10" in run.lines
    assert "  EU DORA (Regulation 2022/2554): Art. 12(6)" in run.lines
    assert "      continuity: {rto: 2h}   # SL301: tier 1 allows 1h" in run.lines


def test_explain_dated_example_and_org_settings(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "explain", "SL306"], capsys, monkeypatch, repo)
    assert "Failing example (evaluated as of 2026-11-25)" in run.lines
    run = run_cli(["rules", "explain", "SL607"], capsys, monkeypatch, repo)
    assert run.lines[-2:] == ["Examples use these organisation settings ([tool.shiftleft.org]):",
                              '    approved_residency = ["eu", "uk"]']  # fmt: skip


def test_explain_by_name_lower_case_and_configured_severity(configured: Path, capsys, monkeypatch) -> None:
    by_name = run_cli(["rules", "explain", "rto-within-tier"], capsys, monkeypatch, configured)
    by_id = run_cli(["rules", "explain", "sl301"], capsys, monkeypatch, configured)
    assert by_name.out == by_id.out
    assert "severity: medium (configured; the rule's default is high)" in by_id.lines
    disabled = run_cli(["rules", "explain", "SL208"], capsys, monkeypatch, configured)
    assert "status:   disabled by configuration" in disabled.lines


@pytest.mark.parametrize(
    ("wanted", "hint"),
    [("SL3O1", " (did you mean SL301?)"), ("rto-within-tire", " (did you mean rto-within-tier?)"), ("XYZ", "")],
)
def test_explain_unknown_rule(wanted: str, hint: str, repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "explain", wanted], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (2, "")
    assert run.err == (f"shiftleft: error: no rule {wanted!r} in the catalog{hint}; "
                       "`shiftleft rules list` shows them all\n")  # fmt: skip


# rules test


def test_test_default_catalog_passes(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "test", "--now", "2026-11-25"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert len(run.lines) == 2
    assert run.lines[0].startswith("ok: ") and run.lines[0].endswith(" cases, every expectation holds")
    assert run.lines[1] == (
        "note: 18 evidence rules (SL8xx) need the scanners or the repository's files and are not run here; "
        "their 74 checkov check ids exist in the installed checkov 9.9.9"
    )


EVIDENCE_RULE = """\
id: ACME801
name: custom-evidence
severity: high
category: evidence
summary: s
rationale: r
remediation: r
when: "true"
location: spec.tier
message: m
evidence:
  scanner: checkov
  checks:
    - CKV_AWS_3
    - CKV_AWS_99999
"""


def test_test_names_an_unknown_checkov_check_at_its_line(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "org-rules/ACME801-custom-evidence.yaml", EVIDENCE_RULE)
    run = run_cli(["rules", "test", "org-rules"], capsys, monkeypatch, repo)
    assert (run.code, run.lines) == (1, [
        "org-rules/ACME801-custom-evidence.yaml:15: ACME801: CKV_AWS_99999 is not a check of the installed "
        "checkov 9.9.9 (terraform, cloudformation, kubernetes)",
        "failed: 1 broken expectation in 0 rules, 0 cases",
    ])  # fmt: skip


def test_test_without_checkov_says_the_ids_were_not_verified(repo: Path, capsys, monkeypatch) -> None:
    from shiftleft.evidence import registry

    def missing() -> object:
        raise registry.Unavailable("checkov is not installed; evidence needs it: pip install 'shiftleft[evidence]'")

    monkeypatch.setattr(registry, "load", missing)
    write(repo, "org-rules/ACME801-custom-evidence.yaml", EVIDENCE_RULE)
    run = run_cli(["rules", "test", "org-rules"], capsys, monkeypatch, repo)
    assert (run.code, run.lines) == (0, [
        "ok: 0 rules, 0 cases, every expectation holds",
        "note: 1 evidence rules (SL8xx) need the scanners or the repository's files and are not run here; their "
        "checkov check ids were not verified: checkov is not installed; evidence needs it: pip install "
        "'shiftleft[evidence]'",
    ])  # fmt: skip


def test_test_org_folder_with_examples_and_fixtures(repo: Path, capsys, monkeypatch) -> None:
    shutil.copytree(FIXTURES / "org", repo / "org-rules")
    run = run_cli(["rules", "test", "org-rules"], capsys, monkeypatch, repo)
    assert (run.code, run.lines) == (0, ["ok: 1 rule, 4 cases, every expectation holds"])


def test_test_configured_catalog_includes_org_rules(configured: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules", "test", "-v"], capsys, monkeypatch, configured)
    assert run.code == 0
    assert "tested ACME101 cost-centre-declared" in run.lines


def test_test_reports_each_broken_expectation(repo: Path, capsys, monkeypatch) -> None:
    shutil.copytree(FIXTURES / "broken-examples", repo / "org-rules")
    run = run_cli(["rules", "test", "org-rules"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [
        "org-rules/ACME201-replicas-declared.yaml:14: ACME201: fail case produced no finding of ACME201",
        "org-rules/ACME201-replicas-declared.yaml:27: ACME201: pass case has a finding: min_replicas is not declared",
        "org-rules/fixtures/ACME201/fail-marker-on-wrong-line.yaml:3: ACME201: expected a finding of ACME201 on "
        "this line, got none",
        "org-rules/fixtures/ACME201/fail-marker-on-wrong-line.yaml:6: ACME201: unexpected finding of ACME201: "
        "min_replicas is not declared",
        "failed: 4 broken expectations in 1 rule, 3 cases",
    ]


def test_test_bad_fixture_name_and_unknown_rule(repo: Path, capsys, monkeypatch) -> None:
    shutil.copytree(FIXTURES / "org", repo / "org-rules")
    write(repo, "org-rules/fixtures/ACME101/tier0.yaml", "apiVersion: shiftleft/v1\n")
    write(repo, "org-rules/fixtures/ACME999/fail-x.yaml", "apiVersion: shiftleft/v1\n")
    run = run_cli(["rules", "test", "org-rules"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines[:2] == [
        "org-rules/fixtures/ACME101/tier0.yaml: ACME101: fixture names start with pass- or fail- and end in .yaml",
        "org-rules/fixtures/ACME999: ACME999: fixtures for a rule that is not in the catalog",
    ]


def test_test_broken_rule_folder_is_a_configuration_error(repo: Path, capsys, monkeypatch) -> None:
    shutil.copytree(FIXTURES / "broken-yaml", repo / "org-rules")
    run = run_cli(["rules", "test", "org-rules"], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (2, "")
    assert run.err == ("shiftleft: error: org-rules/ACME301-bad.yaml:5:10: invalid YAML: found unexpected end of "
                       "stream (while scanning a quoted scalar); the quote or bracket opened here is never closed\n")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["rules", "test", "missing"], "rule folder missing does not exist"),
        (["rules", "test", "--now", "25/11/2026"], "--now: '25/11/2026' is not a date (YYYY-MM-DD)"),
    ],
)
def test_test_usage_errors(args: list[str], error: str, repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(args, capsys, monkeypatch, repo)
    assert (run.code, run.err) == (2, f"shiftleft: error: {error}\n")


def test_rules_needs_an_action(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["rules"], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err.startswith("shiftleft: error: the following arguments are required: ACTION")


def test_explain_org_rule_text_reaches_the_terminal_inert(repo: Path, capsys, monkeypatch) -> None:
    """An organisation rule comes from the repository: no escapes, bidi controls or commands on the terminal."""
    from tests import actions_runner

    write(repo, ".shiftleft.toml", 'rules = ["policy"]\n')
    write(repo, "policy/ACME101-described.yaml", """\
        id: ACME101
        name: described
        severity: medium
        category: people
        summary: "Reviewed \\e]0;pwned\\a\\e[2J ##[add-mask]x \\u202eevil"
        assert: "!has(metadata.description)"
        message: described
        rationale: "Why:\\n::error file=README.md::forged"
        remediation: Ask the board.
        examples:
          fail: |
            metadata:
              description: >-
                a
            ::warning::in an example: 1
        """)  # fmt: skip
    run = run_cli(["rules", "explain", "ACME101"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.lines[:2] == ["ACME101 described", "Reviewed  ##\\[add-mask]x evil"]
    assert "  Why: ::error file=README.md::forged" in run.lines
    assert "\\    ::warning::in an example: 1" in run.lines
    assert actions_runner.commands(run.out) == []
    assert "\x1b" not in run.out and "\u202e" not in run.out
