"""Mutants of shiftleft/governance/session.py: downgrades found against the base manifest (their rule, service,
file:line:col and path), which base manifests are compared, and the files changed since the base (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shiftleft import config as config_mod
from shiftleft import pipeline
from shiftleft.discover import Target
from shiftleft.errors import UsageError
from shiftleft.governance import basepolicy, session
from tests.e2e.governance.gitrepo import Gitlink, commit, crafted, git, init, needs_git
from tests.helpers import NOW, good_manifest, run_cli, write

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
import json
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
    # Here first, in this process's (UTF-8) locale: mutmut runs a test only for the functions it saw the test call in
    # its own process, so without this call the child's run would never be chosen for `_downgrades`' mutants.
    found, _added = session._downgrades({}, {"spec": {"tier": 1}}, Target(file, "svc/m.yaml", tmp_path), "main")
    assert [(f.rule, f.location.line) for f in found] == [("SL911", 3)]
    root = Path(session.__file__).parent.parent.parent  # the code under test, also when mutmut runs a copy of it
    env = {**os.environ, "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(file)], env=env, cwd=root, capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout == "ANSI_X3.4-1968 [('SL911', 3, 'tier lowered from 1 to 2 since main')]\n"


# `check --base` end to end: the drift step over several base manifests, the removed services, the paths checked,
# `--config`, a working tree's configuration that does not load, and the base commit's baseline.

CHECKOUT = "services/checkout/shiftleft.yaml"
SEARCH = "services/search/shiftleft.yaml"
FAILING = good_manifest().replace("rto: 30m", "rto: 2h")
SL301 = ("SL301", "checkout", f"{CHECKOUT}:13:10", "spec.continuity.rto", True,
         "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h")  # fmt: skip
INLINE = "  waivers:\n    - {rule: SL315, reason: later, approved_by: lead, expires: 2027-01-31}\n"


def pull_request(tmp_path: Path, files: dict[str, str]) -> Path:
    """A repository whose `main` holds `files` (manifests with their documents), on a new branch `pr`."""
    root = tmp_path / "repo"
    for rel, text in files.items():
        write(root, rel, text)
    init(root, {})
    git(root, "checkout", "-q", "-b", "pr")
    return root


def check(root: Path, capsys, monkeypatch, *args: str) -> tuple[int, dict]:
    run = run_cli(["check", "--now", NOW, "--format", "json", *args], capsys, monkeypatch, root)
    return run.code, json.loads(run.out) if run.out else {"err": run.err}


def findings(doc: dict) -> list[tuple[str, str, str, str, bool, str]]:
    return [(f["rule"], f["service"], "{file}:{line}:{col}".format(**f["location"]), f["location"]["path"],
             f["failing"], f["message"]) for f in doc["findings"]]  # fmt: skip


def removed(name: str, file: str) -> tuple[str, str, str, str, bool, str]:
    message = f"manifest of {name} deleted or moved out of the manifest globs since main"
    return ("SL910", name, f"{file}:0:0", "", True, message)


@needs_git
def test_every_changed_base_manifest_is_compared_and_every_removed_one_reported(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """One run over seven base manifests, in path order: one that is no mapping (skipped, not the end of the
    loop), four deleted (SL910 at 0:0, their name or, without one, their path; their base tier when it is a whole
    number), one renamed and lowered (compared by its path: SL911 under the new name, and its new inline waiver
    listed with its file), and a last one edited without a downgrade (which keeps what came before it)."""
    root = pull_request(tmp_path, {
        "services/a/shiftleft.yaml": "- not a mapping\n",
        "services/b/shiftleft.yaml": "metadata: {name: b}\nspec: {tier: 1}\n",
        "services/c/shiftleft.yaml": "spec: [tier, 1]\n",
        "services/d/shiftleft.yaml": "metadata: {name: d}\n",
        "services/e/shiftleft.yaml": "metadata: {name: e}\nspec: {tier: '1'}\n",
        "services/f/shiftleft.yaml": good_manifest("f", 1),
        "services/g/shiftleft.yaml": good_manifest("g", 2),
    })  # fmt: skip
    for name in "abcde":
        (root / f"services/{name}/shiftleft.yaml").unlink()
    write(root, "services/f/shiftleft.yaml", good_manifest("f2", 2) + INLINE)
    write(root, "services/g/shiftleft.yaml", "# edited\n" + good_manifest("g", 2))
    commit(root, "pr")
    code, doc = check(root, capsys, monkeypatch, "--base", "main")
    assert code == 1
    assert findings(doc) == [
        removed("b", "services/b/shiftleft.yaml"),
        removed("services/c/shiftleft.yaml", "services/c/shiftleft.yaml"),
        removed("d", "services/d/shiftleft.yaml"),
        removed("e", "services/e/shiftleft.yaml"),
        ("SL911", "f2", "services/f/shiftleft.yaml:7:9", "spec.tier", True, "tier lowered from 1 to 2 since main"),
    ]
    assert [(s["name"], s["file"], s["tier"], s["valid"]) for s in doc["services"]] == [
        ("f2", "services/f/shiftleft.yaml", 2, True),
        ("g", "services/g/shiftleft.yaml", 2, True),
        ("b", "services/b/shiftleft.yaml", 1, True),
        ("services/c/shiftleft.yaml", "services/c/shiftleft.yaml", None, True),
        ("d", "services/d/shiftleft.yaml", None, True),
        ("e", "services/e/shiftleft.yaml", None, True),
    ]
    assert doc["policy_changes"] == [{"loosening": True, "source": "services/f/shiftleft.yaml",
                                      "change": "inline waiver added: SL315 on f2 until 2027-01-31, approved by lead"}]


@needs_git
def test_only_base_manifests_under_the_checked_paths_are_compared(tmp_path: Path, capsys, monkeypatch) -> None:
    root = pull_request(tmp_path, {CHECKOUT: good_manifest(), SEARCH: good_manifest("search", 2)})
    (root / CHECKOUT).unlink()
    code, doc = check(root, capsys, monkeypatch, "--base", "main", "services/search")
    assert (code, findings(doc), [s["name"] for s in doc["services"]]) == (0, [], ["search"])
    code, doc = check(root, capsys, monkeypatch, "--base", "main")
    assert (code, findings(doc)) == (1, [removed("checkout", CHECKOUT)])


@needs_git
def test_the_configuration_named_by_config_judges_with_and_without_base(tmp_path: Path, capsys, monkeypatch) -> None:
    """`--config ci/shiftleft.toml`: with `--base`, the base's copy of that file judges (fail_on high: SL301 fails)
    and the working tree's edit of it is the policy change; without, the working tree's file (fail_on critical)."""
    root = pull_request(tmp_path, {CHECKOUT: FAILING, "ci/shiftleft.toml": 'fail_on = "high"\n'})
    write(root, "ci/shiftleft.toml", 'fail_on = "critical"\n')
    commit(root, "lower the gate")
    code, doc = check(root, capsys, monkeypatch, "--base", "main", "--config", "ci/shiftleft.toml")
    assert (code, findings(doc)) == (1, [SL301])
    assert doc["policy_changes"] == [{"loosening": True, "change": "fail_on high → critical",
                                      "source": "ci/shiftleft.toml"}]  # fmt: skip
    code, doc = check(root, capsys, monkeypatch, "--config", "ci/shiftleft.toml")
    assert (code, findings(doc), doc["policy_changes"]) == (0, [(*SL301[:4], False, SL301[5])], [])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('fail_on = "nope"\n', ".shiftleft.toml:1: fail_on: unknown severity 'nope' (choose from critical, high, "
                               "medium, low, info)"),
        ("fail_on = \n", ".shiftleft.toml:1:11: invalid TOML: Invalid value"),
    ],
)  # fmt: skip
@needs_git
def test_a_working_tree_configuration_that_does_not_load_is_a_loosening_change(
    tmp_path: Path, capsys, monkeypatch, text: str, error: str
) -> None:
    root = pull_request(tmp_path, {CHECKOUT: FAILING})
    write(root, ".shiftleft.toml", text)
    code, doc = check(root, capsys, monkeypatch, "--base", "main")
    assert (code, findings(doc)) == (1, [SL301])
    assert doc["policy_changes"] == [
        {"loosening": True, "change": f"the working tree's configuration does not load: {error}", "source": ""}
    ]


@needs_git
def test_a_base_baseline_that_is_no_baseline_is_named_by_commit_and_path(tmp_path: Path, capsys, monkeypatch) -> None:
    root = pull_request(tmp_path, {CHECKOUT: FAILING, "ci/baseline.json": '{"schema": "x"}\n'})
    run = run_cli(["check", "--now", NOW, "--base", "main", "--baseline", "ci/baseline.json"], capsys, monkeypatch,
                  root)  # fmt: skip
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "shiftleft: error: main:ci/baseline.json: not a baseline file (expected schema 'shiftleft/baseline-v1'; "
        "write one with `shiftleft baseline`)\n"
    )


@needs_git
def test_git_is_asked_about_the_repository_of_the_run_not_the_process_folder(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    """`pipeline.run(cwd=...)` away from the process's folder (not a repository): the changed files, the base
    manifest and the base commit's baseline are all read from the run's repository."""
    root = pull_request(tmp_path, {CHECKOUT: FAILING})
    assert run_cli(["baseline", "--now", NOW, "-o", "baseline.json"], capsys, monkeypatch, root).code == 0
    commit(root, "baseline")
    git(root, "branch", "-q", "-f", "main")
    write(root, CHECKOUT, FAILING.replace("classification: internal", "classification: public"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    outcome = pipeline.run([], config_file=None, fail_on=None, now=pipeline.parse_now(NOW), cwd=root, base="main",
                           baseline="baseline.json")  # fmt: skip
    assert [(f.rule, f.service, str(f.location), f.message, f.waiver and f.waiver.source)
            for f in outcome.result.findings] == [
        ("SL916", "checkout", f"{CHECKOUT}:11:26", "data classification lowered from internal to public since main",
         None),
        ("SL301", "checkout", f"{CHECKOUT}:13:10", SL301[5], "baseline.json"),
    ]  # fmt: skip
