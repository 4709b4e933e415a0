"""The real checkov and bandit on the small repository of `repo.py`: exact findings and claim statuses.

checkov takes seconds to start, so the whole repository is checked once per
session (`checked`) and every test reads that one run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from shiftleft.evidence import cache, identity, process
from shiftleft.main import main
from tests.e2e.evidence import repo
from tests.helpers import ROOT

NOW = "2026-11-25"


class Checked:
    def __init__(self, root: Path, code: int, report: dict[str, Any], sarif: dict[str, Any], err: str) -> None:
        self.root = root
        self.code = code
        self.report = report
        self.sarif = sarif
        self.err = err


def check(root: Path, *extra: str) -> tuple[int, str]:
    """Run the real CLI in `root`; returns the exit code and stderr."""
    before = Path.cwd()
    err = io.StringIO()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["check", "--now", NOW, *extra])
    finally:
        os.chdir(before)
    assert "Traceback" not in err.getvalue()
    return code, err.getvalue()


@pytest.fixture(scope="session")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    root = repo.write(tmp_path_factory.mktemp("evidence-repo"))
    code, err = check(
        root,
        "--evidence",
        "--format",
        "json=out/report.json",
        "--format",
        "sarif=out/report.sarif",
        "--format",
        "markdown=out/summary.md",
        "--format",
        "html=out/report.html",
    )
    report = json.loads((root / "out" / "report.json").read_text(encoding="utf-8"))
    sarif = json.loads((root / "out" / "report.sarif").read_text(encoding="utf-8"))
    return Checked(root, code, report, sarif, err)


def _evidence_findings(report: dict[str, Any]) -> list[tuple[str, str, str, int, str]]:
    return sorted(
        (f["rule"], f["service"], f["location"]["file"], f["location"]["line"], f["location"]["path"])
        for f in report["findings"]
        if f["rule"].startswith("SL8")
    )


def test_exact_evidence_findings(checked: Checked) -> None:
    assert checked.code == 1
    assert _evidence_findings(checked.report) == sorted(
        [
            # infrastructure: the unencrypted volume, the single-zone database (suppressed: surfaced and still counted)
            ("SL810", "vault", "services/vault/infra/main.tf", 1, "aws_ebs_volume.data"),
            ("SL813", "vault", "services/vault/infra/main.tf", 13, "aws_db_instance.orders"),
            ("SL804", "vault", "services/vault/infra/main.tf", 13, "aws_db_instance.orders"),
            # Kubernetes, through the shared folder: one replica, no probes
            ("SL814", "vault", "k8s/vault/deployment.yaml", 1, "Deployment.vault.vault"),
            ("SL815", "vault", "k8s/vault/deployment.yaml", 1, "Deployment.vault.vault"),
            ("SL815", "vault", "k8s/vault/deployment.yaml", 1, "Deployment.vault.vault"),
            # files no scanner could read: checkov skips broken YAML silently, lists broken Terraform, bandit exits 0
            ("SL803", "vault", "k8s/vault/shadow.yaml", 1, ""),
            ("SL803", "vault", "services/vault/infra/broken.tf", 1, ""),
            ("SL803", "vault", "services/vault/src/vault/broken.py", 1, ""),
            # code: shell=True, and yaml.load under a `# nosec` (surfaced and still counted)
            ("SL820", "vault", "services/vault/src/vault/app.py", 7, "B602"),
            ("SL820", "vault", "services/vault/src/vault/app.py", 11, "B506"),
            ("SL804", "vault", "services/vault/src/vault/app.py", 11, "B506"),
        ]
    )


def test_exact_messages_name_the_check_and_the_resource(checked: Checked) -> None:
    messages = {
        (f["rule"], f["location"]["line"], f["location"]["file"]): f["message"] for f in checked.report["findings"]
    }
    assert messages["SL810", 1, "services/vault/infra/main.tf"] == (
        "the manifest declares encryption at rest, but checkov CKV_AWS_3 "
        "(Ensure all data stored in the EBS is securely encrypted) fails on aws_ebs_volume.data"
    )
    assert messages["SL813", 13, "services/vault/infra/main.tf"] == (
        "the manifest declares 2 availability zones, but checkov CKV_AWS_157 (Ensure that RDS instances have "
        "Multi-AZ enabled) fails on aws_db_instance.orders (suppressed in the code: single zone until the "
        "migration; only a waiver silences evidence)"
    )
    assert messages["SL814", 1, "k8s/vault/deployment.yaml"] == (
        "the manifest declares at least 3 replicas, but checkov CKV2_SLREPLICAS_3 (Deployments and StatefulSets "
        "run at least 3 replicas (absent means 1)) fails on Deployment.vault.vault"
    )
    assert messages["SL803", 1, "k8s/vault/shadow.yaml"] == (
        "k8s/vault/shadow.yaml does not parse as YAML at line 4, column 5 (did not find expected ',' or '}'); "
        "checkov skips it silently"
    )
    assert messages["SL803", 1, "services/vault/src/vault/broken.py"] == (
        "services/vault/src/vault/broken.py bandit could not scan it: syntax error while parsing AST from file"
    )
    assert messages["SL804", 11, "services/vault/src/vault/app.py"] == (
        "B506 (yaml_load) is suppressed in the code (# nosec B506 trusted input) on line 11; review it: "
        "a suppression does not silence evidence, only a waiver does"
    )


def test_exact_claim_statuses(checked: Checked) -> None:
    statuses = sorted((c["service"], c["rule"], c["file"], c["line"], c["status"]) for c in checked.report["claims"])
    assert statuses == [
        ("ledger", "SL810", "services/ledger/shiftleft.yaml", 12, "verified"),
        ("ledger", "SL811", "services/ledger/shiftleft.yaml", 12, "unverified"),  # no listener, no database
        ("ledger", "SL821", "services/ledger/shiftleft.yaml", 10, "verified"),
        ("vault", "SL810", "services/vault/shiftleft.yaml", 17, "contradicted"),
        ("vault", "SL811", "services/vault/shiftleft.yaml", 17, "unverified"),  # unreadable files: never verified
        ("vault", "SL812", "services/vault/shiftleft.yaml", 17, "unverified"),
        ("vault", "SL813", "services/vault/shiftleft.yaml", 12, "contradicted"),
        ("vault", "SL814", "services/vault/shiftleft.yaml", 13, "contradicted"),
        ("vault", "SL815", "services/vault/shiftleft.yaml", 5, "contradicted"),
        ("vault", "SL816", "services/vault/shiftleft.yaml", 15, "unverified"),
        ("vault", "SL820", "services/vault/shiftleft.yaml", 10, "contradicted"),
    ]
    reasons = {(c["service"], c["rule"]): c["reason"] for c in checked.report["claims"]}
    assert reasons["ledger", "SL810"] == "1 check result(s) on 1 resource(s) pass"
    assert reasons["vault", "SL816"] == "2 file(s) could not be scanned, first k8s/vault/shadow.yaml"
    assert checked.report["run"]["evidence"]["claims"] == {"verified": 2, "contradicted": 5, "unverified": 4}
    assert checked.report["run"]["evidence"]["services"]["ledger"] == {
        "verified": 2,
        "contradicted": 0,
        "unverified": 1,
    }


def test_hostile_scanner_configuration_is_ignored(checked: Checked) -> None:
    # The planted .checkov.yaml files skip CKV_AWS_3, CKV_K8S_8 and the replicas policy and soft-fail;
    # the planted .bandit, setup.cfg and pyproject.toml skip B602 and B506. All present, none obeyed.
    for rel in repo.HOSTILE:
        assert (checked.root / rel).is_file()
    checks = {dict(f["evidence"]).get("check_id") for f in checked.report["findings"] if f["rule"].startswith("SL8")}
    assert {"CKV_AWS_3", "CKV_K8S_8", "CKV2_SLREPLICAS_3", "B602", "B506"} <= checks
    assert checked.code == 1


def test_json_report_validates_against_the_shipped_schema(checked: Checked) -> None:
    schema = json.loads((ROOT / "shiftleft" / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(checked.report)


def test_sarif_points_at_the_resource_with_the_claim_as_related_location(checked: Checked) -> None:
    schema = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(checked.sarif)
    run = checked.sarif["runs"][0]
    [result] = [r for r in run["results"] if r["ruleId"] == "SL810"]
    region = result["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "services/vault/infra/main.tf"
    assert region["region"] == {"startLine": 1}
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "services/vault/shiftleft.yaml"
    assert related["physicalLocation"]["region"] == {"startLine": 17, "startColumn": 27}
    assert result["properties"]["evidence"]["check_id"] == "CKV_AWS_3"
    assert result["properties"]["evidence"]["lines"] == "1-5"
    assert run["properties"]["evidence"]["claims"] == {"verified": 2, "contradicted": 5, "unverified": 4}


def test_markdown_shows_how_much_is_proven_per_service_and_framework(checked: Checked) -> None:
    text = (checked.root / "out" / "summary.md").read_text(encoding="utf-8")
    assert "2 verified, 5 contradicted, 4 unverified (checkov and bandit; docs/evidence.md)." in text
    assert "| ledger | 2 | 0 | 1 |\n| vault | 0 | 5 | 3 |\n" in text
    assert "| pci-dss | 1 | 2 | 3 |\n" in text


def test_html_report_has_the_evidence_section(checked: Checked) -> None:
    import re

    page = (checked.root / "out" / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>Evidence") : page.index("<h2>Waivers")]
    rows = re.findall(r"<tr><td>([^<]+)</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td></tr>", section)
    assert ("ledger", "2", "0", "1") in rows and ("vault", "0", "5", "3") in rows
    assert "2 verified, 5 contradicted, 4 unverified." in section


@pytest.fixture
def no_scanner_may_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a scanner started: {args[0] if args else kwargs}")

    monkeypatch.setattr(process.subprocess, "run", refuse)
    yield


@pytest.mark.usefixtures("no_scanner_may_start")
def test_nothing_changed_means_no_scanner_starts(checked: Checked) -> None:
    code, _err = check(checked.root, "--evidence", "--format", "json=out/again.json")
    again = json.loads((checked.root / "out" / "again.json").read_text(encoding="utf-8"))
    assert code == 1
    assert _evidence_findings(again) == _evidence_findings(checked.report)
    assert again["claims"] == checked.report["claims"]


def test_cache_key_follows_content_arguments_and_executable(tmp_path: Path) -> None:
    exe = tmp_path / "scanner"
    exe.write_text("#!/bin/sh\n", encoding="utf-8")
    source = tmp_path / "main.tf"
    source.write_text('resource "x" "y" {}\n', encoding="utf-8")

    def key(args: list[str]) -> str:
        return cache.key("checkov", identity.of("checkov", str(exe)), args, [str(source)])

    first = key(["-c", "CKV_AWS_3"])
    assert key(["-c", "CKV_AWS_3"]) == first
    assert key(["-c", "CKV_AWS_16"]) != first
    source.write_text('resource "x" "z" {}\n', encoding="utf-8")
    changed = key(["-c", "CKV_AWS_3"])
    assert changed != first
    exe.write_text("#!/bin/sh\n# reinstalled\n", encoding="utf-8")
    assert key(["-c", "CKV_AWS_3"]) != changed


def test_no_evidence_runs_no_scanner_and_reports_no_claims(checked: Checked, no_scanner_may_start: None) -> None:
    _code, err = check(checked.root, "--no-evidence", "--format", "json=out/plain.json")
    plain = json.loads((checked.root / "out" / "plain.json").read_text(encoding="utf-8"))
    assert "evidence" not in err
    assert "claims" not in plain and "evidence" not in plain["run"]
    assert [f for f in plain["findings"] if f["rule"].startswith("SL8")] == []


def test_a_forged_cache_entry_is_not_believed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from shiftleft.evidence.model import Result, Scan
    from shiftleft.policy import cache as policy_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    failed = Result("checkov", "CKV_AWS_3", "EBS encrypted", "/repo/main.tf", 1, 5, "aws_ebs_volume.data", "failed")
    cache.write("k" * 64, Scan("checkov", "3.3.30", (failed,)))
    assert cache.read("k" * 64) == Scan("checkov", "3.3.30", (failed,))
    entry = policy_cache.directory() / f"evidence-{'k' * 64}.json"
    mac, _, body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(mac + b"\n" + body.replace(b'"failed"', b'"passed"'))  # a pull request's "clean" result
    assert cache.read("k" * 64) is None
    cache.write("f" * 64, Scan("checkov", "", failure="checkov crashed"))  # failures are never cached
    assert cache.read("f" * 64) is None


def test_shards_merge_to_the_single_runs_claims(checked: Checked, tmp_path: Path) -> None:
    """vault and ledger fall in different shards of 2: the merged report shows the single run's claim statuses."""
    from shiftleft import shard

    assert (shard.of("vault", 2), shard.of("ledger", 2)) == (1, 2)
    reports = []
    for k in (1, 2):
        report = tmp_path / f"shard-{k}.json"
        check(checked.root, "--evidence", "--shard", f"{k}/2", "--format", f"json={report}")
        doc = json.loads(report.read_text(encoding="utf-8"))
        assert doc["claims"] and {c["service"] for c in doc["claims"]} == {["vault", "ledger"][k - 1]}
        reports.append(str(report))
    merged = tmp_path / "merged.json"
    before = Path.cwd()
    os.chdir(checked.root)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["merge", "-q", *reports, "--format", f"json={merged}"])
    finally:
        os.chdir(before)
    assert code == checked.code == 1
    doc = json.loads(merged.read_text(encoding="utf-8"))
    assert doc["claims"] == checked.report["claims"]
    assert doc["run"]["evidence"] == checked.report["run"]["evidence"]
    assert doc == checked.report


def test_a_shard_knows_whether_other_shards_have_files(tmp_path: Path) -> None:
    """Evidence runs for a shard when any service of the whole run has infrastructure or code."""
    from shiftleft.evidence import subject
    from shiftleft.manifest import model
    from shiftleft.policy.tiers import load as load_tiers

    root = repo.write(tmp_path / "r")
    tiers = load_tiers(ROOT / "rules" / "tiers.yaml", "rules/tiers.yaml")
    with_files = model.load(root / "services" / "vault" / "shiftleft.yaml", "vault", root)
    assert subject.has_files(with_files, tiers)
    (root / "bare").mkdir()
    (root / "bare" / "shiftleft.yaml").write_text(
        "apiVersion: shiftleft/v1\nkind: Service\nmetadata: {name: bare, owner: team-bare}\n"
        "spec: {tier: 4, paths: {code: [src]}}\n", encoding="utf-8")  # fmt: skip
    assert not subject.has_files(model.load(root / "bare" / "shiftleft.yaml", "bare", root), tiers)
