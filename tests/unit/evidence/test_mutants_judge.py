"""The verdicts and findings `Judge` gives, exactly, for recorded scanner reports and hand-made results.

A wrong verdict lets a false claim pass, so every branch of `Judge._claim` is pinned with its status and
reason, and every finding with its rule, place, message and the extra data reports and fingerprints use.
"""

from __future__ import annotations

from shiftleft.evidence import bandit, checkov
from shiftleft.evidence.judge import Judge
from shiftleft.evidence.model import ClaimStatus, Problem, Result, Scan, Status
from shiftleft.evidence.subject import Claim, Subject
from shiftleft.findings import Location
from tests.unit.evidence.recorded import (
    APP,
    BROKEN_PY,
    BROKEN_TF,
    DEPLOYMENT,
    MANIFEST,
    TF,
    claim,
    finding,
    report,
    rule,
    show,
)

AT_REST = claim("SL810", 17, 29, "the manifest declares encryption at rest")
ZONES = claim("SL813", 12, 12, "the manifest declares 2 zones")
REPLICAS = claim("SL814", 13, 19, "the manifest declares at least 3 replicas", value=3)
CODE = claim("SL820", 10, 21, "confidential data allows no security issue")
SUPPRESSION_NOTE = "review it: a suppression does not silence evidence, only a waiver does"


def judge(*scans: Scan) -> Judge:
    return Judge({s.scanner: s for s in scans}, rule, show)


def subject(
    *claims: Claim, infra: tuple[str, ...] = (TF,), code: tuple[str, ...] = (APP,), unrendered: tuple[str, ...] = ()
) -> Subject:
    return Subject("vault", MANIFEST, infra, code, claims, unrendered)


def status(c: Claim, verdict: Status, reason: str) -> ClaimStatus:
    return ClaimStatus("vault", c.rule.id, c.rule.location, MANIFEST, c.line, c.col, verdict, reason, c.rule.frameworks)


def recorded() -> tuple[Scan, Scan]:
    return checkov.parse(1, report("checkov.json"), ""), bandit.parse(1, report("bandit.json"), "")


