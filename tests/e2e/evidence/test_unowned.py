"""The CLI on a repository with deployables no manifest claims (SL822-SL824): exact findings of no service,
none for what a manifest claims, the pre-commit hook's changed files, shards and merge, the baseline,
waivers and the policy diff of `--base`."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from shiftleft.main import main
from tests.helpers import NOW, good_manifest, write

GIT = shutil.which("git") or "git"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PATHS = "  paths: {code: [src], infrastructure: [infra]}\n"
DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
EXPECTED = [
    ("SL822", "deploy/web.yaml", 2, 1),
    ("SL824", "lib/tools/__init__.py", 1, 1),
    ("SL823", "terraform/main.tf", 1, 1),
]
"""In file order; the Deployment at its `kind:` line, the others at line 1."""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run([GIT, "init", "-q", str(root)], check=True)
    write(root, "services/svc/shiftleft.yaml", good_manifest("svc", 2) + PATHS)
    write(root, "services/svc/src/svc/__init__.py", "")
    write(root, "services/svc/src/svc/app.py", "print('hi')\n")
    write(root, "services/svc/infra/main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    write(root, "services/svc/infra/k8s/web.yaml", DEPLOYMENT)
    write(root, "services/svc/tests/__init__.py", "")  # a test package: excluded by default
    write(root, "deploy/web.yaml", DEPLOYMENT)
    write(root, "terraform/main.tf", 'resource "aws_s3_bucket" "x" {}\n')
    write(root, "terraform/vars.tf", 'variable "x" {}\n')
    write(root, "lib/tools/__init__.py", "")
    write(root, "lib/tools/cli.py", "")
    write(root, "docs/readme.md", "# docs\n")
    return root


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    before = Path.cwd()
    out, err = io.StringIO(), io.StringIO()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(before)
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()


def report(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code, _out, _err = cli(root, "check", "--now", NOW, "--no-evidence", *args, "--format", "json=out.json", "-q")
    return code, json.loads((root / "out.json").read_text(encoding="utf-8"))


def unowned(doc: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    return [
        (f["rule"], f["location"]["file"], f["location"]["line"], f["location"]["col"])
        for f in doc["findings"]
        if f["service"] == ""
    ]


def test_each_unowned_deployable_is_exactly_its_finding(root: Path) -> None:
    code, doc = report(root)
    assert code == 1
    assert unowned(doc) == EXPECTED
    assert len(doc["findings"]) == 3 and doc["run"]["unowned"] == 3  # the service itself is clean
    assert {(f["severity"], f["category"], f["failing"]) for f in doc["findings"]} == {("high", "evidence", True)}
    code, out, _err = cli(root, "check", "--now", NOW, "--no-evidence")
    assert code == 1
    assert "deploy/web.yaml:2:1: HIGH SL822 unowned-kubernetes-workload Deployment 'web' in deploy/web.yaml is in no " \
        "service's spec.paths.infrastructure: run `shiftleft init` for its service" in out
    assert out.splitlines()[-1] == (
        "3 findings in 0 of 1 service and 3 of no service (3 high); 3 at or above --fail-on high: failed"
    )


def test_the_same_with_evidence_on(root: Path) -> None:
    code, doc = report(root, "--evidence")
    assert code == 1
    assert unowned(doc) == EXPECTED


def test_claimed_deployables_are_not_findings(root: Path) -> None:
    claimed = "  paths: {code: [src, ../../lib], infrastructure: [infra, ../../deploy, ../../terraform]}\n"
    write(root, "services/svc/shiftleft.yaml", good_manifest("svc", 2) + claimed)
    code, doc = report(root)
    assert (code, doc["findings"]) == (0, [])


def test_a_kind_switched_off_or_excluded_is_not_looked_at(root: Path) -> None:
    write(root, ".shiftleft.toml", '[unowned]\nkubernetes = []\nexclude = ["terraform/**"]\n')
    code, doc = report(root)
    # The list replaces the default one: the service's tests/ package is looked at again.
    assert (code, unowned(doc)) == (1, [EXPECTED[1], ("SL824", "services/svc/tests/__init__.py", 1, 1)])


def test_the_hook_looks_at_the_changed_files_only(root: Path) -> None:
    code, doc = report(root, "--changed", "deploy/web.yaml")
    assert (code, unowned(doc), doc["services"]) == (1, EXPECTED[:1], [])
    code, doc = report(root, "--changed", "lib/tools/cli.py", "terraform/vars.tf")
    assert (code, unowned(doc)) == (1, EXPECTED[1:])  # a module: its package; a .tf file: its folder's root
    code, doc = report(root, "--changed", "services/svc/src/svc/app.py", "services/svc/infra/k8s/web.yaml")
    assert (code, unowned(doc), [s["name"] for s in doc["services"]]) == (0, [], ["svc"])
    assert cli(root, "check", "--changed", "docs/readme.md", "--now", NOW) == (0, "", "")  # nothing to judge


def test_a_manifest_that_hides_a_workload_is_an_invalid_manifest(root: Path) -> None:
    """The finder does not read manifests as workloads: a Deployment under a manifest's name fails the gate as
    an invalid manifest (SL011, critical), in a whole run and in the hook, not as an unowned workload."""
    write(root, "web/shiftleft.yaml", DEPLOYMENT)
    for args in ((), ("--changed", "web/shiftleft.yaml")):
        code, doc = report(root, *args)
        web = [(f["rule"], f["severity"], f["location"]["line"], f["location"]["col"])
               for f in doc["findings"] if f["location"]["file"] == "web/shiftleft.yaml"]  # fmt: skip
        assert code == 1
        assert ("SL011", "critical", 2, 7) in web and not any(rule == "SL822" for rule, *_ in web)


def test_shard_one_reports_them_and_merge_keeps_one_copy(root: Path) -> None:
    for k in (1, 2):
        code, doc = report(root, "--shard", f"{k}/2")
        (root / f"shard{k}.json").write_text(json.dumps(doc), encoding="utf-8")
        assert unowned(doc) == (EXPECTED if k == 1 else [])
    code, whole = report(root)
    (root / "whole.json").write_text(json.dumps(whole), encoding="utf-8")
    code, out, _err = cli(root, "merge", "shard1.json", "shard2.json", "--format", "json")
    assert code == 1
    merged = json.loads(out)
    assert merged == {**whole, "run": {**whole["run"], "shard": None}}
    # A copy of the same findings in another report (a shard of an older version, a rerun) counts once.
    second = json.loads((root / "shard2.json").read_text(encoding="utf-8"))
    second["findings"] = [f for f in whole["findings"] if f["service"] == ""]
    (root / "shard2.json").write_text(json.dumps(second), encoding="utf-8")
    code, out, _err = cli(root, "merge", "shard1.json", "shard2.json", "--format", "json")
    assert json.loads(out) == merged


def test_the_baseline_accepts_them_by_rule_and_file(root: Path) -> None:
    assert cli(root, "baseline", "--now", NOW, "-o", "baseline.json")[0] == 0
    entries = json.loads((root / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["rule"], e["service"], e["path"]) for e in entries] == [(r, "", f) for r, f, _l, _c in sorted(EXPECTED)]
    write(root, "deploy/web.yaml", "# moved down a line\n" + DEPLOYMENT)
    code, doc = report(root, "--baseline", "baseline.json")
    assert code == 0
    assert [(f["rule"], f["location"]["line"], f["waiver"]["kind"]) for f in doc["findings"]] == [
        ("SL822", 3, "baseline"), ("SL824", 1, "baseline"), ("SL823", 1, "baseline")
    ]  # fmt: skip
    write(root, "deploy/jobs.yaml", "kind: CronJob\n")
    code, doc = report(root, "--baseline", "baseline.json")
    assert code == 1 and [f["location"]["file"] for f in doc["findings"] if f["failing"]] == ["deploy/jobs.yaml"]


def test_a_waiver_cannot_target_no_service(root: Path) -> None:
    write(root, "shiftleft-waivers.yaml", "waivers:\n  - {rule: SL822, service: '', reason: not ours, "
                                          "approved_by: board, ticket: R-1, expires: 2026-12-31}\n")  # fmt: skip
    code, doc = report(root)
    assert code == 1
    assert unowned(doc) == EXPECTED and all(f["waiver"] is None for f in doc["findings"] if f["service"] == "")
    problems = [(f["rule"], f["location"]["file"], f["location"]["line"]) for f in doc["findings"] if f["service"]]
    assert problems == [("SL901", "shiftleft-waivers.yaml", 2)]


def test_base_lists_the_loosenings_and_still_judges_with_the_base_policy(root: Path) -> None:
    git = [GIT, "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True)
    write(root, ".shiftleft.toml", '[unowned]\nterraform = []\nexclude = ["**/tests/**", "deploy/**"]\n')
    code, doc = report(root, "--base", "HEAD")
    assert code == 1 and unowned(doc) == EXPECTED
    assert [(c["loosening"], c["change"]) for c in doc["policy_changes"]] == [
        (True, "configuration file added in .shiftleft.toml"),
        (True, "unowned.terraform switched off (was '**/*.tf')"),
        (True, "unowned.exclude glob 'deploy/**' added"),
        (False, "unowned.exclude glob '**/test/**' removed"),
    ]
