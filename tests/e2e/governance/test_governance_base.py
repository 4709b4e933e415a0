"""`check --base REF` on real git histories: the base's policy judges, policy edits are listed, downgrades found.

Each repository is `git init` in a temporary folder: a base commit on `main`
and a pull request branch `pr` that attacks the gate or downgrades a service.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import NOW, ROOT, good_manifest, run_cli, write

CHECKOUT = "services/checkout/shiftleft.yaml"
SEARCH = "services/search/shiftleft.yaml"
GIT = shutil.which("git") or "git"
SHIPPED_TIERS = ROOT / "rules" / "tiers.yaml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([GIT, *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo),
                               "PATH": "/usr/bin:/bin:/usr/local/bin"})  # fmt: skip
    return done.stdout.strip()


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: checkout fails SL301 (RTO 2h at tier 1, line 13), search is clean; then branch `pr`."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, CHECKOUT, good_manifest().replace("rto: 30m", "rto: 2h"))
    write(root, SEARCH, good_manifest("search", 2))
    commit(root, "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def check(repo: Path, capsys, monkeypatch, *args: str) -> tuple[int, dict]:
    run = run_cli(["check", "--now", NOW, "--format", "json", *args], capsys, monkeypatch, repo)
    return run.code, json.loads(run.out)


def rules_at(document: dict) -> list[tuple[str, str, str]]:
    return [(f["rule"], f["service"], f"{f['location']['file']}:{f['location']['line']}")
            for f in document["findings"] if f["waiver"] is None and f["failing"]]  # fmt: skip


def changes(document: dict) -> list[tuple[bool, str]]:
    return [(c["loosening"], c["change"]) for c in document["policy_changes"]]


def test_unchanged_pull_request_has_no_policy_changes(repo: Path, capsys, monkeypatch) -> None:
    code, doc = check(repo, capsys, monkeypatch, "--base", "main")
    assert (code, rules_at(doc), changes(doc)) == (1, [("SL301", "checkout", f"{CHECKOUT}:13")], [])


ATTACKS = {
    "fail_on lowered": (
        {".shiftleft.toml": 'fail_on = "critical"\n'},
        [(True, "configuration file added in .shiftleft.toml"), (True, "fail_on high → critical")],
    ),
    "rule disabled": (
        {".shiftleft.toml": 'disable = ["SL301"]\n'},
        [(True, "configuration file added in .shiftleft.toml"), (True, "SL301 disabled")],
    ),
    "globs narrowed": (
        {".shiftleft.toml": 'manifests = ["services/search/*.yaml"]\n'},
        [(True, "configuration file added in .shiftleft.toml"), (True, "manifests glob '**/shiftleft.yaml' removed"),
         (False, "manifests glob 'services/search/*.yaml' added")],
    ),
    "pyproject table": (
        {"pyproject.toml": '[project]\nname = "x"\n\n[tool.shiftleft]\nseverity = {SL301 = "low"}\n'},
        [(True, "[tool.shiftleft] table added in pyproject.toml"), (True, "SL301 severity the rule's own → low")],
    ),
    "waiver added": (
        {"shiftleft-waivers.yaml": "waivers:\n  - {rule: SL301, service: checkout, reason: trust me, "
                                   "approved_by: the-author, ticket: X-1, expires: 2027-01-31}\n"},
        [(True, "waiver added: SL301 on checkout until 2027-01-31, approved by the-author")],
    ),
}  # fmt: skip


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_policy_attack_passes_without_base_and_fails_with_it(repo: Path, capsys, monkeypatch, attack: str) -> None:
    files, expected = ATTACKS[attack]
    for path, text in files.items():
        write(repo, path, text)
    commit(repo, attack)
    code, _doc = check(repo, capsys, monkeypatch)
    assert code == 0, "the attack works on the working tree's policy"
    code, doc = check(repo, capsys, monkeypatch, "--base", "main")
    assert code == 1
    assert rules_at(doc) == [("SL301", "checkout", f"{CHECKOUT}:13")]
    assert changes(doc) == expected


def test_tiers_loosened_in_the_pull_request(repo: Path, capsys, monkeypatch) -> None:
    git(repo, "checkout", "-q", "main")
    write(repo, "policy/tiers.yaml", SHIPPED_TIERS.read_text())
    write(repo, ".shiftleft.toml", 'tiers = "policy/tiers.yaml"\n')
    commit(repo, "org tier policy")
    git(repo, "checkout", "-q", "-B", "pr")
    tiers = repo / "policy/tiers.yaml"
    tiers.write_text(tiers.read_text().replace("max_rto: 1h", "max_rto: 4h", 1))
    commit(repo, "loosen tier 1")
    assert check(repo, capsys, monkeypatch)[0] == 0
    code, doc = check(repo, capsys, monkeypatch, "--base", "main")
    assert (code, rules_at(doc)) == (1, [("SL301", "checkout", f"{CHECKOUT}:13")])
    assert changes(doc) == [(True, "tier 1 max_rto 1h → 4h")]


def test_org_rule_removed_in_the_pull_request_still_applies(repo: Path, capsys, monkeypatch) -> None:
    git(repo, "checkout", "-q", "main")
    write(repo, "policy/rules/ACME101-description-declared.yaml", """\
        id: ACME101
        name: description-declared
        severity: high
        category: people
        summary: Every service says what it does
        rationale: Reviewers and on-call engineers need to know what a service is for.
        remediation: Add metadata.description.
        assert: has(metadata.description)
        message: "{{ metadata.name }} has no description"
        """)  # fmt: skip
    write(repo, ".shiftleft.toml", 'rules = ["policy/rules"]\n')
    commit(repo, "org rule")
    git(repo, "checkout", "-q", "-B", "pr")
    (repo / "policy/rules/ACME101-description-declared.yaml").unlink()
    write(repo, "policy/rules/.keep", "")
    commit(repo, "drop the org rule")
    code, doc = check(repo, capsys, monkeypatch, "--base", "main")
    assert code == 1
    assert rules_at(doc) == [
        ("ACME101", "checkout", f"{CHECKOUT}:1"),
        ("SL301", "checkout", f"{CHECKOUT}:13"),
        ("ACME101", "search", f"{SEARCH}:1"),
    ]
    assert (True, "rule ACME101 removed (policy/rules/ACME101-description-declared.yaml)") in changes(doc)


def test_policy_changes_are_listed_in_text_output(repo: Path, capsys, monkeypatch) -> None:
    write(repo, ".shiftleft.toml", 'fail_on = "critical"\n')
    commit(repo, "attack")
    run = run_cli(["check", "--now", NOW, "--base", "main"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines[-5:] == [
        "policy changes in the working tree (not applied: the base policy judges):",
        "  loosens: configuration file added in .shiftleft.toml",
        "  loosens: fail_on high → critical",
        "",
        "1 finding in 1 of 2 services (1 high); 1 at or above --fail-on high: failed",
    ]


def test_missing_ref_is_exit_2_naming_the_fetch(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "--now", NOW, "--base", "origin/main"], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "shiftleft: error: --base: origin/main is not a commit in this clone; fetch it first: "
        "git fetch --no-tags --depth=1 origin origin/main\n"
    )
    run = run_cli(["check", "--now", NOW, "--base", "--output=x"], capsys, monkeypatch, repo)
    assert run.code == 2


def test_works_in_a_shallow_clone_once_the_base_is_fetched(repo: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    write(repo, ".shiftleft.toml", 'fail_on = "critical"\n')
    commit(repo, "attack")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "pr", f"file://{repo}", str(clone))
    run = run_cli(["check", "--now", NOW, "--base", "origin/main"], capsys, monkeypatch, clone)
    assert run.code == 2
    git(clone, "fetch", "-q", "--no-tags", "--depth=1", "origin", "main:refs/remotes/origin/main")
    code, doc = check(clone, capsys, monkeypatch, "--base", "origin/main")
    assert (code, rules_at(doc)) == (1, [("SL301", "checkout", f"{CHECKOUT}:13")])
    assert (True, "fail_on high → critical") in changes(doc)


def test_changed_with_base_scopes_to_services_changed_since_the_base(repo: Path, capsys, monkeypatch) -> None:
    search = repo / SEARCH
    search.write_text(search.read_text().replace("slo: 99.95", "slo: 99.0"))
    commit(repo, "lower search's SLO")
    code, doc = check(repo, capsys, monkeypatch, "--changed", "--base", "main")
    assert code == 1
    assert rules_at(doc) == [
        ("SL202", "search", f"{SEARCH}:8"),
        ("SL914", "search", f"{SEARCH}:8"),
    ]
    assert [s["name"] for s in doc["services"]] == ["search"]


def test_changed_with_base_and_nothing_changed_is_clean(repo: Path, capsys, monkeypatch) -> None:
    code, doc = check(repo, capsys, monkeypatch, "--changed", "--base", "main")
    assert (code, doc["findings"], doc["services"]) == (0, [], [])


def test_with_base_the_baseline_is_the_base_commits(repo: Path, capsys, monkeypatch) -> None:
    assert run_cli(["baseline", "--now", NOW, "-o", "baseline.json"], capsys, monkeypatch, repo).code == 0
    commit(repo, "baseline")  # on the pr branch: not in the base
    code, doc = check(repo, capsys, monkeypatch, "--baseline", "baseline.json")
    assert (code, doc["findings"][0]["waiver"]["kind"]) == (0, "baseline")
    run = run_cli(["check", "--now", NOW, "--base", "main", "--baseline", "baseline.json"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (
        2, "shiftleft: error: --baseline: baseline.json does not exist at the base commit main\n")  # fmt: skip
    # The base has an empty baseline; the pull request's own one, listing its finding, is not read.
    git(repo, "checkout", "-q", "main")
    write(repo, "baseline.json", '{"schema": "shiftleft/baseline-v1", "findings": []}')
    commit(repo, "empty baseline")
    code, doc = check(repo, capsys, monkeypatch, "--base", "pr", "--baseline", "baseline.json")
    assert (code, doc["findings"][0]["waiver"]["kind"]) == (0, "baseline"), "the other way round, as a check"
    git(repo, "checkout", "-q", "pr")
    code, doc = check(repo, capsys, monkeypatch, "--base", "main", "--baseline", "baseline.json")
    assert (code, rules_at(doc)) == (1, [("SL301", "checkout", f"{CHECKOUT}:13")])


def test_inline_waiver_added_in_the_pull_request_is_listed(repo: Path, capsys, monkeypatch) -> None:
    path = repo / CHECKOUT
    path.write_text(path.read_text() + "  waivers:\n    - {rule: SL315, reason: soon, approved_by: me, "
                    "expires: 2027-01-31}\n")  # fmt: skip
    commit(repo, "inline waiver")
    code, doc = check(repo, capsys, monkeypatch, "--base", "main")
    assert (code, changes(doc)) == (
        1,
        [(True, "inline waiver added: SL315 on checkout until 2027-01-31, approved by me")],
    )
