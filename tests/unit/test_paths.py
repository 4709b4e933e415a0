"""Every invariant of path confinement (`shiftleft.paths`), directly: a path a manifest, a configuration file or an
evidence block names must stay inside the repository root, compared by whole components, symlinks followed the way
the system follows them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shiftleft.paths import confine, explain, inside, real_folder, realpath


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp/repo (the root, with svc/ and docs/plan.md), tmp/repo-evil/x.md and tmp/outside/secret.md beside it."""
    root = tmp_path / "repo"
    (root / "svc").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "plan.md").write_text("plan\n")
    (tmp_path / "repo-evil").mkdir()
    (tmp_path / "repo-evil" / "x.md").write_text("evil\n")
    (tmp_path / "outside" / "deep").mkdir(parents=True)
    (tmp_path / "outside" / "secret.md").write_text("secret\n")
    return root


def check(root: Path, value: str, base: str = "svc") -> tuple[str | None, bool]:
    real = os.path.realpath(root)
    return confine(real_folder(os.path.join(real, base) if base else real), real, value)


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("/x/repo", "/x/repo", True),
        ("/x/repo/a", "/x/repo", True),
        ("/x/repo/a/b", "/x/repo", True),
        ("/x/repo-evil", "/x/repo", False),  # a sibling that shares the prefix is not inside
        ("/x/repo-evil/a", "/x/repo", False),
        ("/x/repository", "/x/repo", False),
        ("/x/rep", "/x/repo", False),
        ("/x", "/x/repo", False),
        ("/x/repo/a", "/x/repo/", True),  # a trailing separator on the root changes nothing
        ("/x/repo-evil", "/x/repo/", False),
        ("/x/repo", "/x/repo/", False),  # both sides normalised, as the callers pass them
        ("/anything", "/", True),
        ("/x/Repo/a", "/x/repo", False),  # compared as written: case matters
        ("/x/REPO", "/x/repo", False),
    ],
)
def test_inside_compares_whole_components(path: str, root: str, expected: bool) -> None:
    assert inside(path, root) is expected


def test_sibling_prefix_folder_is_outside(tree: Path) -> None:
    """The mutant issue 14 found (`+ os.sep` dropped) made this pass: /tmp/repo-evil starts with /tmp/repo."""
    assert check(tree, "../repo-evil/x.md", base="") == ("outside", False)
    assert check(tree, "../../repo-evil/x.md") == ("outside", False)
    assert check(tree, "../../repo-evil") == ("outside", False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("../docs/plan.md", (None, True)),
        ("./../docs/plan.md", (None, True)),
        ("../docs/../docs/plan.md", (None, True)),
        ("..", (None, True)),  # svc/.. is the root itself
        (".", (None, True)),
        ("../docs/missing.md", (None, False)),  # inside but absent: checked lexically, nothing to read
        ("../..", ("outside", False)),
        ("../../outside/secret.md", ("outside", False)),
        ("../docs/../../outside/secret.md", ("outside", False)),
        ("a/b/../../../../outside", ("outside", False)),
        ("../../repo/docs/plan.md", (None, True)),  # leaves and comes back by name: the same file
    ],
)
def test_dot_dot(tree: Path, value: str, expected: tuple[str | None, bool]) -> None:
    assert check(tree, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/etc/passwd", "absolute"),
        ("//server/share", "absolute"),
        ("C:/Windows", "absolute"),
        ("c:\\Windows", "absolute"),
        ("~", "home"),
        ("~/secret", "home"),
        ("~root/.ssh", "home"),
        ("docs\nplan.md", "a control character"),
        ("docs/\x7fplan.md", "a control character"),
        ("\x1b[31m", "a control character"),
    ],
)
def test_refused_before_any_file_access(tree: Path, value: str, expected: str) -> None:
    assert check(tree, value) == (expected, False)


def test_absolute_path_inside_the_root_is_still_refused(tree: Path) -> None:
    assert check(tree, str(tree / "docs" / "plan.md")) == ("absolute", False)


def test_explain_names_the_anchor() -> None:
    assert explain("/etc", "absolute", "the manifest's folder") == (
        "'/etc' is absolute; write it relative to the manifest's folder"
    )
    assert explain("../x", "outside", "-") == "'../x' points outside the repository"