def test_the_recorded_reports_contradict_every_claim_they_reach_and_name_each_place() -> None:
    scans = recorded()
    found, statuses = judge(*scans).service(
        subject(AT_REST, ZONES, REPLICAS, CODE, infra=(TF, BROKEN_TF, DEPLOYMENT), code=(APP, BROKEN_PY))
    )
    orders = ("checkov", "CKV_AWS_157", "Ensure that RDS instances have Multi-AZ enabled", "aws_db_instance.orders")
    orders_extra = (
        ("scanner", "checkov"), ("check_id", "CKV_AWS_157"), ("check_name", orders[2]),
        ("resource", "aws_db_instance.orders"), ("lines", "13-20"), ("suppressed", "single zone until the migration"),
        ("identity", "services/vault/infra/main.tf CKV_AWS_157 aws_db_instance.orders"),
    )  # fmt: skip
    yaml_text = "return yaml.load(text)  # nosec B506 trusted input"
    yaml_issue = "Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load()."
    yaml_extra = (
        ("scanner", "bandit"), ("check_id", "B506"), ("check_name", "yaml_load"), ("resource", yaml_issue),
        ("lines", "11-11"), ("suppressed", "# nosec B506 trusted input"), ("scanner_severity", "medium"),
        ("scanner_confidence", "high"), ("code", yaml_text),
        ("identity", f"services/vault/src/vault/app.py B506 {yaml_text}"),
    )  # fmt: skip
    shell_issue = "subprocess call with shell=True identified, security issue."
    shell_text = "return subprocess.call(command, shell=True)"
    shell_extra = (
        ("scanner", "bandit"), ("check_id", "B602"), ("check_name", "subprocess_popen_with_shell_equals_true"),
        ("resource", shell_issue), ("lines", "7-7"), ("scanner_severity", "high"), ("scanner_confidence", "high"),
        ("code", shell_text), ("identity", f"services/vault/src/vault/app.py B602 {shell_text}"),
    )  # fmt: skip
    ebs = "Ensure all data stored in the EBS is securely encrypted"
    ebs_extra = (
        ("scanner", "checkov"), ("check_id", "CKV_AWS_3"), ("check_name", ebs), ("resource", "aws_ebs_volume.data"),
        ("lines", "1-5"), ("identity", "services/vault/infra/main.tf CKV_AWS_3 aws_ebs_volume.data"),
    )  # fmt: skip
    replicas = "Deployments and StatefulSets run at least 3 replicas (absent means 1)"
    replicas_extra = (
        ("scanner", "checkov"), ("check_id", "CKV2_SLREPLICAS_3"), ("check_name", replicas),
        ("resource", "Deployment.vault.vault"), ("lines", "1-14"),
        ("identity", "k8s/vault/deployment.yaml CKV2_SLREPLICAS_3 Deployment.vault.vault"),
    )  # fmt: skip

    def claimed(c: Claim) -> tuple[tuple[str, str], ...]:
        return (
            ("status", "contradicted"), ("claim", f"{MANIFEST}:{c.line}:{c.col}"), ("claim_file", MANIFEST),
            ("claim_line", str(c.line)), ("claim_col", str(c.col)), ("claim_path", c.rule.location),
        )  # fmt: skip

    main = "services/vault/infra/main.tf"
    app = "services/vault/src/vault/app.py"
    assert found == [
        finding(
            "SL803", Location("services/vault/infra/broken.tf", 1),
            "services/vault/infra/broken.tf checkov could not parse it; its resources are not checked",
            (("scanner", "checkov"),),
        ),
        finding(
            "SL803", Location("services/vault/src/vault/broken.py", 1),
            "services/vault/src/vault/broken.py bandit could not scan it: syntax error while parsing AST from file",
            (("scanner", "bandit"),),
        ),
        finding(
            "SL804", Location(main, 13, 0, "aws_db_instance.orders"),
            f"CKV_AWS_157 ({orders[2]}) is suppressed in the code (single zone until the migration) on "
            f"aws_db_instance.orders; {SUPPRESSION_NOTE}",
            orders_extra,
        ),
        finding(
            "SL804", Location(app, 11, 0, "B506"),
            f"B506 (yaml_load) is suppressed in the code (# nosec B506 trusted input) on line 11; {SUPPRESSION_NOTE}",
            yaml_extra,
        ),
        finding(
            "SL810", Location(main, 1, 0, "aws_ebs_volume.data"),
            f"the manifest declares encryption at rest, but checkov CKV_AWS_3 ({ebs}) fails on aws_ebs_volume.data",
            (*ebs_extra, *claimed(AT_REST)),
        ),
        finding(
            "SL813", Location(main, 13, 0, "aws_db_instance.orders"),
            f"the manifest declares 2 zones, but checkov CKV_AWS_157 ({orders[2]}) fails on aws_db_instance.orders"
            " (suppressed in the code: single zone until the migration; only a waiver silences evidence)",
            (*orders_extra, *claimed(ZONES)),
        ),
        finding(
            "SL814", Location("k8s/vault/deployment.yaml", 1, 0, "Deployment.vault.vault"),
            f"the manifest declares at least 3 replicas, but checkov CKV2_SLREPLICAS_3 ({replicas}) fails on "
            "Deployment.vault.vault",
            (*replicas_extra, *claimed(REPLICAS)),
        ),
        finding(
            "SL820", Location(app, 7, 0, "B602"),
            "confidential data allows no security issue, but bandit B602 (subprocess_popen_with_shell_equals_true, "
            f"severity high, confidence high): {shell_issue}",
            (*shell_extra, *claimed(CODE)),
        ),
        finding(
            "SL820", Location(app, 11, 0, "B506"),
            "confidential data allows no security issue, but bandit B506 (yaml_load, severity medium, confidence "
            f"high): {yaml_issue} (suppressed in the code: # nosec B506 trusted input; only a waiver silences "
            "evidence)",
            (*yaml_extra, *claimed(CODE)),
        ),
    ]  # fmt: skip
    assert statuses == [
        status(AT_REST, Status.CONTRADICTED, f"1 contradicting result(s), first {main}:1"),
        status(ZONES, Status.CONTRADICTED, f"1 contradicting result(s), first {main}:13"),
        status(REPLICAS, Status.CONTRADICTED, "1 contradicting result(s), first k8s/vault/deployment.yaml:1"),
        status(CODE, Status.CONTRADICTED, f"2 contradicting result(s), first {app}:7"),
    ]
    assert statuses[0].frameworks != ()  # the rule's frameworks are carried to reports


