"""Mutants of shiftleft/governance/gitread.py: reading the base commit through the real git, and every way
that fails closed with a one-line usage error (issue 14)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shiftleft.errors import UsageError
from shiftleft.governance import gitread
from tests.e2e.governance.gitrepo import git, init, needs_git

pytestmark = needs_git
ODD = os.fsdecode(b"odd\xff.txt")  # file names that are not UTF-8
NEW_ODD = os.fsdecode(b"untracked\xfe.txt")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """main: a.txt, run.sh (executable), link (symlink), sub (submodule), rules/r.yaml, rules2/x; tag v1."""
    root = tmp_path_factory.mktemp("gitread") / "repo"
    init(
        root,
        {
            "a.txt": "a\n",
            "run.sh": "#!/bin/sh\n",
            "rules/r.yaml": "r: 1\n",
            "rules2/x": "x\n",
            ".gitignore": "*.log\n",
            "XX--XX": "a file named like a mutated separator\n",
            "tab\there.txt": "t\n",
        },
    )
    (root / "run.sh").chmod(0o755)
    (root / "link").symlink_to("a.txt")
    (root / ODD).write_text("odd\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},sub")  # after `add -A`, which drops it
    git(root, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", "more")
    first = git(root, "rev-parse", "HEAD")
    (root / "sub").mkdir()  # the submodule not checked out, as a clone leaves it: not a change
    git(root, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "tag", "-a", "v1", "-m", "v1")
    (root / "a.txt").write_text("changed\n", encoding="utf-8")
    (root / "rules2" / "x").unlink()
    (root / "new.txt").write_text("new\n", encoding="utf-8")
    (root / "skip.log").write_text("ignored\n", encoding="utf-8")
    (root / ODD).write_text("odd, changed\n", encoding="utf-8")
    (root / NEW_ODD).write_text("new\n", encoding="utf-8")
    return root, first, git(root, "rev-parse", "v1")


def test_toplevel_and_the_folder_outside_a_repository(repo, tmp_path: Path) -> None:
    root, _first, _tag = repo
    assert gitread.toplevel(root / "rules") == root.resolve()
    with pytest.raises(UsageError) as e:
        gitread.toplevel(tmp_path)
    assert str(e.value) == "--base needs a git repository; this folder is not in one"


@pytest.mark.parametrize("ref", ["", "-x", "--output=x", "a b", "a\x01b", "a\tb"])
def test_a_value_that_is_no_revision_is_refused_before_git_runs(repo, ref: str) -> None:
    with pytest.raises(UsageError) as e:
        gitread.resolve(ref, repo[0])
    assert str(e.value) == f"--base: {ref!r} is not a git revision"


def test_resolve_names_the_commit_of_a_branch_or_an_annotated_tag(repo) -> None:
    root, first, tag = repo
    assert gitread.resolve("main", root) == first
    assert gitread.resolve("v1", root) == first != tag
    for missing in ("no!such", "main^{tree}"):
        with pytest.raises(UsageError) as e:
            gitread.resolve(missing, root)
        assert str(e.value) == (
            f"--base: {missing} is not a commit in this clone; fetch it first: "
            f"git fetch --no-tags --depth=1 origin {missing}"
        )


def test_files_lists_the_blobs_and_submodules_with_their_modes(repo) -> None:
    root, first, _tag = repo
    assert gitread.files(first, root) == [
        gitread.Entry(".gitignore", "100644"),
        gitread.Entry("XX--XX", "100644"),
        gitread.Entry("a.txt", "100644"),
        gitread.Entry("link", "120000"),
        gitread.Entry(ODD, "100644"),
        gitread.Entry("rules/r.yaml", "100644"),
        gitread.Entry("rules2/x", "100644"),
        gitread.Entry("run.sh", "100755"),
        gitread.Entry("sub", gitread.SUBMODULE),
        gitread.Entry("tab\there.txt", "100644"),
    ]
    assert gitread.files(first, root, "rules") == [gitread.Entry("rules/r.yaml", "100644")]
    assert gitread.files(first, root, "a.txt") == [gitread.Entry("a.txt", "100644")]


def test_files_of_a_missing_tree_is_a_usage_error_with_gits_words(repo) -> None:
    root, _first, _tag = repo
    for prefix, shown in (("", "the tree"), ("rules", "rules")):
        with pytest.raises(UsageError) as e:
            gitread.files("0" * 40, root, prefix)
        assert str(e.value) == f"--base: cannot list {shown} at 000000000000: fatal: not a tree object"


def test_show_reads_a_blob_or_none(repo) -> None:
    root, first, _tag = repo
    assert gitread.show(first, "a.txt", root) == b"a\n"
    assert gitread.show(first, "new.txt", root) is None


def test_changed_lists_edits_deletions_and_untracked_files(repo) -> None:
    root, first, _tag = repo
    assert gitread.changed(first, root) == ["a.txt", "new.txt", ODD, "rules2/x", NEW_ODD]


def test_a_failed_diff_quotes_gits_error_on_one_line_of_at_most_300_characters(repo) -> None:
    root, _first, _tag = repo
    bad = "x" * 400 + os.fsdecode(b"\xff")
    with pytest.raises(UsageError) as e:
        gitread.changed(bad, root)
    said = f"fatal: bad revision '{'x' * 400}\ufffd'"[:300]
    assert str(e.value) == f"--base: git diff against xxxxxxxxxxxx failed: {said}"
    assert gitread._err(gitread._git(["diff", "--no-such-option"], root)).startswith("error: invalid option:")


def test_without_git_or_when_git_hangs_it_is_a_usage_error(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _first, _tag = repo
    monkeypatch.setattr(gitread.shutil, "which", lambda name: None)
    with pytest.raises(UsageError) as e:
        gitread.toplevel(root)
    assert str(e.value) == "--base needs git, which is not installed"
    monkeypatch.undo()
    monkeypatch.setattr(gitread, "TIMEOUT", 0.000001)
    with pytest.raises(UsageError) as e:
        gitread.toplevel(root)
    assert str(e.value) == "git rev-parse took longer than 1e-06s"


def test_a_failed_listing_of_untracked_files_is_a_usage_error(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Untracked files would drop out of `check --changed --base`: fail closed, as a failed diff does."""
    root, first, _tag = repo
    real = gitread._git

    def broken_ls_files(args: list[str], where: Path):
        done = real(args, where)
        if args[0] == "ls-files":
            return done.__class__(done.args, 128, b"new.txt\0", b"fatal: index file corrupt\n")
        return done

    monkeypatch.setattr(gitread, "_git", broken_ls_files)
    with pytest.raises(UsageError) as e:
        gitread.changed(first, root)
    assert str(e.value) == "--base: git ls-files (the untracked files) failed: fatal: index file corrupt"
