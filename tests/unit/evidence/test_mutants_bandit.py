"""bandit's JSON read with suspicion: issues, unscanned files, `# nosec` surfaced, and odd reports fail the scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shiftleft.evidence import bandit, batch
from shiftleft.evidence.model import Problem, Result, Scan
from tests.unit.evidence.recorded import APP, BROKEN_PY, report

STR_INDEX = repr(TypeError("string indices must be integers, not 'str'"))


def test_the_recorded_report_gives_every_issue_with_its_levels_line_text_and_nosec() -> None:
    scan = bandit.parse(1, report("bandit.json"), "")
    assert scan == Scan(
        "bandit",
        "",
        (
            Result("bandit", "B404", "blacklist",  APP, 1, 1,
                   "Consider possible security implications associated with the subprocess module.", "failed", "",
                   "low", "high", "import subprocess"),
            Result("bandit", "B602", "subprocess_popen_with_shell_equals_true", APP, 7, 7,
                   "subprocess call with shell=True identified, security issue.", "failed", "", "high", "high",
                   "return subprocess.call(command, shell=True)"),
            Result("bandit", "B506", "yaml_load", APP, 11, 11,
                   "Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load().",
                   "failed", "# nosec B506 trusted input", "medium", "high",
                   "return yaml.load(text)  # nosec B506 trusted input"),
        ),
        (Problem("bandit", BROKEN_PY, "bandit could not scan it: syntax error while parsing AST from file"),),
    )  # fmt: skip


def item(**fields: Any) -> dict[str, Any]:
    return {"test_id": "B105", "filename": "/a.py", "line_number": 3, **fields}


def one(**fields: Any) -> Result:
    scan = bandit.parse(1, {"results": [item(**fields)], "errors": []}, "")
    assert scan.failure == ""
    return scan.results[0]


def test_an_issue_with_only_its_test_file_and_line_gets_empty_defaults() -> None:
    assert one() == Result("bandit", "B105", "", "/a.py", 3, 3, "", "failed", "", "", "", "")
    assert one(line_range=[3, 4, 5], issue_severity="MEDIUM", issue_confidence="Low").end_line == 5
    assert one(issue_severity="MEDIUM", issue_confidence="Low")[9:11] == ("medium", "low")
    assert one(line_number="3", line_range=[]).end_line == 3


def test_the_flagged_line_and_its_nosec_are_read_from_the_quoted_code() -> None:
    code = "2 a = 1  # nosec\n3     password = 'x'   # nosec B105: test data \n4 b = 2 # nosec\n"
    found = one(code=code)
    assert (found.code, found.suppression) == ("password = 'x'   # nosec B105: test data", "# nosec B105: test data")
    assert one(code=code, line_number=4)[8:] == ("# nosec", "", "", "b = 2 # nosec")
    assert one(code="3 x = 1\n", line_number=3)[8:] == ("", "", "", "x = 1")  # no nosec
    assert one(code="33 x = 1  # nosec\n", line_number=3)[8:] == ("", "", "", "")  # another line's number
    assert one(code="2 nosec\n3 y = 2\n")[8:] == ("", "", "", "y = 2")  # a nosec on another line
    assert one(code="3 nosec\n").suppression == "# nosec"
    twice = one(code="3 x = 1  # nosec B105 (nosec reviewed)\n").suppression
    assert twice == "# nosec B105 (nosec reviewed)"  # from the first `nosec` on


@pytest.mark.parametrize(
    "data",
    [None, [], "x", {"results": [], "errors": None}, {"results": None, "errors": []}, {"errors": []}, {"results": []}],
    ids=["null", "list", "string", "errors-null", "results-null", "no-results", "no-errors"],
)
def test_an_unknown_shape_is_a_failure_with_the_exit_code_and_the_last_words(data: Any) -> None:
    assert bandit.parse(1, data, "x\nbandit: broken\n") == Scan(
        "bandit", "", failure="bandit's report has an unknown shape (exit 1): bandit: broken"
    )


@pytest.mark.parametrize(
    ("results", "errors", "error"),
    [
        ([{"filename": "/a.py", "line_number": 3}], [], "KeyError('test_id')"),
        ([item(line_number="three")], [], "ValueError(\"invalid literal for int() with base 10: 'three'\")"),
        ([item(line_range=3)], [], "TypeError(\"'int' object is not iterable\")"),
        (["B105"], [], STR_INDEX),
        ([], [{"reason": "x"}], "KeyError('filename')"),
        ([], ["oops"], STR_INDEX),
    ],
    ids=["no-test-id", "line-not-a-number", "range-not-a-list", "issue-not-a-mapping", "error-without-file",
         "error-not-a-mapping"],
)  # fmt: skip
def test_an_unexpected_record_fails_the_scan(results: list[Any], errors: list[Any], error: str) -> None:
    assert bandit.parse(0, {"results": results, "errors": errors}, "") == Scan(
        "bandit", "", failure=f"bandit's report has an unexpected record ({error})"
    )


def test_an_unscanned_file_is_a_problem_with_its_reason_or_none_given() -> None:
    scan = bandit.parse(0, {"results": [], "errors": [{"filename": "/b.py"}, {"filename": "/c.py", "reason": "r"}]}, "")
    assert scan == Scan(
        "bandit",
        "",
        (),
        (
            Problem("bandit", "/b.py", "bandit could not scan it: no reason given"),
            Problem("bandit", "/c.py", "bandit could not scan it: r"),
        ),
    )


def test_exit_1_without_an_issue_is_a_failure_and_exit_0_without_one_is_clean() -> None:
    assert bandit.parse(1, {"results": [], "errors": []}, "a\nb\n") == Scan(
        "bandit", "", failure="bandit failed (exit 1 without issues): b"
    )
    assert bandit.parse(0, {"results": [], "errors": []}, "") == Scan("bandit", "")
    assert bandit.parse(0, {"results": [item()], "errors": []}, "").results[0].check_id == "B105"


def test_scan_gives_bandit_an_empty_ini_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def scanned(scanner: str, argv: Any, files: Any, timeout: float, parse: Any, arg_limit: Any) -> Scan:
        line = argv(["/x.py"])
        ini = line[line.index("--ini") + 1]
        seen.extend([scanner, line, Path(ini).name, Path(ini).read_text(encoding="utf-8"), files, timeout, parse,
                     arg_limit])  # fmt: skip
        return Scan("bandit", "")

    monkeypatch.setattr(batch, "scanned", scanned)
    assert bandit.scan("/bin/bandit", ["/a.py"], 7.5, 2048) == Scan("bandit", "")
    ini = seen[1][6]
    assert seen == [
        "bandit",
        ["/bin/bandit", "-f", "json", "-q", "--ignore-nosec", "--ini", ini, "/x.py"],
        "bandit.ini",
        "[bandit]\n",
        ["/a.py"],
        7.5,
        bandit.parse,
        2048,
    ]
    assert Path(ini).parent.name.startswith("shiftleft-bandit-ini-") and not Path(ini).exists()  # removed after
    seen.clear()
    bandit.scan("/bin/bandit", ["/a.py"], 7.5)
    assert seen[-1] is None
