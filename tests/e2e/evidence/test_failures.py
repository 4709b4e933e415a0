"""Fail closed: every way a scanner can fail is a finding that fails the gate, with the scanner's words.

Fault injection uses fake `checkov` and `bandit` executables put first on
PATH; each replays the stdout, stderr and exit code its test wrote beside it
and records its arguments, working folder and HOME.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from shiftleft.evidence import bandit, checkov, process
from tests.e2e.evidence import repo
from tests.e2e.evidence.test_scanners import check

FAKE = """\
#!{python}
import json, os, pathlib, sys, time
here = pathlib.Path(__file__).resolve().parent
name = pathlib.Path(__file__).name
(here / f"{{name}}.seen").write_text(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd(), "home": os.environ["HOME"]}}))
sys.stdout.write((here / f"{{name}}.out").read_text())
sys.stderr.write((here / f"{{name}}.err").read_text())
if (here / f"{{name}}.sleep").exists():
    time.sleep(30)
sys.exit(int((here / f"{{name}}.code").read_text()))
"""
TRACEBACK = "Traceback (most recent call last):\n  File \"checkov/main.py\", line 1\nKeyError: 'resource'\n"
BARE_SUMMARY = json.dumps({"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0,
                           "checkov_version": "3.3.30"})  # fmt: skip
CLEAN_BANDIT = json.dumps({"errors": [], "generated_at": "2026-11-25T00:00:00Z", "metrics": {}, "results": []})


class Fakes:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def set(self, name: str, out: str = "", err: str = "", code: int = 0, sleep: bool = False) -> None:
        exe = self.folder / name
        exe.write_text(FAKE.format(python=sys.executable), encoding="utf-8")
        exe.chmod(0o755)
        for suffix, text in (("out", out), ("err", err), ("code", str(code))):
            (self.folder / f"{name}.{suffix}").write_text(text, encoding="utf-8")
        if sleep:
            (self.folder / f"{name}.sleep").write_text("", encoding="utf-8")

    def seen(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.folder / f"{name}.seen").read_text(encoding="utf-8"))
        return data


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("SHIFTLEFT_NO_CACHE", "1")
    made = Fakes(folder)
    made.set("checkov", BARE_SUMMARY)  # a clean default for the scanner a test does not break
    made.set("bandit", CLEAN_BANDIT)
    return made


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for rel, text in {
        "services/ledger/shiftleft.yaml": repo.LEDGER,
        "services/ledger/infra/main.tf": repo.LEDGER_TF,
        "services/ledger/src/ledger/total.py": repo.LEDGER_PY,
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    (root / ".git").mkdir()
    return root


def _evidence(root: Path) -> tuple[list[tuple[str, str, int, str]], dict[str, str]]:
    report = json.loads((root / "out.json").read_text(encoding="utf-8"))
    findings = sorted(
        (f["rule"], f["location"]["file"], f["location"]["line"], f["message"])
        for f in report["findings"]
        if f["rule"].startswith("SL8")
    )
    return findings, {c["rule"]: c["status"] for c in report["claims"]}


def _run(root: Path) -> tuple[int, list[tuple[str, str, int, str]], dict[str, str]]:
    code, _err = check(root, "--evidence", "--format", "json=out.json")
    findings, statuses = _evidence(root)
    return code, findings, statuses


MANIFEST = "services/ledger/shiftleft.yaml"


@pytest.mark.parametrize(
    ("out", "err", "code", "expected"),
    [
        ("", TRACEBACK, 1, "checkov wrote no report (exit 1): KeyError: 'resource'"),
        (BARE_SUMMARY, TRACEBACK, 1, "checkov crashed (exit 1): KeyError: 'resource'"),
        (
            "",
            "usage: checkov [-h]\ncheckov: error: unrecognized arguments\n",
            2,
            "checkov exited with 2: checkov: error: unrecognized arguments",
        ),
        ("<html>Bad gateway</html>", "", 0, "checkov's report is not JSON (exit 0): no message on stderr"),
        ('{"unexpected": true}', "", 0, "checkov's report has an unknown shape (exit 0): no message on stderr"),
        ("", "", 0, "checkov wrote no report (exit 0): no message on stderr"),
    ],
    ids=["traceback-no-output", "exit-1-without-failed-checks", "exit-2", "garbage", "unknown-shape", "empty"],
)
def test_checkov_failures_fail_the_gate(
    fakes: Fakes, ledger: Path, out: str, err: str, code: int, expected: str
) -> None:
    fakes.set("checkov", out, err, code)
    exit_code, findings, statuses = _run(ledger)
    assert exit_code == 1
    assert findings == [("SL802", MANIFEST, 12, f"{expected}; 2 claim(s) it judges stay unverified")]
    assert statuses == {"SL810": "unverified", "SL811": "unverified", "SL821": "verified"}


def test_missing_scanner_says_how_to_install(
    fakes: Fakes, ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (fakes.folder / "checkov").unlink()
    monkeypatch.setenv("PATH", str(fakes.folder))  # no real checkov on PATH ...
    monkeypatch.setattr(process.sys, "executable", str(tmp_path / "elsewhere" / "python"))  # ... nor beside python
    exit_code, findings, statuses = _run(ledger)
    assert exit_code == 1
    assert findings == [("SL801", MANIFEST, 12, "checkov is not installed; evidence needs it: "
                         "pip install 'shiftleft[evidence]'; 2 claim(s) it judges stay unverified")]  # fmt: skip
    assert statuses["SL810"] == "unverified"


def test_a_hanging_scanner_times_out(fakes: Fakes, ledger: Path) -> None:
    fakes.set("checkov", BARE_SUMMARY, sleep=True)
    scan = checkov.scan(str(fakes.folder / "checkov"), [str(ledger / "services/ledger/infra/main.tf")],
                        ["CKV_AWS_3"], None, timeout=1)  # fmt: skip
    assert scan.failure == "checkov did not finish within 1s (evidence_timeout)"


def test_checkov_list_shape_with_findings_is_judged(fakes: Fakes, ledger: Path) -> None:
    tf = os.path.realpath(ledger / "services/ledger/infra/main.tf")
    record = {"check_id": "CKV_AWS_3", "check_name": "Ensure all data stored in the EBS is securely encrypted",
              "file_path": "/main.tf", "file_abs_path": tf, "file_line_range": [1, 5],
              "resource": "aws_ebs_volume.journal", "check_result": {"result": "FAILED"}}  # fmt: skip
    reports = [
        {"check_type": "terraform", "results": {"passed_checks": [], "failed_checks": [record], "skipped_checks": [],
                                                "parsing_errors": []}, "summary": {"checkov_version": "3.3.30"}},
        {"check_type": "secrets", "results": {"passed_checks": [], "failed_checks": [], "skipped_checks": [],
                                              "parsing_errors": []}, "summary": {"checkov_version": "3.3.30"}},
    ]  # fmt: skip
    fakes.set("checkov", json.dumps(reports), "", 1)
    exit_code, findings, statuses = _run(ledger)
    assert exit_code == 1
    assert findings == [("SL810", "services/ledger/infra/main.tf", 1, "the manifest declares encryption at rest, "
                         "but checkov CKV_AWS_3 (Ensure all data stored in the EBS is securely encrypted) fails on "
                         "aws_ebs_volume.journal")]  # fmt: skip
    assert statuses == {"SL810": "contradicted", "SL811": "unverified", "SL821": "verified"}


def test_checkov_bare_summary_means_nothing_scanned(fakes: Fakes, ledger: Path) -> None:
    _code, findings, statuses = _run(ledger)
    assert findings == []
    assert statuses == {"SL810": "unverified", "SL811": "unverified", "SL821": "verified"}


def test_bandit_exit_0_with_errors_is_an_incomplete_scan(fakes: Fakes, ledger: Path) -> None:
    code_file = os.path.realpath(ledger / "services/ledger/src/ledger/total.py")
    report = {"errors": [{"filename": code_file, "reason": "syntax error while parsing AST from file"}],
              "generated_at": "2026-11-25T00:00:00Z", "metrics": {}, "results": []}  # fmt: skip
    fakes.set("bandit", json.dumps(report), "", 0)
    exit_code, findings, statuses = _run(ledger)
    assert exit_code == 1
    assert findings == [("SL803", "services/ledger/src/ledger/total.py", 1, "services/ledger/src/ledger/total.py "
                         "bandit could not scan it: syntax error while parsing AST from file")]  # fmt: skip
    assert statuses["SL821"] == "unverified"


@pytest.mark.parametrize(
    ("out", "err", "code", "expected"),
    [
        (
            "",
            "[main]\tERROR\tunknown test found in profile: B999\n",
            2,
            "bandit exited with 2: [main]\tERROR\tunknown test found in profile: B999",
        ),
        ("not json", "", 0, "bandit's report is not JSON (exit 0): no message on stderr"),
        (json.dumps({"results": []}), "", 0, "bandit's report has an unknown shape (exit 0): no message on stderr"),
        (CLEAN_BANDIT, "", 1, "bandit failed (exit 1 without issues): no message on stderr"),
    ],
    ids=["exit-2", "garbage", "no-errors-list", "exit-1-without-issues"],
)
def test_bandit_failures_fail_the_gate(
    fakes: Fakes, ledger: Path, out: str, err: str, code: int, expected: str
) -> None:
    fakes.set("bandit", out, err, code)
    exit_code, findings, statuses = _run(ledger)
    assert exit_code == 1
    assert findings == [("SL802", MANIFEST, 10, f"{expected}; 1 claim(s) it judges stay unverified")]
    assert statuses["SL821"] == "unverified"


def test_scanners_get_trusted_arguments_folder_and_home(fakes: Fakes, ledger: Path) -> None:
    _run(ledger)
    tf = os.path.realpath(ledger / "services/ledger/infra/main.tf")
    py = os.path.realpath(ledger / "services/ledger/src/ledger/total.py")
    seen = fakes.seen("checkov")
    assert seen["argv"][: len(checkov.FIXED_ARGS)] == list(checkov.FIXED_ARGS)
    assert seen["argv"][-2:] == ["-f", tf]
    assert (
        "--skip-download" in seen["argv"]
        and seen["argv"][seen["argv"].index("--download-external-modules") + 1] == "false"
    )
    assert seen["cwd"] == seen["home"] and not seen["cwd"].startswith(str(ledger))
    seen = fakes.seen("bandit")
    ini = seen["argv"][seen["argv"].index("--ini") + 1]
    assert seen["argv"] == [*bandit.FIXED_ARGS, "--ini", ini, py]
    assert not ini.startswith(str(ledger)) and "--ignore-nosec" in seen["argv"]
    assert seen["cwd"] == seen["home"] and not seen["cwd"].startswith(str(ledger))
