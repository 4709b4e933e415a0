"""Configuration files: discovery, effective values with origins, and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import NOW, good_manifest, run_cli, write


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, "svc/shiftleft.yaml", good_manifest("checkout", 1).replace("rto: 30m", "rto: 2h"))
    return root


def test_pyproject_section_applies(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "pyproject.toml", '[project]\nname = "x"\n\n[tool.shiftleft]\nfail_on = "critical"\n')
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 0  # the high finding is below fail_on critical


def test_dotfile_wins_over_pyproject(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "pyproject.toml", '[tool.shiftleft]\nfail_on = "critical"\n')
    write(repo, ".shiftleft.toml", 'fail_on = "low"\n')
    run = run_cli(["config"], capsys, monkeypatch, repo)
    assert run.lines[0] == "# configuration file: .shiftleft.toml"
    assert 'fail_on = "low"' in run.out and "# .shiftleft.toml" in run.out


def test_found_from_a_subfolder(repo: Path, capsys, monkeypatch) -> None:
    write(repo, ".shiftleft.toml", 'disable = ["SL301"]\n')
    run = run_cli(["check", ".", "--now", NOW], capsys, monkeypatch, repo / "svc")
    assert run.code == 0


def test_severity_override_and_cli_fail_on(repo: Path, capsys, monkeypatch) -> None:
    write(repo, ".shiftleft.toml", '[severity]\nSL301 = "low"\n')
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.lines == [
        "svc/shiftleft.yaml:13:10: LOW SL301 rto-within-tier RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"
    ]
    assert run_cli(["check", "--now", NOW, "--fail-on", "low"], capsys, monkeypatch, repo).code == 1


def test_config_shows_values_and_origins(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "org-rules/.keep", "")
    write(repo, ".shiftleft.toml", 'rules = ["org-rules"]\n[org]\napproved_regions = ["eu"]\n')
    run = run_cli(["config"], capsys, monkeypatch, repo)
    assert run.code == 0
    by_key = {line.split(" = ")[0]: line for line in run.lines if " = " in line}
    assert by_key["fail_on"].endswith("# default")
    assert by_key["rules"].startswith('rules = ["<shiftleft>/rules", "org-rules"]')
    from shiftleft.policy.catalog import load, shipped_folder

    assert by_key["rules"].endswith(f"# .shiftleft.toml; {len(load([shipped_folder()]).rules)} rules")
    assert by_key["org"].startswith('org = {approved_regions = ["eu"]}')


def test_tier_policy_override(repo: Path, capsys, monkeypatch) -> None:
    from shiftleft.policy.catalog import shipped_folder

    text = (shipped_folder()[0] / "tiers.yaml").read_text().replace("max_rto: 1h", "max_rto: 4h")
    write(repo, "policy/tiers.yaml", text)
    write(repo, ".shiftleft.toml", 'tiers = "policy/tiers.yaml"\n')
    assert run_cli(["check", "--now", NOW], capsys, monkeypatch, repo).code == 0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'fail_on = "severe"\n',
            ".shiftleft.toml:1: fail_on: unknown severity 'severe' (choose from critical, high, medium, low, info)",
        ),
        ("fail_on = \n", ".shiftleft.toml:1:11: invalid TOML: Invalid value"),
        (
            'failon = "high"\n',
            ".shiftleft.toml:1: unknown setting 'failon' (did you mean 'fail_on'?); known: manifests, exclude, rules, tiers, fail_on, severity, disable, max_manifest_bytes, org, catalogs, "
            "waivers, inline_waivers, evidence, evidence_timeout, unowned",
        ),
        ('manifests = "shiftleft.yaml"\n', ".shiftleft.toml:1: manifests: must be a list of strings"),
        ('rules = ["nope"]\n', ".shiftleft.toml:1: rules: rule folder 'nope' does not exist"),
        ('tiers = "nope.yaml"\n', ".shiftleft.toml:1: tiers: tier policy 'nope.yaml' does not exist"),
        ('disable = ["rto"]\n', ".shiftleft.toml:1: disable: 'rto' is not a rule id like SL301"),
        ('disable = ["SL999"]\n', ".shiftleft.toml: disable: no rule SL999 in the catalog"),
        ("[severity]\nSL301 = 3\n", ".shiftleft.toml:1: severity: must be a severity name"),
        ("unowned = 3\n", ".shiftleft.toml:1: unowned: must be a table: kubernetes, terraform, python and exclude, "
                           "each a list of globs"),
        (
            'fail_on = "high"\n\n[unowned]\nkubernetes = []\nterraform = "**/*.tf"\n',
            ".shiftleft.toml:5: unowned.terraform: must be a list of globs ([] switches this kind off)",
        ),
        (
            "[unowned]\npython = []\nexclud = []\n",
            ".shiftleft.toml:3: unowned.exclud: unknown key (known: kubernetes, terraform, python, exclude)",
        ),
        ('unowned = {exclude = ["", "x"]}\n', ".shiftleft.toml:1: unowned.exclude: must be a list of globs ([] "
                                               "switches this kind off)"),
        (
            "max_manifest_bytes = 10\n",
            ".shiftleft.toml:1: max_manifest_bytes: must be a whole number of bytes between 1024 and 67108864",
        ),
    ],
)
def test_bad_configuration_exit_2(repo: Path, capsys, monkeypatch, toml: str, message: str) -> None:
    write(repo, ".shiftleft.toml", toml)
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err.splitlines() == [f"shiftleft: error: {message}"]


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ("tiers: {}\n", "policy/tiers.yaml:1:1: tier policy: expected a mapping `tiers:` of tier number to targets"),
        ("tiers:\n  one: {}\n", "policy/tiers.yaml:2:3: tier policy: tier 'one' is not a number"),
        ("tiers:\n  1: {name: x}\n", "policy/tiers.yaml:2:3: tier policy: tier 1: missing slo_floor"),
        (
            "tiers: [\n",
            "policy/tiers.yaml:2:1: invalid YAML: did not find expected node content (while parsing a flow node)",
        ),
    ],
)
def test_bad_tier_policy_exit_2(repo: Path, capsys, monkeypatch, tiers: str, message: str) -> None:
    write(repo, "policy/tiers.yaml", tiers)
    write(repo, ".shiftleft.toml", 'tiers = "policy/tiers.yaml"\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err.splitlines() == [f"shiftleft: error: {message}"]


def test_bad_org_rule_exit_2(repo: Path, capsys, monkeypatch) -> None:
    write(
        repo,
        "org-rules/ACME101-owner-set.yaml",
        "id: ACME101\nname: owner-set\nseverity: high\ncategory: people\nsummary: s\nrationale: r\n"
        "remediation: f\nassert: has(metadata.owner) &&\nmessage: no owner\n",
    )
    write(repo, ".shiftleft.toml", 'rules = ["org-rules"]\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err == (
        "shiftleft: error: org-rules/ACME101-owner-set.yaml:8:31: assert: CEL does not compile: Syntax error: the expression ends too early\n"
    )


def test_every_setting_is_one_row_and_one_field() -> None:
    """The table and the record agree: a setting added to one and not the other fails here."""
    from shiftleft.config import SETTINGS, Config, defaults

    keys = [s.key for s in SETTINGS]
    assert len(set(keys)) == len(keys)
    assert [f for f in Config._fields if f not in ("file", "origin", "root")] == keys
    empty = defaults()
    assert {s.key: getattr(empty, s.key) for s in SETTINGS} == {s.key: s.default for s in SETTINGS}
    assert (empty.file, empty.root, empty.origin, empty.source("fail_on")) == (None, None, {}, "default")


def test_unowned_defaults_and_overrides(repo: Path, capsys, monkeypatch) -> None:
    from shiftleft import config

    assert config.defaults().unowned == config.Unowned(
        kubernetes=("**/*.yaml", "**/*.yml"),
        terraform=("**/*.tf",),
        python=("**/__init__.py", "**/pyproject.toml", "**/setup.py"),
        exclude=("**/tests/**", "**/test/**"),
    )
    write(repo, "pyproject.toml", '[tool.shiftleft.unowned]\nkubernetes = []\nexclude = ["examples/**"]\n')
    loaded = config.load(repo / "pyproject.toml", "pyproject.toml", root=repo)
    assert loaded.unowned == config.Unowned(kubernetes=(), exclude=("examples/**",))
    run = run_cli(["config"], capsys, monkeypatch, repo)
    assert (
        'unowned = {kubernetes = [], terraform = ["**/*.tf"], python = ["**/__init__.py", "**/pyproject.toml", '
        '"**/setup.py"], exclude = ["examples/**"]}  # pyproject.toml [tool.shiftleft]'
    ) in run.lines


def test_unowned_error_in_pyproject_names_its_line(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "pyproject.toml", '[project]\nname = "x"\n\n[tool.shiftleft.unowned]\n\npython = [1]\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (
        2, "shiftleft: error: pyproject.toml:6: unowned.python: must be a list of globs ([] switches this kind off)\n"
    )  # fmt: skip
