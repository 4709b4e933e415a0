"""Path confinement invariants that mutation testing asked for (see tests/mutation/README.md)."""

from __future__ import annotations

import os
from pathlib import Path

from shiftleft.paths import (
    _climbs,
    _file_or_folder,
    confine,
    explain,
    inside,
    present,
    printable,
    real_folder,
    realpath,
    still,
)


def test_a_sibling_folder_whose_name_extends_the_root_is_outside(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "svc").mkdir(parents=True)
    (tmp_path / "repo-evil").mkdir()
    (tmp_path / "repo-evil" / "x.md").write_text("x", encoding="utf-8")
    assert confine(str(root / "svc"), str(root), "../../repo-evil/x.md") == ("outside", False)
    assert confine(str(root), str(root), "../repo-evil") == ("outside", False)
    assert not inside(str(tmp_path / "repo-evil" / "x.md"), str(root))
    assert not inside(str(tmp_path / "repo-evil"), str(root))


def test_the_root_itself_and_paths_below_it_are_inside(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "plan.md").write_text("x", encoding="utf-8")
    assert confine(str(root), str(root), "docs/plan.md") == (None, True)
    assert confine(str(root), str(root), ".") == (None, True)
    assert confine(str(root / "docs"), str(root), "..") == (None, True)
    assert confine(str(root), str(root), "docs/missing.md") == (None, False)
    assert inside(str(root), str(root)) and inside(str(root) + os.sep, str(root) + os.sep)
    assert inside("/", "/") and inside("/etc", "/")


def test_each_lexical_problem_is_named(tmp_path: Path) -> None:
    root = str(tmp_path)
    assert confine(root, root, "a\x01b") == ("a control character", False)
    assert confine(root, root, "a\x1fb") == ("a control character", False)
    assert confine(root, root, "a\x7fb") == ("a control character", False)
    assert confine(root, root, "a b") == (None, False)  # space (32) is an ordinary character
    assert confine(root, root, "~/x") == ("home", False)
    assert confine(root, root, "x~") == (None, False)
    assert confine(root, root, "/etc/passwd") == ("absolute", False)
    assert confine(root, root, "C:\\x") == ("absolute", False)
    assert confine(root, root, "C") == (None, False)  # one character: no drive letter
    assert confine(root, root, "C:") == ("absolute", False)  # a bare drive letter
    assert confine(root, root, "ab:c") == (None, False)


def test_a_symlink_out_of_the_repository_is_refused_and_one_within_it_is_not(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "real").mkdir(parents=True)
    (root / "real" / "f").write_text("x", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "f").write_text("x", encoding="utf-8")
    (root / "out").symlink_to(tmp_path / "outside")
    (root / "in").symlink_to(root / "real")
    (root / "outfile").symlink_to(tmp_path / "outside" / "f")
    real_folder.cache_clear()
    assert confine(str(root), str(root), "out/f") == ("symlink", False)
    assert confine(str(root), str(root), "outfile") == ("symlink", False)
    assert confine(str(root), str(root), "in/f") == (None, True)
    assert realpath(str(root / "in" / "f")) == str(root / "real" / "f")
    assert realpath(str(root / "outfile")) == str(tmp_path / "outside" / "f")
    assert real_folder(str(root / "out")) == str(tmp_path / "outside")
    assert real_folder("/") == "/"


def test_explain_and_printable() -> None:
    assert (
        explain("/x", "absolute", "the service folder") == "'/x' is absolute; write it relative to the service folder"
    )
    assert explain("../y", "outside", "z") == "'../y' points outside the repository"
    assert printable("plain é") == "plain é"
    assert printable("a\udcffb") == "a\ufffdb"
    assert printable("a\ud800b") == "a?b"


def test_still_answers_as_confine_would_for_a_path_it_once_accepted(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "real").mkdir(parents=True)
    (root / "real" / "f").write_text("x", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "f").write_text("x", encoding="utf-8")
    (root / "in").symlink_to(root / "real")
    (root / "out").symlink_to(tmp_path / "outside" / "f")
    (root / "infile").symlink_to(root / "real" / "f")
    (root / "outdir").symlink_to(tmp_path / "outside")
    real_folder.cache_clear()
    base, real = str(root), str(root)
    assert (still(base, real, "real/f", True), still(base, real, "real/f", False)) == (True, False)
    assert (still(base, real, "missing", False), still(base, real, "missing", True)) == (True, False)
    assert (still(base, real, "real/missing", False), still(base, real, "real/missing", True)) == (True, False)
    assert still(base, real, "../outside/f", True) is False
    assert still(base, real, "out", True) is False  # a symlink leading out
    assert (still(base, real, "infile", True), still(base, real, "infile", False)) == (True, False)
    assert (still(base, real, "in/f", True), still(base, real, "in/f", False)) == (True, False)  # a link on the way
    assert still(str(root / "real"), real, "f", True) is True
    assert still(base, real, "outdir/f", True) is False  # a plain file behind a folder link leading out


def test_still_asks_confine_for_a_path_that_climbs(tmp_path: Path) -> None:
    """`a/../b` is resolved as the system resolves it (a symlink before the `..` is followed first), so `still`
    asks `confine` itself for it."""
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "f").write_text("x", encoding="utf-8")
    real_folder.cache_clear()
    base = str(tmp_path)
    assert (still(base, base, "real/../real/f", True), still(base, base, "real/../real/f", False)) == (True, False)
    assert (still(base, base, "real/../nope", False), still(base, base, "real/../nope", True)) == (True, False)


def test_a_fifo_is_no_document_for_confine_or_still(tmp_path: Path) -> None:
    """A FIFO (or socket, or device) exists but is no file to read: `confine` says it does not exist, on both of its
    paths (with and without `..`), and `still` agrees rather than trusting the one lstat that sees an entry."""
    (tmp_path / "real").mkdir()
    os.mkfifo(tmp_path / "pipe")
    real_folder.cache_clear()
    base = str(tmp_path)
    assert confine(base, base, "pipe") == (None, False)
    assert confine(base, base, "real/../pipe") == (None, False)
    assert (still(base, base, "pipe", False), still(base, base, "pipe", True)) == (True, False)
    assert present(str(tmp_path / "pipe")) is None and present(str(tmp_path / "real")) is True
    assert _file_or_folder(str(tmp_path / "missing")) is False  # nothing to stat: no document either


def test_a_dotdot_between_backslashes_climbs_too() -> None:
    """A path written with Windows separators (`docs\\..\\x`) counts as climbing, like `docs/../x`."""
    assert (_climbs("docs\\..\\x"), _climbs("docs/../x"), _climbs("docs/..x"), _climbs("a..b")) == (
        True, True, False, False,
    )  # fmt: skip
