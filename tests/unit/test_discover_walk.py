"""The manifest walk finds exactly what `os.walk` finds (the hook's faster walk, decision 0018)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from shiftleft.discover import _excluded, _literal_names, _vendor_reason, _walk, glob_regex


def reference(top: Path, include: list[re.Pattern[str]], skip: list[tuple[str, re.Pattern[str]]], vendored: bool):
    """The walk as it was before decision 0018: os.walk, not following symlinked folders."""
    out = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != ".git" and (vendored or d not in {"node_modules", ".venv"}))
        rel_folder = os.path.relpath(folder, top).replace(os.sep, "/")
        parts = [] if rel_folder == "." else rel_folder.split("/")
        for name in files:
            rel = name if not parts else f"{rel_folder}/{name}"
            if any(p.match(rel) for p in include):
                out.append((Path(folder) / name, _excluded(rel, skip) or _vendor_reason(parts)))
    return sorted(out)


def tree(root: Path) -> None:
    for rel in ("a/shiftleft.yaml", "a/b/c/shiftleft.yaml", "node_modules/x/shiftleft.yaml", ".venv/shiftleft.yaml",
                ".git/shiftleft.yaml", "nested/.git/shiftleft.yaml", "nested/shiftleft.yaml", "gen/shiftleft.yaml",
                "services/s1/shiftleft.yaml", "services/s1/other.yaml", "shiftleft.yaml", "deep/er/x.yml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x\n")
    (root / "outside").mkdir()
    (root / "outside" / "shiftleft.yaml").write_text("x\n")
    (root / "linked").symlink_to(root / "outside")  # a symlinked folder: not entered
    (root / "dir-named").mkdir()
    (root / "dir-named" / "shiftleft.yaml").symlink_to(root / "outside")  # a link to a folder: not a file
    (root / "broken").mkdir()
    (root / "broken" / "shiftleft.yaml").symlink_to(root / "nowhere")  # a dangling link: a file, as os.walk says
    (root / "filelink").mkdir()
    (root / "filelink" / "shiftleft.yaml").symlink_to(root / "a" / "shiftleft.yaml")


@pytest.mark.parametrize("vendored", [True, False])
@pytest.mark.parametrize(
    ("globs", "exclude"),
    [
        (("**/shiftleft.yaml",), ()),
        (("**/shiftleft.yaml",), ("gen/**", "node_modules/**")),
        (("services/*/*.yaml", "**/x.yml"), ()),
        (("**/*.yaml",), ("a/b/**",)),
        (("shiftleft.yaml",), ()),
    ],
)
def test_the_walk_finds_what_os_walk_finds(tmp_path: Path, globs, exclude, vendored: bool, monkeypatch) -> None:
    monkeypatch.setattr("shiftleft.discover.VENDOR_DIRS", frozenset({"node_modules", ".venv"}))
    tree(tmp_path)
    include = [glob_regex(g) for g in globs]
    skip = [(g, glob_regex(g)) for g in exclude]
    got = sorted(_walk(tmp_path, include, skip, vendored, _literal_names(globs)))
    assert got == reference(tmp_path, include, skip, vendored)
    assert got  # the tree has something for every case


def test_the_walk_reports_the_vendored_and_excluded_manifests(tmp_path: Path) -> None:
    tree(tmp_path)
    include = [glob_regex("**/shiftleft.yaml")]
    found = {p.relative_to(tmp_path).as_posix(): why for p, why in _walk(tmp_path, include, [], True)}
    assert found["node_modules/x/shiftleft.yaml"][0] == "SL012"
    assert found["a/b/c/shiftleft.yaml"] is None
    assert "linked/shiftleft.yaml" not in found and "dir-named/shiftleft.yaml" not in found
    assert ".git/shiftleft.yaml" not in found and "nested/.git/shiftleft.yaml" not in found
    assert found["broken/shiftleft.yaml"] is None and found["nested/shiftleft.yaml"] is None
    quiet = {p.relative_to(tmp_path).as_posix() for p, _ in _walk(tmp_path, include, [], False)}
    assert "node_modules/x/shiftleft.yaml" not in quiet and ".venv/shiftleft.yaml" not in quiet


def test_literal_names_only_when_every_glob_ends_in_a_plain_name() -> None:
    assert _literal_names(("**/shiftleft.yaml", "svc/*/service.yml")) == {"shiftleft.yaml", "service.yml"}
    assert _literal_names(("**/shiftleft.yaml", "**/*.yaml")) is None
    assert _literal_names(("services/**",)) is None
    assert _literal_names(("a/",)) is None


@pytest.mark.parametrize(
    ("path", "cwd"),
    [("/a/b/c", "/a"), ("/a", "/a"), ("/ab/c", "/a"), ("/a/b", "/"), ("/", "/"), ("/x", "/a/b"), ("/a/b", "/a/b/c")],
)
def test_display_path_is_relative_to_by_whole_components(path: str, cwd: str) -> None:
    from shiftleft.discover import display_path

    try:
        want = Path(path).relative_to(cwd).as_posix()
    except ValueError:
        want = Path(path).as_posix()
    assert display_path(Path(path), Path(cwd)) == want


def test_the_listing_holds_the_walked_real_folders_only(tmp_path: Path) -> None:
    """`discover(listing=...)` keeps each walked folder's entries (the facts cache answers declared paths from
    them): never a symlinked folder, and nothing when the walk starts at a path that is not real."""
    from shiftleft.discover import discover

    tree(tmp_path)
    listing: dict[str, list[os.DirEntry[str]]] = {}
    discover([str(tmp_path)], ("**/shiftleft.yaml",), (), tmp_path, vendored=False, listing=listing)
    assert str(tmp_path / "a" / "b" / "c") in listing and str(tmp_path / "linked") not in listing
    assert str(tmp_path / "node_modules") not in listing and str(tmp_path / ".git") not in listing
    names = {e.name: e.is_symlink() for e in listing[str(tmp_path)]}
    assert names["linked"] is True and names["a"] is False
    (tmp_path.parent / "via").symlink_to(tmp_path)
    through: dict[str, list[os.DirEntry[str]]] = {}
    discover([str(tmp_path.parent / "via")], ("**/shiftleft.yaml",), (), tmp_path, listing=through)
    assert through == {}