def passed(check: str, resource: str, file: str = TF, line: int = 1) -> Result:
    return Result("checkov", check, f"{check} name", file, line, line + 4, resource, "passed")


def issue(check: str, line: int, severity: str, confidence: str, text: str = "x = 1", file: str = APP) -> Result:
    return Result("bandit", check, f"{check} name", file, line, line, f"{check} text", "failed", "", severity,
                  confidence, text)  # fmt: skip


def verdicts(
    scans: tuple[Scan, ...], *claims: Claim, infra: tuple[str, ...] = (TF,), code: tuple[str, ...] = (APP,)
) -> list[tuple[str, Status, str]]:
    found, statuses = judge(*scans).service(subject(*claims, infra=infra, code=code))
    assert found == []
    return [(s.rule, s.status, s.reason) for s in statuses]


def test_a_checkov_claim_is_verified_by_passing_results_and_counts_them_and_their_resources() -> None:
    scans = (
        Scan(
            "checkov",
            "3.3.30",
            (
                passed("CKV_AWS_3", "aws_ebs_volume.a"),
                passed("CKV_AWS_16", "aws_ebs_volume.a"),
                passed("CKV_AWS_3", "aws_ebs_volume.b", line=9),
            ),
        ),
    )
    assert verdicts(scans, AT_REST) == [("SL810", Status.VERIFIED, "3 check result(s) on 2 resource(s) pass")]


def test_a_checkov_claim_without_a_passing_result_of_its_checks_stays_unverified() -> None:
    other = Scan("checkov", "3.3.30", (passed("CKV_AWS_157", "aws_db_instance.a"),))
    assert verdicts((other,), AT_REST) == [
        ("SL810", Status.UNVERIFIED, "no resource in spec.paths.infrastructure that these checks apply to")
    ]
    assert verdicts((other,), AT_REST, infra=()) == [
        ("SL810", Status.UNVERIFIED, "no infrastructure under spec.paths.infrastructure")
    ]
    elsewhere = Scan("checkov", "3.3.30", (passed("CKV_AWS_3", "aws_ebs_volume.a", file="/repo/other/main.tf"),))
    assert verdicts((elsewhere,), AT_REST)[0][1] is Status.UNVERIFIED  # a result outside the service's paths


def test_a_claim_whose_scanner_did_not_run_or_failed_is_unverified_with_the_reason() -> None:
    assert verdicts((), AT_REST, infra=()) == [("SL810", Status.UNVERIFIED, "checkov did not run")]
    assert verdicts((), CODE, code=()) == [("SL820", Status.UNVERIFIED, "bandit did not run")]
    found, statuses = judge(Scan("checkov", "", failure="checkov crashed (exit 1): boom")).service(subject(AT_REST))
    assert [s.reason for s in statuses] == ["checkov crashed (exit 1): boom"]
    assert [s.status for s in statuses] == [Status.UNVERIFIED]
    assert [f.rule for f in found] == ["SL802"]


def test_a_claim_over_a_file_the_scanner_could_not_read_is_unverified_even_if_other_files_pass() -> None:
    scan = Scan("checkov", "3.3.30", (passed("CKV_AWS_3", "aws_ebs_volume.a"),),
                (Problem("checkov", BROKEN_TF, "broken"), Problem("checkov", DEPLOYMENT, "broken"),
                 Problem("checkov", "/repo/other.tf", "broken")))  # fmt: skip
    found, statuses = judge(scan).service(subject(AT_REST, infra=(TF, DEPLOYMENT, BROKEN_TF)))
    assert [(s.status, s.reason) for s in statuses] == [
        (Status.UNVERIFIED, "2 file(s) could not be scanned, first k8s/vault/deployment.yaml")
    ]
    assert [(f.rule, f.location, f.message) for f in found] == [
        ("SL803", Location("k8s/vault/deployment.yaml", 1), "k8s/vault/deployment.yaml broken"),
        ("SL803", Location("services/vault/infra/broken.tf", 1), "services/vault/infra/broken.tf broken"),
    ]


