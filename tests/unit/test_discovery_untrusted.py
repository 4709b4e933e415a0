"""Nothing is skipped silently (issue 9, items 3 and 7; DESIGN.md section 10).

Every file the manifest globs match is checked or reported with the reason
(SL012 fails the gate, SL013 is visible); finding no manifest is exit 2; a
name that is not UTF-8 is shown with U+FFFD and every report is still written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import NOW, good_manifest, run_cli, two_service_repo, write

SL301 = (
    "services/checkout/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier RTO 2h exceeds the tier 1 "
    "(mission-critical) ceiling of 1h"
)
VENDOR = (
    "{file}:1:1: HIGH SL012 manifest-not-checked not checked: inside {folder}/, a folder of vendored or "
    "generated files; move the service out, or add it to the configuration's `exclude` globs"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return two_service_repo(tmp_path)


def _clean(repo: Path) -> None:
    write(repo, "services/checkout/shiftleft.yaml", good_manifest("checkout", 1))


def test_empty_pyvenv_cfg_does_not_hide_a_service(repo: Path, capsys, monkeypatch) -> None:
    # Before: an empty pyvenv.cfg beside the manifest made discovery skip the folder: exit 0, "ok".
    write(repo, "services/checkout/pyvenv.cfg", "")
    write(repo, "services/pyvenv.cfg", "")
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [SL301]


@pytest.mark.parametrize(
    ("rel", "folder"),
    [
        ("node_modules/pay/shiftleft.yaml", "node_modules"),
        ("services/.venv/lib/shiftleft.yaml", "services/.venv"),
        ("env3/lib/python3.11/site-packages/pkg/shiftleft.yaml", "env3/lib/python3.11/site-packages"),
        (".hg/shiftleft.yaml", ".hg"),
    ],
)
def test_manifest_in_a_vendor_folder_fails_the_gate_with_the_reason(
    repo: Path, capsys, monkeypatch, rel: str, folder: str
) -> None:
    _clean(repo)
    write(repo, rel, good_manifest("payments", 1))
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [VENDOR.format(file=rel, folder=folder)]


def test_naming_a_vendor_folder_on_the_command_line_checks_it(repo: Path, capsys, monkeypatch) -> None:
    """The caller (not the checkout) chose the folder: its manifests are checked like any other."""
    write(repo, "node_modules/pay/shiftleft.yaml", good_manifest("payments", 1).replace("rto: 30m", "rto: 2h"))
    run = run_cli(["check", "--now", NOW, "-q", "node_modules/pay"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [SL301.replace("services/checkout", "node_modules/pay")]


def test_git_folder_is_never_entered(repo: Path, capsys, monkeypatch) -> None:
    """git refuses to check out a path named .git, so no pull request can put a manifest there."""
    _clean(repo)
    write(repo, ".git/modules/x/shiftleft.yaml", "apiVersion: [\n")
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (0, "")


def test_excluded_manifest_is_listed_and_does_not_fail(repo: Path, capsys, monkeypatch) -> None:
    _clean(repo)
    write(repo, ".shiftleft.toml", 'exclude = ["vendor/**"]\n')
    write(repo, "vendor/pay/shiftleft.yaml", "apiVersion: [\n")
    run = run_cli(["check", "--now", NOW, "--format", "json"], capsys, monkeypatch, repo)
    assert run.code == 0
    (finding,) = json.loads(run.out)["findings"]
    assert (finding["rule"], finding["severity"], finding["failing"], finding["location"]) == (
        "SL013", "info", False, {"file": "vendor/pay/shiftleft.yaml", "line": 1, "col": 1, "path": ""},
    )  # fmt: skip
    assert finding["message"] == "not checked: excluded by the configuration's `exclude` glob 'vendor/**'"


def test_excluding_a_vendored_manifest_accepts_it(repo: Path, capsys, monkeypatch) -> None:
    """SL012's remediation: list it in `exclude`, and it becomes SL013 (info) instead."""
    _clean(repo)
    write(repo, "node_modules/pay/shiftleft.yaml", good_manifest("payments", 1))
    write(repo, ".shiftleft.toml", 'exclude = ["node_modules/**"]\n')
    for args in ([], ["node_modules/pay/shiftleft.yaml"]):
        run = run_cli(["check", "--now", NOW, "-q", "--fail-on", "info", *args], capsys, monkeypatch, repo)
        assert (run.code, run.lines) == (1, [
            "node_modules/pay/shiftleft.yaml:1:1: INFO SL013 manifest-excluded not checked: excluded by the "
            "configuration's `exclude` glob 'node_modules/**'"
        ])  # fmt: skip
    assert run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo).code == 0


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif", "junit", "markdown", "html"])
def test_not_checked_manifest_appears_in_every_format(repo: Path, capsys, monkeypatch, fmt: str) -> None:
    _clean(repo)
    write(repo, "node_modules/pay/shiftleft.yaml", good_manifest("payments", 1))
    run = run_cli(["check", "--now", NOW, "--format", f"{fmt}=out.{fmt}"], capsys, monkeypatch, repo)
    assert run.code == 1
    text = (repo / f"out.{fmt}").read_text(encoding="utf-8")
    assert "SL012" in text
    # The Markdown summary names services, not files: the service is named after its folder.
    assert ("| ❌ pay |" if fmt == "markdown" else "node_modules/pay/shiftleft.yaml") in text
    if fmt == "sarif":
        (result,) = json.loads(text)["runs"][0]["results"]
        assert result["ruleId"] == "SL012"
        assert result["level"] == "error"
        where = result["locations"][0]["physicalLocation"]
        assert (where["artifactLocation"]["uri"], where["region"]["startLine"]) == (
            "node_modules/pay/shiftleft.yaml",
            1,
        )