def test_symlink_inside_to_inside_is_followed(tree: Path) -> None:
    (tree / "svc" / "plan.md").symlink_to(tree / "docs" / "plan.md")
    (tree / "svc" / "docs").symlink_to(tree / "docs", target_is_directory=True)
    assert check(tree, "plan.md") == (None, True)
    assert check(tree, "docs/plan.md") == (None, True)
    assert check(tree, "docs") == (None, True)


def test_symlink_out_of_the_root_is_refused(tree: Path) -> None:
    outside = tree.parent / "outside"
    (tree / "svc" / "secret.md").symlink_to(outside / "secret.md")
    (tree / "svc" / "out").symlink_to(outside, target_is_directory=True)
    (tree / "svc" / "evil").symlink_to(tree.parent / "repo-evil", target_is_directory=True)
    assert check(tree, "secret.md") == ("symlink", False)
    assert check(tree, "out") == ("symlink", False)
    assert check(tree, "out/secret.md") == ("symlink", False)
    assert check(tree, "evil/x.md") == ("symlink", False)  # a sibling with the root's name as prefix


def test_chained_symlinks_are_followed_to_the_end(tree: Path) -> None:
    (tree / "svc" / "hop2").symlink_to(tree.parent / "outside" / "secret.md")
    (tree / "svc" / "hop1").symlink_to(tree / "svc" / "hop2")
    assert check(tree, "hop1") == ("symlink", False)


def test_dot_dot_after_a_symlink_is_resolved_as_the_system_does(tree: Path) -> None:
    """`out/../secret.md` reads outside/secret.md (the link first, then `..`), not svc/secret.md as the lexical
    form says: a path that escapes this way is refused."""
    (tree / "svc" / "out").symlink_to(tree.parent / "outside" / "deep", target_is_directory=True)
    assert check(tree, "out/../secret.md") == ("symlink", False)
    assert check(tree, "out/..") == ("symlink", False)
    (tree / "svc" / "docs").symlink_to(tree / "docs", target_is_directory=True)
    assert check(tree, "docs/../docs/plan.md") == (None, True)  # through a link that stays inside: fine


def test_dangling_symlink_reads_nothing(tree: Path) -> None:
    (tree / "svc" / "gone").symlink_to(tree.parent / "outside" / "missing.md")
    assert check(tree, "gone") == (None, False)


def test_root_reached_through_a_symlink(tree: Path) -> None:
    """The root is compared as its real path: a checkout reached through a link confines the same."""
    alias = tree.parent / "alias"
    alias.symlink_to(tree, target_is_directory=True)
    real = os.path.realpath(alias)
    base = real_folder(str(alias / "svc"))
    assert base == str(tree / "svc")
    assert confine(base, real, "../docs/plan.md") == (None, True)
    assert confine(base, real, "../../repo-evil/x.md") == ("outside", False)


def test_symlinked_root_does_not_confine_to_the_link_target_parent(tree: Path) -> None:
    (tree / "svc" / "up").symlink_to(tree.parent, target_is_directory=True)
    assert check(tree, "up") == ("symlink", False)
    assert check(tree, "up/repo/docs/plan.md") == (None, True)  # back into the root by a long way round


def test_case_is_compared_as_written(tree: Path) -> None:
    """On a case-sensitive file system `../REPO` is another folder; it is outside even if it exists."""
    upper = tree.parent / "REPO"
    upper.mkdir()
    (upper / "plan.md").write_text("x\n")
    if (tree.parent / "repo").samefile(upper):  # a case-insensitive file system: the same folder
        pytest.skip("case-insensitive file system")
    assert check(tree, "../../REPO/plan.md") == ("outside", False)
    assert check(tree, "../DOCS/plan.md") == (None, False)


def test_realpath_matches_the_system(tree: Path) -> None:
    (tree / "svc" / "l").symlink_to(tree / "docs", target_is_directory=True)
    for path in (tree / "svc" / "l" / "plan.md", tree / "docs" / "plan.md", tree / "svc" / "l"):
        assert realpath(str(path)) == os.path.realpath(path)
