"""Paths named by repository configuration stay inside the repository (issue 9, item 4).

`.shiftleft.toml` and `[tool.shiftleft]` come from pull requests: `tiers`,
`rules` and `catalogs` must resolve (symlinks followed) inside the repository
root, the configuration and rule files must not be symlinks leading out, and
no error quotes a file outside. The command line is trusted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shiftleft.paths import confine, inside
from tests.helpers import NOW, good_manifest, run_cli, write

SECRET = "ghp_0123456789abcdefSECRET"  # noqa: S105 -- a planted token the output must never show
SECRET_TIERS = f"tiers:\n  {SECRET}: {{name: x}}\n"
"""Before: `tiers = "../repo-evil/tiers.yaml"` printed `tier 'ghp_...' is not a number`."""
SECRET_RULE = f"id: ACME101\nname: {SECRET}\n"
SECRET_CATALOG = f'{{"shiftleft_catalog": "{SECRET}"}}\n'
SL301 = (
    "svc/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """tmp/repo (the checkout) beside tmp/repo-evil (a sibling whose name starts with the checkout's)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, "svc/shiftleft.yaml", good_manifest("checkout", 1).replace("rto: 30m", "rto: 2h"))
    evil = tmp_path / "repo-evil"
    write(evil, "tiers.yaml", SECRET_TIERS)
    write(evil, "rules/ACME101.yaml", SECRET_RULE)
    write(evil, "catalog.json", SECRET_CATALOG)
    write(evil, "org.toml", 'fail_on = "critical"\n')
    return root


def _error(repo: Path, capsys, monkeypatch, *args: str) -> str:
    run = run_cli(["check", "--now", NOW, *args], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (2, "")
    assert SECRET not in run.err
    (line,) = run.err.splitlines()
    return line


def _tiers_text() -> str:
    from shiftleft.policy.catalog import shipped_folder

    return (shipped_folder()[0] / "tiers.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'tiers = "../repo-evil/tiers.yaml"\n',
            "tiers: '../repo-evil/tiers.yaml' points outside the repository",
        ),
        (
            'tiers = "svc/../../repo-evil/tiers.yaml"\n',
            "tiers: 'svc/../../repo-evil/tiers.yaml' points outside the repository",
        ),
        (
            'tiers = "{evil}/tiers.yaml"\n',
            "tiers: '{evil}/tiers.yaml' is absolute; write it relative to the configuration file's folder",
        ),
        (
            'tiers = "~/tiers.yaml"\n',
            "tiers: '~/tiers.yaml' starts with ~ (a home folder); write it relative to the configuration file's folder",
        ),
        ('rules = ["../repo-evil/rules"]\n', "rules: '../repo-evil/rules' points outside the repository"),
        (
            'catalogs = ["../repo-evil/catalog.json"]\n',
            "catalogs: '../repo-evil/catalog.json' points outside the repository",
        ),
    ],
)
def test_configured_path_outside_the_repository_is_refused(
    repo: Path, capsys, monkeypatch, toml: str, message: str
) -> None:
    evil = str(repo.parent / "repo-evil")
    write(repo, ".shiftleft.toml", toml.replace("{evil}", evil))
    assert (
        _error(repo, capsys, monkeypatch) == f"shiftleft: error: .shiftleft.toml:1: {message.replace('{evil}', evil)}"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [("tiers", '"up/../tiers.yaml"'), ("rules", '["up/../rules"]'), ("catalogs", '["up/../catalog.json"]')],
)
def test_dot_dot_after_a_symlink_leading_outside_is_refused(
    repo: Path, capsys, monkeypatch, key: str, value: str
) -> None:
    """`up` leads to repo-evil/deep, so `up/../tiers.yaml` is repo-evil/tiers.yaml to the system, although the same
    text read lexically is tiers.yaml in the checkout. Before: accepted, and the file outside was read."""
    (repo.parent / "repo-evil" / "deep").mkdir()
    (repo / "up").symlink_to(repo.parent / "repo-evil" / "deep", target_is_directory=True)
    write(repo, ".shiftleft.toml", f"{key} = {value}\n")
    shown = value.strip('[]"')
    assert _error(repo, capsys, monkeypatch) == (
        f"shiftleft: error: .shiftleft.toml:1: {key}: '{shown}' is a symlink that leads outside the repository"
    )