def test_no_manifest_is_a_usage_error(tmp_path: Path, capsys, monkeypatch) -> None:
    # Before: exit 0 with a note, so a wrong path or a broken glob passed the gate.
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, tmp_path)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "shiftleft: error: no manifests found in . (looking for **/shiftleft.yaml); "
        "pass --allow-empty if an empty run is expected\n"
    )


def test_allow_empty_restores_the_clean_run(tmp_path: Path, capsys, monkeypatch) -> None:
    run = run_cli(["check", "--now", NOW, "--allow-empty"], capsys, monkeypatch, tmp_path)
    assert run.code == 0
    assert run.err == "shiftleft: no manifests found in . (looking for **/shiftleft.yaml)\n"


def test_every_manifest_excluded_is_a_usage_error(repo: Path, capsys, monkeypatch) -> None:
    write(repo, ".shiftleft.toml", 'exclude = ["**"]\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "shiftleft: error: no manifest checked in .: all 2 found are excluded by the configuration; "
        "pass --allow-empty if an empty run is expected\n"
    )


@pytest.mark.parametrize("files", [[], ["README.md"], ["gone.txt"]])
def test_hook_with_no_relevant_files_stays_a_clean_run(repo: Path, capsys, monkeypatch, files: list[str]) -> None:
    write(repo, "README.md", "# readme\n")
    (repo / "services").rename(repo / "elsewhere")  # README.md is owned by no manifest
    run = run_cli(["check", "--changed", "--now", NOW, *files], capsys, monkeypatch, repo)
    assert (run.code, run.out, run.err) == (0, "", "")


def test_hook_reports_a_staged_manifest_in_a_vendor_folder(repo: Path, capsys, monkeypatch) -> None:
    _clean(repo)
    write(repo, "node_modules/pay/shiftleft.yaml", good_manifest("payments", 1))
    run = run_cli(
        ["check", "--changed", "--now", NOW, "-q", "node_modules/pay/shiftleft.yaml"], capsys, monkeypatch, repo
    )
    assert run.code == 1
    assert run.lines == [VENDOR.format(file="node_modules/pay/shiftleft.yaml", folder="node_modules")]


