"""checkov's JSON read with suspicion: every shape it writes, and anything odd is a failed scan, never a pass."""

from __future__ import annotations

from typing import Any

import pytest

from shiftleft.evidence import batch, checkov
from shiftleft.evidence.model import Problem, Result, Scan
from tests.unit.evidence.recorded import BROKEN_TF, DEPLOYMENT, TF, report

EBS = "Ensure all data stored in the EBS is securely encrypted"
TRACEBACK = "Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'resource'\n"


def test_the_recorded_report_gives_every_result_and_parse_error_and_the_version() -> None:
    scan = checkov.parse(1, report("checkov.json"), "2026-12-07 WARNING something\n")
    replicas = "Deployments and StatefulSets run at least 3 replicas (absent means 1)"
    assert scan == Scan(
        "checkov",
        "3.3.30",
        (
            Result("checkov", "CKV2_SLREPLICAS_3", replicas, DEPLOYMENT, 1, 14, "Deployment.vault.vault", "failed"),
            Result("checkov", "CKV_AWS_3", EBS, TF, 1, 5, "aws_ebs_volume.data", "failed"),
            Result("checkov", "CKV_AWS_3", EBS, TF, 7, 11, "aws_ebs_volume.logs", "passed"),
            Result(
                "checkov",
                "CKV_AWS_16",
                "Ensure all data stored in the RDS is securely encrypted at rest",
                TF,
                13,
                20,
                "aws_db_instance.orders",
                "passed",
            ),
            Result(
                "checkov",
                "CKV_AWS_157",
                "Ensure that RDS instances have Multi-AZ enabled",
                TF,
                13,
                20,
                "aws_db_instance.orders",
                "skipped",
                "single zone until the migration",
            ),
        ),
        (Problem("checkov", BROKEN_TF, "checkov could not parse it; its resources are not checked"),),
    )


def test_one_report_alone_and_the_bare_summary_are_read() -> None:
    terraform = report("checkov.json")[1]
    assert [r.resource for r in checkov.parse(1, terraform, "").results] == [
        "aws_ebs_volume.data", "aws_ebs_volume.logs", "aws_db_instance.orders", "aws_db_instance.orders",
    ]  # fmt: skip
    bare = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0, "resource_count": 0}
    assert checkov.parse(0, bare, "") == Scan("checkov", "")
    assert checkov.parse(0, [], "") == Scan("checkov", "")


@pytest.mark.parametrize(
    "data",
    [
        None, "text", 3, [{"results": {}}, "x"], ["x"], {"check_type": "terraform", "passed": 0},
        {"passed": "0"}, {"passed": None}, {}, {"summary": {}},
    ],
    ids=["null", "string", "number", "list-with-a-string", "list-of-strings", "summary-with-check-type",
         "passed-as-text", "passed-null", "empty", "summary-only"],
)  # fmt: skip
def test_an_unknown_shape_is_a_failure_with_the_exit_code_and_the_last_words(data: Any) -> None:
    assert checkov.parse(0, data, "first\n\n  last words  \n\n") == Scan(
        "checkov", "", failure="checkov's report has an unknown shape (exit 0): last words"
    )


def test_the_version_is_the_first_report_that_names_one_and_missing_sections_are_empty() -> None:
    reports = [
        {"results": {"failed_checks": None, "passed_checks": None}},
        {"summary": {"checkov_version": "3.3.1"}},
        {"summary": {"checkov_version": "9.9.9"}, "results": {"parsing_errors": None}},
    ]
    assert checkov.parse(0, reports, "") == Scan("checkov", "3.3.1")


def record(**fields: Any) -> dict[str, Any]:
    return {"check_id": "CKV_AWS_3", "file_path": "/main.tf", **fields}


def parsed(outcome_key: str, rec: dict[str, Any]) -> Result:
    scan = checkov.parse(0, {"results": {outcome_key: [rec]}}, "")
    assert scan.failure == ""
    assert len(scan.results) == 1
    return scan.results[0]


def test_a_record_with_only_its_check_and_file_gets_empty_defaults() -> None:
    assert parsed("passed_checks", record()) == Result("checkov", "CKV_AWS_3", "", "/main.tf", 0, 0, "", "passed")
    full = record(check_name="n", file_abs_path="/abs/main.tf", file_line_range=[3, 9], resource="r.a")
    assert parsed("failed_checks", full) == Result("checkov", "CKV_AWS_3", "n", "/abs/main.tf", 3, 9, "r.a", "failed")
    assert parsed("failed_checks", record(file_line_range=[4])).end_line == 4