@pytest.mark.parametrize(
    ("key", "link", "target", "toml"),
    [
        ("tiers", "policy/tiers.yaml", "tiers.yaml", 'tiers = "policy/tiers.yaml"\n'),
        ("rules", "org-rules", "rules", 'rules = ["org-rules"]\n'),
        ("catalogs", "catalog.json", "catalog.json", 'catalogs = ["catalog.json"]\n'),
    ],
)
def test_configured_symlink_leading_outside_is_refused(
    repo: Path, capsys, monkeypatch, key: str, link: str, target: str, toml: str
) -> None:
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(repo.parent / "repo-evil" / target)
    write(repo, ".shiftleft.toml", toml)
    assert _error(repo, capsys, monkeypatch) == (
        f"shiftleft: error: .shiftleft.toml:1: {key}: '{link}' is a symlink that leads outside the repository"
    )


def test_rule_file_symlinked_outside_is_refused_unread(repo: Path, capsys, monkeypatch) -> None:
    (repo / "org-rules").mkdir()
    (repo / "org-rules" / "ACME101.yaml").symlink_to(repo.parent / "repo-evil" / "rules" / "ACME101.yaml")
    write(repo, ".shiftleft.toml", 'rules = ["org-rules"]\n')
    assert _error(repo, capsys, monkeypatch) == (
        "shiftleft: error: org-rules/ACME101.yaml: the rule file is a symlink that leads outside the repository; "
        "it was not read"
    )


@pytest.mark.parametrize("name", [".shiftleft.toml", "pyproject.toml"])
def test_configuration_file_symlinked_outside_is_refused(repo: Path, capsys, monkeypatch, name: str) -> None:
    write(repo.parent / "repo-evil", "pyproject.toml", f'[tool.shiftleft]\nfail_on = "{SECRET}"\n')
    (repo / name).symlink_to(repo.parent / "repo-evil" / ("org.toml" if name.startswith(".") else name))
    assert _error(repo, capsys, monkeypatch) == (
        f"shiftleft: error: {name}: the configuration file is a symlink that leads outside the repository; "
        "it was not read"
    )


def test_config_option_naming_a_symlink_in_the_checkout_is_confined(repo: Path, capsys, monkeypatch) -> None:
    """`--config x.toml` names a file of the checkout: the checkout decides what it is, so it is confined."""
    (repo / "ci.toml").symlink_to(repo.parent / "repo-evil" / "org.toml")
    assert _error(repo, capsys, monkeypatch, "--config", "ci.toml") == (
        "shiftleft: error: ci.toml: the configuration file is a symlink that leads outside the repository; "
        "it was not read"
    )
    write(repo, "ci2.toml", 'tiers = "../repo-evil/tiers.yaml"\n')
    assert _error(repo, capsys, monkeypatch, "--config", "ci2.toml") == (
        "shiftleft: error: ci2.toml:1: tiers: '../repo-evil/tiers.yaml' points outside the repository"
    )


def test_config_option_outside_the_checkout_is_trusted(repo: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    """The caller wrote the command line: an organisation file elsewhere may name paths beside it."""
    org = tmp_path / "org"
    write(org, "tiers.yaml", _tiers_text().replace("max_rto: 1h", "max_rto: 4h"))
    write(org, "shiftleft.toml", 'tiers = "tiers.yaml"\n')
    run = run_cli(["check", "--now", NOW, "--config", str(org / "shiftleft.toml")], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (0, "")  # RTO 2h fits the organisation's tier 1 ceiling of 4h


def test_paths_that_stay_inside_are_accepted(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "policy/real-tiers.yaml", _tiers_text().replace("max_rto: 1h", "max_rto: 4h"))
    (repo / "policy" / "tiers.yaml").symlink_to(repo / "policy" / "real-tiers.yaml")  # a symlink inside: fine
    write(repo, "sub/.shiftleft.toml", 'tiers = "../policy/tiers.yaml"\n')  # `..` that stays inside: fine
    run = run_cli(["check", "--now", NOW, "-q", ".."], capsys, monkeypatch, repo / "sub")
    assert (run.code, run.out, run.err) == (0, "", "")
    write(repo, "sub/.shiftleft.toml", 'fail_on = "high"\n')
    run = run_cli(["check", "--now", NOW, "-q", ".."], capsys, monkeypatch, repo / "sub")
    assert (run.code, run.lines) == (1, ["../" + SL301])


def test_inside_compares_whole_components() -> None:
    assert inside("/repo", "/repo")
    assert inside("/repo/a", "/repo")
    assert inside("/repo/a", "/repo/")
    assert not inside("/repo-evil", "/repo")
    assert not inside("/repo-evil/tiers.yaml", "/repo")
    assert not inside("/rep", "/repo")


def test_confine_refuses_the_sibling_prefix(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo-evil").mkdir()
    (tmp_path / "repo-evil" / "x").write_text("x", encoding="utf-8")
    assert confine(str(tmp_path / "repo"), str(tmp_path / "repo"), "../repo-evil/x") == ("outside", False)
    assert confine(str(tmp_path / "repo"), str(tmp_path / "repo"), "x/../../repo/y") == (None, False)
