"""Fingerprints of evidence findings: two bandit issues of one test in one file are two baseline entries, and
moving lines keeps them; checkov findings name their file, check and resource."""

from __future__ import annotations

import json

from shiftleft.evidence import bandit
from shiftleft.evidence.judge import Judge
from shiftleft.evidence.model import Result, Scan
from shiftleft.evidence.subject import Claim, Subject
from shiftleft.policy import catalog as catalog_mod
from shiftleft.policy.evidencespec import Spec

SHIPPED, SHOWN = catalog_mod.shipped_folder()
CATALOG = catalog_mod.load([(SHIPPED, SHOWN)])
APP = "/repo/services/vault/src/app.py"


def issue(line: int, text: str) -> dict[str, object]:
    return {
        "code": f"{line - 1} \n{line} {text}\n{line + 1} \n", "col_offset": 4, "end_col_offset": 30,
        "filename": APP, "issue_confidence": "HIGH", "issue_cwe": {"id": 78, "link": ""},
        "issue_severity": "HIGH", "issue_text": "subprocess call with shell=True identified, security issue.",
        "line_number": line, "line_range": [line], "more_info": "", "test_id": "B602",
        "test_name": "subprocess_popen_with_shell_equals_true",
    }  # fmt: skip


def fingerprints(*issues: dict[str, object]) -> list[tuple[int, str]]:
    """(line, fingerprint) of SL820's contradictions for a bandit report with `issues`."""
    report = {"errors": [], "generated_at": "", "metrics": {}, "results": list(issues)}
    scan = bandit.parse(1, json.loads(json.dumps(report)), "")
    rule = CATALOG.get("SL820")
    assert rule is not None and not scan.failure
    claim = Claim(rule, Spec.of(rule.evidence), 10, 5, "data is confidential")
    subject = Subject("vault", "services/vault/shiftleft.yaml", (), (APP,), (claim,))
    judge = Judge({"bandit": scan}, lambda i: CATALOG.get(i), lambda p: p.removeprefix("/repo/"))  # type: ignore[arg-type,return-value]
    found, _ = judge.service(subject)
    return sorted((f.location.line, f.fingerprint) for f in found if f.rule == "SL820")


def test_two_issues_of_one_test_in_one_file_have_two_fingerprints() -> None:
    found = fingerprints(issue(7, "subprocess.call(command, shell=True)"), issue(12, "subprocess.run(cmd, shell=True)"))
    assert [line for line, _ in found] == [7, 12]
    assert found[0][1] != found[1][1]


def test_fingerprints_survive_lines_moving() -> None:
    before = fingerprints(
        issue(7, "subprocess.call(command, shell=True)"), issue(12, "subprocess.run(cmd, shell=True)")
    )
    after = fingerprints(issue(9, "subprocess.call(command, shell=True)"), issue(15, "subprocess.run(cmd, shell=True)"))
    assert [f for _, f in before] == [f for _, f in after]


def test_the_same_line_twice_is_told_apart_by_its_order() -> None:
    same = "subprocess.call(command, shell=True)"
    found = fingerprints(issue(7, same), issue(20, same))
    assert found[0][1] != found[1][1]
    moved = fingerprints(issue(3, same), issue(30, same))
    assert [f for _, f in found] == [f for _, f in moved]


def test_checkov_fingerprints_name_the_file_and_the_check() -> None:
    rule = CATALOG.get("SL810")
    assert rule is not None
    claim = Claim(rule, Spec.of(rule.evidence), 17, 20, "at rest")
    prints = []
    for file in ("/repo/a/main.tf", "/repo/b/main.tf"):
        result = Result("checkov", "CKV_AWS_3", "EBS encrypted", file, 1, 5, "aws_ebs_volume.data", "failed")
        subject = Subject("vault", "services/vault/shiftleft.yaml", (file,), (), (claim,))
        judge = Judge({"checkov": Scan("checkov", "3.3.30", (result,))}, lambda i: CATALOG.get(i),  # type: ignore[arg-type,return-value]
                      lambda p: p.removeprefix("/repo/"))  # fmt: skip
        found, _ = judge.service(subject)
        prints += [f.fingerprint for f in found if f.rule == "SL810"]
    assert len(prints) == 2 and prints[0] != prints[1]
