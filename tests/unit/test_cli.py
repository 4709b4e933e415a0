"""The command line: exit codes, output format, options, one-line errors (in a child interpreter:
tests/e2e/test_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import NOW, run_cli, two_service_repo, write


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return two_service_repo(tmp_path)


def test_findings_exit_1_with_exact_line(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [
        "checkout (tier 1, services/checkout/shiftleft.yaml): 1 finding",
        "services/checkout/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier "
        "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h",
        "",
        "1 finding in 1 of 2 services (1 high); 1 at or above --fail-on high: failed",
    ]


def test_clean_exit_0(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "services/catalog", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (0, "ok: 1 service checked, no findings\n")


def test_check_is_the_default_command(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["services/checkout", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [
        "services/checkout/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier "
        "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"
    ]


def test_fail_on_critical_passes_high_findings(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "--now", NOW, "--fail-on", "critical"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.lines[-1] == "1 finding in 1 of 2 services (1 high); none at or above --fail-on critical: passed"


def test_verbose_prints_fix_and_clean_services(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "--now", NOW, "-v"], capsys, monkeypatch, repo)
    assert run.lines[0] == "catalog: ok (services/catalog/shiftleft.yaml)"
    assert run.lines[4].startswith("    fix: Lower `spec.continuity.rto` to the tier's ceiling")


def test_non_manifest_file_checks_its_owning_service(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "services/checkout/infra/main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    write(repo, "README.md", "not owned by any service\n")
    run = run_cli(
        ["check", "services/checkout/infra/main.tf", "README.md", "--now", NOW, "-q"], capsys, monkeypatch, repo
    )
    assert run.code == 1
    # The manifest declares no spec.paths: the Terraform file is in no service's infrastructure (SL823).
    assert [line.split(":")[0] for line in run.lines] == [
        "services/checkout/shiftleft.yaml",
        "services/checkout/infra/main.tf",
    ]
    assert run.lines[1].startswith("services/checkout/infra/main.tf:1:1: HIGH SL823 unowned-terraform-root ")


def test_color_only_when_asked_or_on_a_tty(repo: Path, capsys, monkeypatch) -> None:
    plain = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert "\033[" not in plain.out
    colored = run_cli(["check", "--now", NOW, "--color", "always"], capsys, monkeypatch, repo)
    assert "\033[31mHIGH\033[0m" in colored.out


def test_format_to_file(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "--now", NOW, "--format", "text=out/report.txt"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert (repo / "out/report.txt").read_text() == run.out  # the terminal still shows the text (issue 12)
    assert run.out.startswith("checkout (tier 1, services/checkout/shiftleft.yaml)")
    quiet = run_cli(["check", "--now", NOW, "--format", "text=out/quiet.txt", "-q"], capsys, monkeypatch, repo)
    assert (quiet.code, quiet.out) == (1, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check", "--fail-on", "severe"],
            "shiftleft: error: --fail-on: unknown severity 'severe' (choose from critical, high, medium, low, info)",
        ),
        (
            ["check", "--now", "yesterday"],
            "shiftleft: error: --now: 'yesterday' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp",
        ),
        (
            ["check", "--format", "pdf"],
            "shiftleft: error: --format: unknown format 'pdf' (available: text, github, json, sarif, junit, markdown, html)",
        ),
        (
            ["check", "--format", "text", "--format", "text"],
            "shiftleft: error: --format: only one format can go to standard output; give the others a file (FORMAT=FILE)",
        ),
        (["check", "nowhere"], "shiftleft: error: path not found: nowhere"),
        (["check", "--bogus"], "shiftleft: error: unrecognized arguments: --bogus (see `shiftleft check --help`)"),
        (
            ["check", "--color", "pink"],
            "shiftleft: error: argument --color: invalid choice: 'pink' (choose from 'auto', 'always', 'never') (see `shiftleft check --help`)",
        ),
        (["check", "--config", "missing.toml"], "shiftleft: error: configuration file not found: missing.toml"),
    ],
)
def test_usage_errors_exit_2_with_one_line(repo: Path, capsys, monkeypatch, args: list[str], message: str) -> None:
    run = run_cli(args, capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err.splitlines() == [message]


def test_internal_error_exit_3_with_crash_log(repo: Path, capsys, monkeypatch, tmp_path: Path) -> None:
    from shiftleft.engine import Evaluation

    def explode(*_args: object, **_kw: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(Evaluation, "finish", explode)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    log = tmp_path / "cache/shiftleft/crash.log"
    assert run.code == 3
    assert run.err == (
        "shiftleft: internal error: RuntimeError: simulated bug. This is a bug in shiftleft; "
        f"details in {log}. Please report it with that log.\n"
    )
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "simulated bug" in text


def test_schema_command_prints_the_shipped_schema(capsys, monkeypatch, tmp_path: Path) -> None:
    import json

    run = run_cli(["schema"], capsys, monkeypatch, tmp_path)
    schema = json.loads(run.out)
    assert (run.code, schema["properties"]["apiVersion"]["const"]) == (0, "shiftleft/v1")