def test_an_unrendered_chart_leaves_checkov_claims_unverified_and_is_a_finding() -> None:
    chart = "/repo/charts/vault/Chart.yaml"
    scan = Scan("checkov", "3.3.30", (passed("CKV_AWS_3", "aws_ebs_volume.a"),))
    found, statuses = judge(scan, Scan("bandit", "1.9.4")).service(
        subject(AT_REST, ZONES, CODE, unrendered=(chart, "/repo/k/kustomization.yaml"))
    )
    assert [(s.rule, s.status, s.reason) for s in statuses] == [
        ("SL810", Status.UNVERIFIED, "the Helm chart of charts/vault/Chart.yaml was not rendered"),
        ("SL813", Status.UNVERIFIED, "the Helm chart of charts/vault/Chart.yaml was not rendered"),
        ("SL820", Status.VERIFIED, "bandit scanned 1 file(s): nothing at or above severity medium with confidence "
         "medium"),
    ]  # fmt: skip
    tail = "that shiftleft does not render, so the resources it renders were not checked; 2 claim(s) checkov judges"
    assert found == [
        finding("SL825", Location("charts/vault/Chart.yaml", 1),
                f"charts/vault/Chart.yaml heads a Helm chart {tail} stay unverified", (("scanner", "checkov"),)),
        finding("SL825", Location("k/kustomization.yaml", 1),
                f"k/kustomization.yaml heads a Kustomize build {tail} stay unverified", (("scanner", "checkov"),)),
    ]  # fmt: skip
    found, _ = judge(Scan("bandit", "1.9.4")).service(subject(CODE, unrendered=(chart,)))
    assert found == []  # only checkov claims are judged from rendered resources


def test_a_bandit_claim_is_verified_only_over_code_and_names_the_levels() -> None:
    clean = Scan("bandit", "1.9.4")
    assert verdicts((clean,), CODE, code=(APP, BROKEN_PY)) == [
        (
            "SL820",
            Status.VERIFIED,
            "bandit scanned 2 file(s): nothing at or above severity medium with confidence medium",
        )
    ]
    assert verdicts((clean,), CODE, code=()) == [("SL820", Status.UNVERIFIED, "no Python code under spec.paths.code")]
    internal = claim("SL821", 10, 21)
    assert verdicts((clean,), internal)[0][2] == (
        "bandit scanned 1 file(s): nothing at or above severity high with confidence high"
    )


def test_a_bandit_issue_contradicts_only_at_or_above_both_levels() -> None:
    def judged(severity: str, confidence: str) -> Status:
        scan = Scan("bandit", "1.9.4", (issue("B602", 7, severity, confidence),))
        _, statuses = judge(scan).service(subject(CODE))
        return statuses[0].status

    assert judged("medium", "medium") is Status.CONTRADICTED  # at the levels
    assert judged("high", "high") is Status.CONTRADICTED
    assert judged("low", "high") is Status.VERIFIED
    assert judged("high", "low") is Status.VERIFIED
    assert judged("undefined", "medium") is Status.CONTRADICTED  # an unknown level counts as the highest
    assert judged("medium", "undefined") is Status.CONTRADICTED
    strict = claim("SL821", 10, 21, levels="high/high")
    scan = Scan("bandit", "1.9.4", (issue("B602", 7, "medium", "high"), issue("B105", 8, "high", "medium")))
    assert judge(scan).service(subject(strict))[1][0].status is Status.VERIFIED


def test_a_result_of_the_other_scanner_or_another_check_is_not_evidence() -> None:
    stray = Result("bandit", "CKV_AWS_3", "n", TF, 1, 1, "r", "failed", severity="high", confidence="high")
    scans = (Scan("checkov", "3.3.30", (stray, passed("CKV_AWS_3", "aws_ebs_volume.a"))),)
    assert verdicts(scans, AT_REST)[0][1] is Status.VERIFIED
    failed = Result("checkov", "B602", "n", APP, 7, 7, "r", "failed")
    assert judge(Scan("bandit", "1.9.4", (failed,))).service(subject(CODE))[1][0].status is Status.VERIFIED
    wrong_value = Result("checkov", "CKV2_SLREPLICAS_2", "n", DEPLOYMENT, 1, 14, "Deployment.vault.vault", "failed")
    right_value = wrong_value._replace(check_id="CKV2_SLREPLICAS_3", outcome="passed")
    scans = (Scan("checkov", "3.3.30", (wrong_value, right_value)),)
    assert verdicts(scans, REPLICAS, infra=(DEPLOYMENT,)) == [
        ("SL814", Status.VERIFIED, "1 check result(s) on 1 resource(s) pass")
    ]


