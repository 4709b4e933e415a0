"""Mutants of shiftleft/governance/basepolicy.py: which configuration applies at the base commit, exactly which
policy files are copied out of git, and every refusal (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shiftleft import config as config_mod
from shiftleft.errors import ConfigError
from shiftleft.findings import Severity
from shiftleft.governance import basepolicy
from tests.e2e.governance.gitrepo import commit, init, needs_git

pytestmark = needs_git
TEAM = """[tool.shiftleft]
rules = ["rules", "../shared/rules", "polX", "pol ", ""]
tiers = "tiers.yaml"
waivers = "w.yaml"
catalogs = ["cat.json"]
fail_on = "critical"
"""
FILES = {
    "pyproject.toml": '[project]\nname = "x"\n',  # no [tool.shiftleft]: the lookup goes on
    "team/pyproject.toml": TEAM.replace(', ""', ""),
    "team/rules/r.yaml": "r: 1\n",
    "team/polX/p.yaml": "p: 1\n",
    "team/pol /q.yaml": "q: 1\n",
    "shared/rules/s.yaml": "s: 1\n",
    "team/tiers.yaml": "t: 1\n",
    "team/w.yaml": "waivers: []\n",
    "team/cat.json": "{}\n",
    "team/svc/.keep": "",
    "team/other.txt": "not policy\n",
    "both/.shiftleft.toml": 'fail_on = "low"\n',
    "both/pyproject.toml": '[tool.shiftleft]\nfail_on = "medium"\n',
    "docs/readme.md": "docs\n",
    "deep/er/.shiftleft.toml": 'fail_on = "medium"\n',
    "ints/.shiftleft.toml": "tiers = 1\n",
    "out/.shiftleft.toml": 'rules = ["../../x"]\n',
    "conf/extra.toml": 'fail_on = "info"\n',
    "conf/my-pyproject.toml": 'rules = ["r"]\n',
    "conf/r/x.yaml": "x: 1\n",
    "odd/pyproject.toml": "tool = 1  # [tool.shiftleft]\n",
    "odd2/pyproject.toml": "# [tool.shiftleft]\n[tool]\nshiftleft = 1\n",
    "empty/.shiftleft.toml": TEAM.replace("[tool.shiftleft]\n", "").replace('"rules", ', ""),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str, str]:
    """Commits: `bare` (no waiver file), `main` (+ shiftleft-waivers.yaml), `link` (+ a symlink among the rules)."""
    root = tmp_path_factory.mktemp("basepolicy") / "repo"
    bare = init(root, FILES)
    (root / "shiftleft-waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    main = commit(root)
    (root / "team" / "rules" / "evil.yaml").symlink_to("/etc/passwd")
    link = commit(root)
    return root.resolve(), bare, main, link


def copied(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_configuration_above_the_working_folder_and_every_file_it_names(repo, tmp_path: Path) -> None:
    root, _bare, main, _link = repo
    base = basepolicy.load(main, None, root / "team" / "svc", tmp_path)
    assert base[:5] == (main, main, root, tmp_path, tmp_path / "team" / "svc")
    assert base.config_path == "team/pyproject.toml"
    assert base.cwd.is_dir() and (tmp_path / ".git").is_dir()
    assert copied(tmp_path) == ["shared/rules/s.yaml", "shiftleft-waivers.yaml", "team/cat.json", "team/pol /q.yaml",
                                "team/polX/p.yaml", "team/pyproject.toml", "team/rules/r.yaml", "team/tiers.yaml",
                                "team/w.yaml"]  # fmt: skip
    team = tmp_path / "team"
    assert base.config.rules == (team / "rules", tmp_path / "shared" / "rules", team / "polX", team / "pol ")
    assert (base.config.tiers, base.config.waivers, base.config.catalogs) == (
        team / "tiers.yaml",
        team / "w.yaml",
        (team / "cat.json",),
    )
    assert (base.config.fail_on, base.config.file) == (Severity.CRITICAL, team / "pyproject.toml")


def test_the_dotfile_wins_over_pyproject_in_the_same_folder(repo, tmp_path: Path) -> None:
    root, _bare, _main, _link = repo
    base = basepolicy.load("main", None, root / "both", tmp_path)
    assert (base.config_path, base.config.fail_on, copied(tmp_path)) == (
        "both/.shiftleft.toml",
        Severity.LOW,
        ["both/.shiftleft.toml", "shiftleft-waivers.yaml"],
    )
    deep = basepolicy.load("main", None, root / "deep" / "er", tmp_path / "deep")
    assert (deep.config_path, deep.config.fail_on) == ("deep/er/.shiftleft.toml", Severity.MEDIUM)


def test_without_a_configuration_the_defaults_judge(repo, tmp_path: Path) -> None:
    root, bare, _main, _link = repo
    base = basepolicy.load(bare, None, root / "docs", tmp_path)
    assert (base.config_path, base.config, base.cwd, copied(tmp_path)) == (
        "",
        config_mod.defaults(),
        tmp_path / "docs",
        [],
    )
    at_root = basepolicy.load(bare, None, root, tmp_path / "r")
    assert (at_root.config_path, at_root.cwd) == ("", tmp_path / "r")


def test_an_explicit_configuration_is_read_at_the_base(repo, tmp_path: Path) -> None:
    root, _bare, main, _link = repo
    base = basepolicy.load(main, "../conf/extra.toml", root / "team", tmp_path / "a")
    assert (base.config_path, base.config.fail_on) == ("conf/extra.toml", Severity.INFO)
    named = basepolicy.load(main, "conf/my-pyproject.toml", root, tmp_path / "b")
    assert (named.config_path, named.config.rules) == ("conf/my-pyproject.toml", (tmp_path / "b" / "conf" / "r",))
    with pytest.raises(ConfigError) as e:
        basepolicy.load(main, "nope.toml", root / "team", tmp_path / "c")
    assert str(e.value) == "--base: configuration file team/nope.toml does not exist at the base commit"
    with pytest.raises(ConfigError) as e:
        basepolicy.load(main, "../../x.toml", root / "team", tmp_path / "d")
    assert str(e.value) == (
        f"--base: the configuration file {root.parent / 'x.toml'} is not inside the repository {root}"
    )


def test_a_pyproject_whose_tool_is_no_table(repo, tmp_path: Path) -> None:
    root, _bare, main, _link = repo
    base = basepolicy.load(main, None, root / "odd", tmp_path / "a")
    assert (base.config_path, base.config) == ("odd/pyproject.toml", config_mod.defaults())
    with pytest.raises(ConfigError) as e:
        basepolicy.load(main, None, root / "odd2", tmp_path / "b")
    assert str(e.value) == f"{main}:odd2/pyproject.toml: [tool.shiftleft] must be a table"


def test_an_empty_path_copies_nothing_more_and_the_configuration_refuses_it(repo, tmp_path: Path) -> None:
    root, _bare, main, _link = repo
    with pytest.raises(ConfigError) as e:
        basepolicy.load(main, None, root / "empty", tmp_path)
    assert str(e.value).startswith(f"{main}:empty/.shiftleft.toml:1: rules: ")
    assert copied(tmp_path) == ["empty/.shiftleft.toml", "shared/rules/s.yaml", "shiftleft-waivers.yaml"]


def test_a_symlink_in_the_base_policy_is_refused(repo, tmp_path: Path) -> None:
    root, _bare, _main, link = repo
    with pytest.raises(ConfigError) as e:
        basepolicy.load(link, None, root / "team", tmp_path)
    assert (
        str(e.value) == "--base: team/rules/evil.yaml is a symlink at the base commit; policy files must be plain files"
    )


def test_the_working_folder_outside_the_repository(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        basepolicy._relative(tmp_path / "a", tmp_path / "b")
    assert str(e.value) == f"--base: the working folder {tmp_path / 'a'} is not inside the repository {tmp_path / 'b'}"
    assert basepolicy._relative(tmp_path, tmp_path) == ""


@pytest.mark.parametrize(
    ("base_dir", "value", "inside"),
    [
        ("", ".", ""),
        ("team", "..", ""),
        ("team", "rules", "team/rules"),
        ("team", "../x/./y", "x/y"),
        ("", "a/..b", "a/..b"),
    ],
)
def test_paths_are_joined_to_the_configurations_folder(base_dir: str, value: str, inside: str) -> None:
    assert basepolicy._inside(base_dir, value, "rules", "main:c.toml") == inside


@pytest.mark.parametrize(
    ("base_dir", "value", "problem"),
    [
        ("team", "/etc", "is absolute; write it relative to the configuration file"),
        ("team", "~/r", "is absolute; write it relative to the configuration file"),
        ("team", "~", "is absolute; write it relative to the configuration file"),
        ("", "..", "points outside the repository"),
        ("team", "../../r", "points outside the repository"),
    ],
)
def test_paths_that_leave_the_repository_are_refused(base_dir: str, value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as e:
        basepolicy._inside(base_dir, value, "tiers", "main:c.toml")
    assert (e.value.file, e.value.message) == ("main:c.toml", f"tiers: {value!r} {problem}")


def test_the_section_read_for_its_paths() -> None:
    assert basepolicy._section(b'rules = ["r"]\n', "team/pyproject.toml.d/.shiftleft.toml") == {"rules": ["r"]}
    assert basepolicy._section(b'[tool.shiftleft]\nrules = ["r"]\n', "a/pyproject.toml") == {"rules": ["r"]}
    assert basepolicy._section(b'[tool.other]\nrules = ["r"]\n', "pyproject.toml") == {}
    assert basepolicy._section(b"\xff", ".shiftleft.toml") == {}
    assert basepolicy._section(b"x = [", ".shiftleft.toml") == {}


def test_a_path_that_is_no_string_is_left_to_the_configuration_and_one_outside_is_refused(repo, tmp_path: Path) -> None:
    root, _bare, main, _link = repo
    with pytest.raises(ConfigError) as e:
        basepolicy.load(main, None, root / "ints", tmp_path / "a")
    assert str(e.value).startswith(f"{main}:ints/.shiftleft.toml:1: tiers: ")
    with pytest.raises(ConfigError) as e:
        basepolicy.load(main, None, root / "out", tmp_path / "b")
    assert (e.value.file, e.value.message) == (
        f"{main}:out/.shiftleft.toml",
        "rules: '../../x' points outside the repository",
    )
