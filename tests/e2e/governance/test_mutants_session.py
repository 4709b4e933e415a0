"""Mutants of shiftleft/governance/session.py: downgrades found against the base manifest (their rule, service,
file:line:col and path), which base manifests are compared, and the files changed since the base (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shiftleft import config as config_mod
from shiftleft.discover import Target
from shiftleft.errors import UsageError
from shiftleft.governance import basepolicy, session
from tests.e2e.governance.gitrepo import Gitlink, crafted, init, needs_git

OLD = {"metadata": {"name": "checkout"}, "spec": {"tier": 1, "lifecycle": "production", "continuity": {"rto": "1h"},
       "waivers": [{"rule": "SL301", "expires": "2027-01-01", "approved_by": "a"}]}}  # fmt: skip
WAIVERS = """  waivers:
    - {rule: SL301, expires: 2027-01-01, approved_by: a}
    - {rule: SL302, expires: 2027-01-01, approved_by: b}
"""


def downgrades(tmp_path: Path, text: str, old: object = OLD) -> tuple[list[tuple[str, str, str, str, str]], list[str]]:
    file = tmp_path / "m.yaml"
    file.write_text(text, encoding="utf-8")
    found, added = session._downgrades({}, old, Target(file, "svc/m.yaml", tmp_path), "main")
    where = [(f.rule, f.service, f"{f.location.file}:{f.location.line}:{f.location.col}", f.location.path, f.message)
             for f in found]  # fmt: skip
    return where, added


def test_a_downgrade_is_placed_at_its_line_and_path_under_the_new_name(tmp_path: Path) -> None:
    text = "metadata:\n  name: cart\nspec:\n  tier: 1\n  lifecycle: production\n  continuity:\n    rto: 4h\n" + WAIVERS
    assert downgrades(tmp_path, text) == (
        [("SL913", "cart", "svc/m.yaml:7:10", "spec.continuity.rto", "RTO loosened from 1h to 4h since main")],
        ["inline waiver added: SL302 on cart until 2027-01-01, approved by b"],
    )


def test_without_a_name_the_file_names_the_service(tmp_path: Path) -> None:
    assert downgrades(tmp_path, "spec: {tier: 2, lifecycle: production, continuity: {rto: 1h}}\n") == (
        [("SL911", "svc/m.yaml", "svc/m.yaml:1:14", "spec.tier", "tier lowered from 1 to 2 since main")],
        [],
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("spec:\n  lifecycle: production\ufeff", "lifecycle lowered from production to production\ufeff since main"),
        ("XX\ufeffXXspec: {lifecycle: production}\n", "lifecycle lowered from production to (removed) since main"),
    ],
)
def test_only_a_leading_byte_order_mark_is_dropped(tmp_path: Path, text: str, message: str) -> None:
    old = {"spec": {"lifecycle": "production"}}
    assert [m for *_rest, m in downgrades(tmp_path, text, old)[0]] == [message]


def test_a_manifest_that_is_no_mapping_or_does_not_load_has_no_downgrades(tmp_path: Path) -> None:
    assert downgrades(tmp_path, "- spec\n") == ([], [])
    assert downgrades(tmp_path, "spec: [\n") == ([], [])


def test_the_name_of_a_manifest() -> None:
    assert session._name({"metadata": {"name": "cart"}}, "f") == "cart"
    for raw in ({"metadata": "cart"}, {"metadata": {"name": 5}}, {"metadata": {"name": ""}}, {}):
        assert session._name(raw, "f") == "f"


def test_parse_gives_none_for_what_does_not_load() -> None:
    assert session._parse(None, "x") is None
    assert session._parse(b"a: [", "x") is None
    assert session._parse(b"a: 1\n", "x") == {"a": 1}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = (tmp_path_factory.mktemp("session") / "repo").resolve()
    files = {f"{p}/shiftleft.yaml": "x: 1\n" for p in ("svc/a", "svc/b", "svc/b/old", "other/c")}
    first = init(root, {**files, "shiftleft.yaml": "x: 1\n", "svc/readme.md": "r\n"})
    (root / "svc" / "a" / "shiftleft.yaml").write_text("x: 2\n", encoding="utf-8")
    (root / "other" / "c" / "new.txt").write_text("n\n", encoding="utf-8")
    return root, first


@needs_git
def test_base_manifests_under_the_checked_paths_matched_by_the_bases_globs(repo, tmp_path: Path) -> None:
    root, first = repo
    base = basepolicy.Base("main", first, root, tmp_path, tmp_path, config_mod.defaults(), "")
    config = config_mod.defaults()._replace(exclude=("*/old/**",))
    assert session._base_manifests(base, config, ["svc", "other/c"], root) == [
        "other/c/shiftleft.yaml",
        "svc/a/shiftleft.yaml",
        "svc/b/shiftleft.yaml",
    ]
    assert session._base_manifests(base, config_mod.defaults(), [], root / "svc") == [
        "svc/a/shiftleft.yaml",
        "svc/b/old/shiftleft.yaml",
        "svc/b/shiftleft.yaml",
    ]
    everything = config_mod.defaults()._replace(manifests=("shiftleft.yaml", "*/*/shiftleft.yaml"))
    assert session._base_manifests(base, everything, ["."], root) == [
        "other/c/shiftleft.yaml",
        "shiftleft.yaml",
        "svc/a/shiftleft.yaml",
        "svc/b/shiftleft.yaml",
    ]


@needs_git
def test_a_submodule_named_like_a_manifest_is_not_a_base_manifest(repo, tmp_path: Path) -> None:
    root, _first = repo
    odd = crafted(root, [("a", [("shiftleft.yaml", Gitlink("1" * 40))]), ("shiftleft.yaml", "x: 1\n")])  # listed first
    base = basepolicy.Base("main", odd, root, tmp_path, tmp_path, config_mod.defaults(), "")
    assert session._base_manifests(base, config_mod.defaults(), ["."], root) == ["shiftleft.yaml"]


@needs_git
def test_changed_files_are_relative_to_the_working_folder(repo) -> None:
    root, first = repo
    assert session.changed_files(first, root / "svc") == ["../other/c/new.txt", "a/shiftleft.yaml"]


def test_a_path_outside_the_repository(tmp_path: Path) -> None:
    assert session._rel(tmp_path / "a" / "..", tmp_path) == ""
    with pytest.raises(UsageError) as e:
        session._rel(tmp_path, tmp_path / "b")
    assert str(e.value) == f"--base: {tmp_path} is outside the repository {tmp_path / 'b'}"


CHILD = """
import locale, sys
import os
import subprocess
import sys
from pathlib import Path
from shiftleft.discover import Target
from shiftleft.governance import session
file = Path(sys.argv[1])
found, _added = session._downgrades({}, {"spec": {"tier": 1}}, Target(file, "svc/m.yaml", file.parent), "main")
print(locale.getpreferredencoding(False), [(f.rule, f.location.line, f.message) for f in found])
"""


def test_downgrades_are_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """A manifest is UTF-8 everywhere: in a C (ASCII) locale, a non-ASCII owner must not hide a lowered tier (a file
    that does not decode has no downgrades: the engine reports it instead)."""
    file = tmp_path / "m.yaml"
    file.write_text("metadata: {name: café}\nspec:\n  tier: 2\n", encoding="utf-8")
    root = Path(session.__file__).parent.parent.parent  # the code under test, also when mutmut runs a copy of it
    env = {**os.environ, "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(file)], env=env, cwd=root, capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == "ANSI_X3.4-1968 [('SL911', 3, 'tier lowered from 1 to 2 since main')]\n"
