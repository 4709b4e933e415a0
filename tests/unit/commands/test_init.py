"""`shiftleft init`: the scaffold, its placeholders, path inference and bad input."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from shiftleft.manifest import yamlsafe
from tests.helpers import NOW, ROOT, run_cli, write

PLACEHOLDER = re.compile(r"TODO-[a-z0-9-]+")


def fill(manifest: Path, now: str = NOW) -> None:
    """Do what the team does after `init`: fill every placeholder and write the documents."""
    text = manifest.read_text(encoding="utf-8")
    recent = (dt.date.fromisoformat(now) - dt.timedelta(days=30)).isoformat()
    text = PLACEHOLDER.sub(lambda m: m.group(0).removeprefix("TODO-"), text)
    text = re.sub(r"  # TODO.*", "", text)  # each pre-filled claim confirmed
    text = text.replace("1970-01-01", recent)
    manifest.write_text(text, encoding="utf-8")
    for doc in ("docs/dr-plan.md", "docs/runbook.md", "docs/threat-model.md", "docs/communication-plan.md"):
        write(manifest.parent, doc, "# written\n")


def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


@pytest.mark.parametrize("tier", [0, 1, 2, 3, 4])
def test_filled_scaffold_passes_the_default_catalog_with_no_findings(
    tmp_path: Path, tier: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    write(root, "svc/src/app.py", "print('hi')\n")
    made = run_cli(["init", "svc", "--tier", str(tier)], capsys, monkeypatch, root)
    assert made.code == 0, made.err
    fill(root / "svc" / "shiftleft.yaml")
    checked = run_cli(["check", "svc", "--now", NOW, "-v"], capsys, monkeypatch, root)
    assert checked.code == 0, checked.out
    assert checked.lines[-1] == "ok: 1 service checked, no findings", checked.out


@pytest.mark.parametrize("tier", [0, 1, 2, 3, 4])
def test_unfilled_scaffold_fails_where_the_placeholders_are(
    tmp_path: Path, tier: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    (root / "svc").mkdir()
    assert run_cli(["init", "svc", "--tier", str(tier)], capsys, monkeypatch, root).code == 0
    checked = run_cli(["check", "svc", "--now", NOW, "-q"], capsys, monkeypatch, root)
    assert checked.code == 1
    text = (root / "svc" / "shiftleft.yaml").read_text(encoding="utf-8").splitlines()
    rules = set()
    for line in checked.lines:
        m = re.match(r"svc/shiftleft\.yaml:(\d+):\d+: \w+ (SL\d{3}) ", line)
        assert m, line
        # Every finding of an unfilled scaffold points at a line marked TODO.
        assert "TODO" in text[int(m.group(1)) - 1], line
        rules.add(m.group(2))
    # The missing documents and the placeholder test dates, whatever the tier.
    assert {"SL312", "SL402", "SL319"} <= rules
    # And every line still marked TODO, each one a finding at its line.
    marked = [n for n, line in enumerate(text, 1) if "TODO" in line and not line.lstrip().startswith("#")]
    assert [int(line.split(":")[1]) for line in checked.lines if " SL015 " in line] == marked


def test_filled_dates_and_documents_do_not_pass_while_claims_are_unconfirmed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    (root / "svc").mkdir()
    assert run_cli(["init", "svc", "--tier", "1"], capsys, monkeypatch, root).code == 0
    manifest = root / "svc" / "shiftleft.yaml"
    fill(manifest)
    manifest.write_text(manifest.read_text().replace("immutable: true", "immutable: true  # TODO: confirm"))
    checked = run_cli(["check", "svc", "--now", NOW, "-q"], capsys, monkeypatch, root)
    line = next(n for n, text in enumerate(manifest.read_text().splitlines(), 1) if "immutable" in text)
    assert (checked.code, checked.lines) == (1, [
        f"svc/shiftleft.yaml:{line}:7: HIGH SL015 placeholder-value placeholder not filled in: "
        "immutable: true # TODO: confirm"
    ])  # fmt: skip


def test_scaffold_content_for_tier_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    (root / "services" / "checkout").mkdir(parents=True)
    made = run_cli(["init", "services/checkout", "--tier", "1"], capsys, monkeypatch, root)
    assert made.code == 0
    assert made.lines == [
        "wrote services/checkout/shiftleft.yaml: tier 1 (mission-critical), 42 placeholders to fill "
        "(grep -n TODO services/checkout/shiftleft.yaml)",
        "wrote shiftleft.schema.json for editor completion (refresh: shiftleft schema > shiftleft.schema.json)",
    ]
    text = (root / "services" / "checkout" / "shiftleft.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../shiftleft.schema.json"
    schema = json.loads((root / "shiftleft.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["apiVersion"]
    data = yamlsafe.parse(text, "shiftleft.yaml")
    assert data["metadata"]["name"] == "checkout"
    assert data["metadata"]["owner"] == "TODO-team"
    spec = data["spec"]
    assert spec["tier"] == 1
    assert spec["availability"]["slo"] == 99.95
    assert spec["availability"]["regions"] == ["TODO-region-1", "TODO-region-2"]
    assert (spec["continuity"]["rto"], spec["continuity"]["rpo"], spec["continuity"]["strategy"]) == (
        "1h", "15m", "warm-standby",
    )  # fmt: skip
    assert spec["incident"]["thresholds"]["disaster"]["outage"] == "30m"
    assert spec["continuity"]["last_test"]["measured_rto"] == "30m"
    assert spec["paths"] == {}
    assert set(spec) >= {"lifecycle", "data", "compliance", "security", "dependencies", "suppliers"}


def test_schema_file_is_reused_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    write(root, "shiftleft.schema.json", "{}\n")
    (root / "a").mkdir()
    made = run_cli(["init", "a", "--tier", "3", "--name", "billing"], capsys, monkeypatch, root)
    assert made.code == 0 and len(made.lines) == 1
    assert (root / "shiftleft.schema.json").read_text(encoding="utf-8") == "{}\n"
    text = (root / "a" / "shiftleft.yaml").read_text(encoding="utf-8")
    assert "  name: billing\n" in text
    assert "$schema=../shiftleft.schema.json" in text


def test_paths_are_inferred_from_terraform_kubernetes_cloudformation_and_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    svc = root / "svc"
    write(svc, "src/pkg/__init__.py", "")
    write(svc, "terraform/main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    write(svc, "deploy/web.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n")
    write(svc, "stack/template.yaml", 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n')
    write(svc, "config/settings.yaml", "debug: false\n")  # plain YAML: neither
    write(svc, "node_modules/x/y.py", "")  # skipped folder
    write(svc, "docs/notes.md", "")
    assert run_cli(["init", "svc", "--tier", "2"], capsys, monkeypatch, root).code == 0
    data = yamlsafe.parse((svc / "shiftleft.yaml").read_text(encoding="utf-8"), "x")
    assert data["spec"]["paths"] == {"code": ["src"], "infrastructure": ["deploy", "stack", "terraform"]}


def test_code_at_the_top_of_the_folder_means_the_whole_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    write(root, "svc/app.py", "")
    write(root, "svc/lib/util.py", "")
    write(root, "svc/main.tf", "")
    assert run_cli(["init", "svc", "--tier", "4"], capsys, monkeypatch, root).code == 0
    data = yamlsafe.parse((root / "svc" / "shiftleft.yaml").read_text(encoding="utf-8"), "x")
    assert data["spec"]["paths"] == {"code": ["."], "infrastructure": ["main.tf"]}


def test_default_dir_is_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    svc = root / "orders"
    svc.mkdir()
    made = run_cli(["init", "--tier", "2"], capsys, monkeypatch, svc)
    assert made.code == 0
    assert made.lines[0].startswith("wrote shiftleft.yaml: tier 2 (business-critical)")
    assert "  name: orders\n" in (svc / "shiftleft.yaml").read_text(encoding="utf-8")


def test_refuses_to_overwrite_an_existing_manifest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    write(root, "svc/shiftleft.yaml", "mine\n")
    made = run_cli(["init", "svc", "--tier", "1"], capsys, monkeypatch, root)
    assert made.code == 2
    assert made.err == "shiftleft: error: svc/shiftleft.yaml already exists; not overwriting it\n"
    assert (root / "svc" / "shiftleft.yaml").read_text(encoding="utf-8") == "mine\n"
    assert not (root / "shiftleft.schema.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["svc", "--tier", "9"], "--tier: no tier 9 in the tier policy (it has 0, 1, 2, 3, 4)"),
        (["svc", "--tier", "one"], "--tier: 'one' is not a tier number (the tier policy has 0, 1, 2, 3, 4)"),
        (["file.txt", "--tier", "1"], "file.txt: not a directory"),
        (["svc", "--tier", "1", "--name", "Bad_Name"], "service name 'Bad_Name' is not an RFC 1123 label"),
        (["svc", "--tier", "1", "--name=-x"], "service name '-x' is not an RFC 1123 label"),
        (["My Service", "--tier", "1"], "service name 'my service' (the folder's name); choose one with --name"),
        (["svc"], "the following arguments are required: --tier"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = repo(tmp_path)
    (root / "svc").mkdir()
    (root / "My Service").mkdir()
    write(root, "file.txt", "")
    made = run_cli(["init", *args], capsys, monkeypatch, root)
    assert made.code == 2
    assert made.out == ""
    assert len(made.err.splitlines()) == 1 and message in made.err, made.err
    assert not list(root.rglob("shiftleft.yaml"))


def test_the_tier_policy_of_the_folders_configuration_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path)
    shipped = (ROOT / "rules" / "tiers.yaml").read_text(encoding="utf-8")
    extra = (
        "  5:\n    name: sandbox\n    slo_floor: 95.0\n    max_rto: 1w\n    max_rpo: 1w\n"
        "    min_strategy: backup-restore\n    min_zones: 1\n    min_regions: 1\n    offsite_backup: false\n"
        "    dr_test_every: 730d\n    restore_test_every: 730d\n"
        "    min_replicas: 1\n    oncall_coverage: [24x7, extended-hours, business-hours, best-effort]\n"
        "    backups_encrypted: false\n    backups_immutable: false\n    backup_retention: 7d\n    sbom: false\n    health_probes: false\n"
        "    extra_nine: false\n    supplier_sla: false\n    supplier_exit_plan: false\n    supplier_fallback: false\n"
        "    supplier_assurance: false\n    requires_severity: low\n    requires: [spec.data.classification]\n"
    )
    write(root, "policy/tiers.yaml", shipped + extra)
    write(root, ".shiftleft.toml", 'tiers = "policy/tiers.yaml"\n')
    (root / "svc").mkdir()
    made = run_cli(["init", "--tier", "5"], capsys, monkeypatch, root / "svc")
    assert made.code == 0, made.err
    assert made.lines[0].startswith("wrote shiftleft.yaml: tier 5 (sandbox)")
    spec = yamlsafe.parse((root / "svc" / "shiftleft.yaml").read_text(encoding="utf-8"), "x")["spec"]
    assert (spec["availability"]["slo"], spec["continuity"]["rto"], spec["continuity"]["backups"]["offsite"]) == (
        95.0, "1w", False,
    )  # fmt: skip
    fill(root / "svc" / "shiftleft.yaml")
    checked = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, root)
    assert (checked.code, checked.out) == (0, ""), checked.out
