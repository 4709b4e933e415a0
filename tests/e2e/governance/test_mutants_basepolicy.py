"""Mutants of shiftleft/governance/basepolicy.py: which configuration applies at the base commit, exactly which
policy files are copied out of git, and every refusal (issue 14)."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest

from shiftleft import config as config_mod
from shiftleft.errors import ConfigError
from shiftleft.findings import Severity
from shiftleft.governance import basepolicy
from tests.e2e.governance.gitrepo import Gitlink, commit, crafted, init, needs_git

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
    "docs/guide/readme.md": "a folder two levels down with no policy in it\n",
    "drive/.shiftleft.toml": 'rules = ["C:rules"]\n',
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


def test_a_working_folder_two_levels_down_without_policy_files(repo, tmp_path: Path) -> None:
    """Nothing is copied into docs/ at the base: the working folder's place in the copy is made with its parents."""
    root, bare, _main, _link = repo
    base = basepolicy.load(bare, None, root / "docs" / "guide", tmp_path)
    assert (base.config_path, base.cwd, copied(tmp_path)) == ("", tmp_path / "docs" / "guide", [])
    assert base.cwd.is_dir()


def test_a_working_folder_in_a_plain_folder_named_git(repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With GIT_DIR elsewhere, a work tree may hold a plain `.git` folder: the copy's `.git` then exists already."""
    root, _bare, main, _link = repo
    tree = tmp_path / "tree"
    (tree / ".git" / "sub").mkdir(parents=True)
    monkeypatch.setenv("GIT_DIR", str(root / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(tree))
    base = basepolicy.load(main, None, tree / ".git" / "sub", tmp_path / "copy")
    assert (base.root, base.cwd, base.config_path) == (tree, tmp_path / "copy" / ".git" / "sub", "")
    assert copied(tmp_path / "copy") == ["shiftleft-waivers.yaml"] and base.cwd.is_dir()


def test_the_configuration_is_confined_to_the_copy(repo, tmp_path: Path) -> None:
    """A drive-letter path passes the lexical check of `--base` (a folder `C:rules` is legal on POSIX); the
    configuration loader, confined to the copy as it is to the repository without `--base`, refuses it."""
    root, _bare, main, _link = repo
    with pytest.raises(ConfigError) as e:
        basepolicy.load(main, None, root / "drive", tmp_path)
    assert (e.value.file, e.value.line, e.value.message) == (
        f"{main}:drive/.shiftleft.toml",
        1,
        "rules: 'C:rules' is absolute; write it relative to the configuration file's folder",
    )
    base = basepolicy.load(main, None, root / "team", tmp_path / "team")
    assert base.config.root == tmp_path / "team"


def test_the_copy_is_a_private_folder_named_for_shiftleft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An operator who finds the copy in TMPDIR (say after a killed run) can tell whose it is."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    holder = basepolicy.temporary()
    folder = Path(holder.name)
    assert (folder.parent, folder.name[:15], len(folder.name) > 15) == (tmp_path, "shiftleft-base-", True)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    holder.cleanup()
    assert list(tmp_path.iterdir()) == []


def test_two_entries_of_one_name_at_the_base(repo, tmp_path: Path) -> None:
    """A tree holding a file `rules` and a folder `rules/` (git mktree makes one): the folder cannot be read."""
    root, _bare, _main, _link = repo
    odd = crafted(
        root, [(".shiftleft.toml", 'rules = ["rules"]\n'), ("rules", "x\n"), ("rules", [("r.yaml", "r: 1\n")])]
    )
    with pytest.raises(ConfigError) as e:
        basepolicy.load(odd, None, root, tmp_path)
    assert str(e.value) == "--base: policy file rules/r.yaml cannot be read at the base commit"


@pytest.mark.parametrize(
    ("setting", "tree", "path"),
    [
        ('rules = ["."]', [(".git", "x\n")], ".git"),
        ('waivers = ".git/w.yaml"', [(".git", [("w.yaml", "waivers: []\n")])], ".git/w.yaml"),
        ('rules = ["r"]', [("r", [(".GIT", [("x.yaml", "x: 1\n")])])], "r/.GIT/x.yaml"),
    ],
)
def test_a_git_path_at_the_base_is_refused(repo, tmp_path: Path, setting: str, tree, path: str) -> None:
    """Git refuses to check out a path with a `.git` part (in any case); a `.git` file once crashed the copy."""
    root, _bare, _main, _link = repo
    odd = crafted(root, [(".shiftleft.toml", setting + "\n"), *tree])
    with pytest.raises(ConfigError) as e:
        basepolicy.load(odd, None, root, tmp_path)
    assert str(e.value) == f"--base: {path} at the base commit is a .git path, which git refuses to check out"
    assert copied(tmp_path) == [".shiftleft.toml"]


def test_a_submodule_in_the_base_policy_is_refused(repo, tmp_path: Path) -> None:
    """A rule folder holding a submodule beside its files is not a plain folder: its rules would be missing from the
    copy (git keeps only the pinned commit), so the base policy would be weaker than it looks. Refused."""
    root, _bare, _main, _link = repo
    odd = crafted(
        root, [(".shiftleft.toml", 'rules = ["r"]\n'), ("r", [("a.yaml", "a: 1\n"), ("vendored", Gitlink("1" * 40))])]
    )
    with pytest.raises(ConfigError) as e:
        basepolicy.load(odd, None, root, tmp_path)
    assert str(e.value) == "--base: r/vendored is a submodule at the base commit; policy files must be plain files"


def test_a_name_too_long_for_the_file_system_is_a_one_line_error(repo, tmp_path: Path) -> None:
    """Git stores a 300-byte name; the file system does not (255): an error, no longer a crash."""
    root, _bare, _main, _link = repo
    name = "a" * 295 + ".yaml"
    odd = crafted(root, [(".shiftleft.toml", 'rules = ["r"]\n'), ("r", [(name, "x: 1\n")])])
    with pytest.raises(ConfigError) as e:
        basepolicy.load(odd, None, root, tmp_path)
    assert str(e.value) == f"--base: r/{name} at the base commit cannot be copied: File name too long"