def test_a_skipped_record_names_its_suppression_wherever_checkov_put_it() -> None:
    assert parsed("skipped_checks", record(check_result={"suppress_comment": "a"}, suppress_comment="b")).suppression \
        == "a"  # fmt: skip
    assert parsed("skipped_checks", record(check_result={"result": "SKIPPED"}, suppress_comment="b")).suppression == "b"
    assert parsed("skipped_checks", record(check_result=None)).suppression == "checkov:skip"
    assert parsed("passed_checks", record(suppress_comment="b")).suppression == ""


@pytest.mark.parametrize(
    ("rec", "error"),
    [
        ({"file_path": "/main.tf"}, "KeyError('check_id')"),
        ({"check_id": "CKV_AWS_3"}, "KeyError('file_path')"),
        (record(file_line_range=["one", 2]), "ValueError(\"invalid literal for int() with base 10: 'one'\")"),
        (record(file_line_range=[None, 2]), "TypeError(\"int() argument must be a string, a bytes-like object or a "
                                            "real number, not 'NoneType'\")"),
        ("CKV_AWS_3", "AttributeError(\"'str' object has no attribute 'get'\")"),
    ],
    ids=["no-check-id", "no-file", "line-not-a-number", "line-null", "record-not-a-mapping"],
)  # fmt: skip
def test_an_unexpected_record_fails_the_scan_and_keeps_the_version(rec: Any, error: str) -> None:
    data = {"summary": {"checkov_version": "3.3.30"}, "results": {"failed_checks": [rec]}}
    assert checkov.parse(1, data, "") == Scan(
        "checkov", "3.3.30", failure=f"checkov's report has an unexpected record ({error})"
    )


def test_a_report_whose_results_are_not_a_mapping_fails_the_scan() -> None:
    assert checkov.parse(0, {"results": ["x"]}, "").failure.startswith("checkov's report has an unexpected record")
    assert checkov.parse(0, [{"summary": "3.3"}], "").failure.startswith("checkov's report has an unexpected record")


def test_exit_1_is_findings_only_with_a_failed_check_and_no_traceback() -> None:
    failed = {"results": {"failed_checks": [record()]}}
    passed = {"summary": {"checkov_version": "3.3.30"}, "results": {"passed_checks": [record()]}}
    assert checkov.parse(1, failed, "note\n").failure == ""
    assert checkov.parse(1, passed, "a\nboom\n") == Scan("checkov", "3.3.30", failure="checkov crashed (exit 1): boom")
    assert checkov.parse(1, failed, TRACEBACK).failure == "checkov crashed (exit 1): KeyError: 'resource'"
    assert checkov.parse(0, passed, TRACEBACK).failure == ""  # exit 0: the report stands
    assert checkov.parse(2, passed, "").failure == ""  # other codes are `process.report`'s to refuse


def test_the_argument_list_passes_files_only_after_its_options() -> None:
    assert checkov.argv("/bin/checkov", ["/r/b.tf", "-a.tf"], ["CKV_B_2", "CKV_A_1"], None) == [
        "/bin/checkov", "--framework", "terraform,cloudformation,kubernetes", "-o", "json", "--skip-download",
        "--download-external-modules", "false", "--skip-results-upload", "-c", "CKV_A_1,CKV_B_2",
        "-f", "/r/b.tf", "-a.tf",
    ]  # fmt: skip
    with_policies = checkov.argv("c", ["/f.tf"], ["X"], "/work/p")
    assert with_policies[-6:] == ["-c", "X", "--external-checks-dir", "/work/p", "-f", "/f.tf"]


def test_scan_hands_its_command_line_timeout_and_parser_to_the_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def scanned(scanner: str, argv: Any, files: Any, timeout: float, parse: Any, arg_limit: Any) -> Scan:
        seen.extend([scanner, argv(["/x.tf"]), files, timeout, parse, arg_limit])
        return Scan("checkov", "3.3.30")

    monkeypatch.setattr(batch, "scanned", scanned)
    assert checkov.scan("/bin/checkov", ["/a.tf"], ["CKV_A_1"], "/p", 12.5, 4096) == Scan("checkov", "3.3.30")
    assert seen == [
        "checkov",
        checkov.argv("/bin/checkov", ["/x.tf"], ["CKV_A_1"], "/p"),
        ["/a.tf"],
        12.5,
        checkov.parse,
        4096,
    ]
    seen.clear()
    checkov.scan("/bin/checkov", ["/a.tf"], ["CKV_A_1"], None, 1.0)
    assert seen[1] == checkov.argv("/bin/checkov", ["/x.tf"], ["CKV_A_1"], None) and seen[5] is None