def test_a_claim_that_could_not_be_evaluated_is_a_finding_at_the_claim_and_unverified() -> None:
    broken = AT_REST._replace(error="SL810 could not be evaluated (when): no such key")
    found, statuses = judge(Scan("checkov", "3.3.30", (passed("CKV_AWS_3", "a"),))).service(subject(broken))
    assert found == [finding("SL810", Location(MANIFEST, 17, 29, "spec.security.encryption.at_rest"), broken.error, ())]
    assert statuses == [status(broken, Status.UNVERIFIED, broken.error)]


def test_a_failed_or_missing_scanner_is_one_finding_at_its_first_claim_counting_its_claims() -> None:
    late = claim("SL813", 17, 40)
    scans = (Scan("checkov", "", failure="checkov was killed by SIGKILL: x"),
             Scan("bandit", "", failure="bandit is not installed", missing=True))  # fmt: skip
    found, _ = judge(*scans).service(subject(CODE, late, AT_REST, ZONES))
    assert found[:2] == [
        finding("SL820", Location(MANIFEST, 0, 0), "", ())._replace(
            rule="SL801", name=rule("SL801").name, severity=rule("SL801").severity,
            remediation=rule("SL801").remediation, location=Location(MANIFEST, 10, 21, "spec.data.classification"),
            message="bandit is not installed; 1 claim(s) it judges stay unverified", extra=(("scanner", "bandit"),),
        ),
        finding(
            "SL802", Location(MANIFEST, 12, 12, "spec.availability.zones"),
            "checkov was killed by SIGKILL: x; 3 claim(s) it judges stay unverified", (("scanner", "checkov"),),
        ),
    ]  # fmt: skip
    found, _ = judge(scans[0]._replace(failure="checkov crashed")).service(subject(late, AT_REST))
    assert found[0].location == Location(MANIFEST, 17, 29, "spec.security.encryption.at_rest")  # lowest column


def test_problems_are_findings_only_for_the_scanners_the_claims_need() -> None:
    scans = (Scan("checkov", "3.3.30", (), (Problem("checkov", TF, "one"), Problem("checkov", TF, "two"))),
             Scan("bandit", "1.9.4", (), (Problem("bandit", APP, "three"),)))  # fmt: skip
    found, _ = judge(*scans).service(subject(CODE))
    assert [(f.rule, f.message) for f in found] == [("SL803", "services/vault/src/vault/app.py three")]
    found, _ = judge(*scans).service(subject(AT_REST))
    main = "services/vault/infra/main.tf"
    assert [(f.rule, f.message) for f in found] == [("SL803", f"{main} one"), ("SL803", f"{main} two")]


def test_two_issues_with_the_same_line_text_are_numbered_in_line_order_per_file_and_test() -> None:
    other = "/repo/services/vault/src/vault/other.py"
    results = (
        issue("B602", 30, "high", "high", "call(x)"),
        issue("B602", 4, "high", "high", "call(x)"),
        issue("B602", 9, "high", "high", "call(x)", file=other),
        issue("B105", 12, "high", "high", "call(x)"),
    )
    found, _ = judge(Scan("bandit", "1.9.4", results)).service(subject(CODE, code=(APP, other)))  # fmt: skip
    idents = [(f.location.file, f.location.line, dict(f.extra)["identity"]) for f in found]
    app, shown = "services/vault/src/vault/app.py", "services/vault/src/vault/other.py"
    assert idents == [
        (app, 4, f"{app} B602 call(x)"),
        (app, 12, f"{app} B105 call(x)"),
        (app, 30, f"{app} B602 call(x) #2"),
        (shown, 9, f"{shown} B602 call(x)"),
    ]