def test_symlinked_folders_are_not_followed(repo: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    outside = tmp_path / "outside"
    write(outside, "svc/shiftleft.yaml", "apiVersion: [\n")
    (repo / "services" / "out").symlink_to(outside / "svc", target_is_directory=True)
    (repo / "services" / "again").symlink_to(repo / "services" / "checkout", target_is_directory=True)
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [SL301]  # the inside target once, where it lives; nothing read outside


def test_a_manifest_named_through_a_folder_symlinked_outside_is_not_read(
    repo: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    outside = tmp_path / "outside"
    write(outside, "svc/shiftleft.yaml", good_manifest("outsider", 1))
    (repo / "services" / "out").symlink_to(outside / "svc", target_is_directory=True)
    run = run_cli(["check", "--now", NOW, "-q", "services/out/shiftleft.yaml"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [
        "services/out/shiftleft.yaml:1:1: CRITICAL SL008 path-outside-repository a folder of the manifest's path is "
        "a symlink that leads outside the repository; it was not read"
    ]


def test_unreadable_folder_fails_the_gate(repo: Path, capsys, monkeypatch) -> None:
    """A folder that cannot be listed may hold manifests: SL012 on the folder.

    Made unreadable by a path longer than PATH_MAX, which even root cannot list.
    """
    _clean(repo)
    name = "d" * 200
    monkeypatch.chdir(repo / "services")
    for _ in range(25):  # built one level at a time: the whole path is too long for one call
        os.mkdir(name)
        os.chdir(name)
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 1
    (line,) = run.lines
    assert line.startswith("services/" + "/".join([name] * 20))
    assert line.endswith(
        ":1:1: HIGH SL012 manifest-not-checked not checked: this folder cannot be read (File name too long); "
        "fix its permissions"
    )


def _non_utf8_repo(repo: Path) -> None:
    folder = os.path.join(os.fsencode(repo), b"services", b"caf\xe9")
    os.mkdir(folder)
    text = good_manifest("cafe", 1).replace("rto: 30m", "rto: 2h").encode()
    with open(os.path.join(folder, b"shiftleft.yaml"), "wb") as fh:
        fh.write(text)
    for doc in ("dr-plan.md", "runbook.md", "threat-model.md", "communication-plan.md"):
        os.makedirs(os.path.join(folder, b"docs"), exist_ok=True)
        with open(os.path.join(folder, b"docs", doc.encode()), "wb") as fh:
            fh.write(b"# doc\n")
    with open(os.path.join(folder, b"bad\xff.yaml"), "wb") as fh:
        fh.write(b"x: 1\n")


def test_non_utf8_folder_name_is_reported_with_replacement_characters(repo: Path, capsys, monkeypatch) -> None:
    # Before: exit 3 (internal error) and no report at all.
    _non_utf8_repo(repo)
    run = run_cli(["check", "--now", NOW, "-q"], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines == [SL301.replace("services/checkout", "services/caf\ufffd"), SL301]


def test_non_utf8_names_still_write_every_report(repo: Path, capsys, monkeypatch) -> None:
    _non_utf8_repo(repo)
    write(repo, "services/other/shiftleft.yaml", "apiVersion: [\n")
    os.rename(repo / "services" / "other", os.path.join(os.fsencode(repo), b"services", b"bad-\xff"))
    formats = ["json", "sarif", "junit", "markdown", "html", "github"]
    run = run_cli(
        ["check", "--now", NOW, *(a for f in formats for a in ("--format", f"{f}=out/report.{f}")), "--format", "text"],
        capsys, monkeypatch, repo,
    )  # fmt: skip
    assert run.code == 1
    assert "services/caf\ufffd/shiftleft.yaml:13:10: HIGH SL301" in run.out
    assert "services/bad-\ufffd/shiftleft.yaml:2:1: CRITICAL SL001" in run.out
    for fmt in formats:
        text = (repo / "out" / f"report.{fmt}").read_text(encoding="utf-8")
        if fmt == "sarif":  # URIs are percent-encoded: U+FFFD is %EF%BF%BD
            text = text.replace("%EF%BF%BD", "\ufffd")
        assert "services/caf\ufffd/shiftleft.yaml" in text, fmt
        assert "bad-\ufffd" in text, fmt
    report = json.loads((repo / "out" / "report.json").read_text(encoding="utf-8"))
    names = sorted(s["name"] for s in report["services"])
    assert names == ["bad-\ufffd", "cafe", "catalog", "checkout"]


def test_non_utf8_rule_file_name_is_shown_with_replacement_characters(repo: Path, capsys, monkeypatch) -> None:
    os.makedirs(os.path.join(os.fsencode(repo), b"org-rules"))
    with open(os.path.join(os.fsencode(repo), b"org-rules", b"ACME101-owner\xff.yaml"), "wb") as fh:
        fh.write(b"id: ACME101\nname: owner-set\n")
    write(repo, ".shiftleft.toml", 'rules = ["org-rules"]\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, run.out) == (2, "")
    assert run.err == "shiftleft: error: org-rules/ACME101-owner\ufffd.yaml:1:1: missing required key 'severity'\n"
