"""Waivers: the central file and inline `spec.waivers`, every state, and waived findings in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.helpers import NOW, ROOT, good_manifest, run_cli, write

CHECKOUT = "services/checkout/shiftleft.yaml"
WAIVERS = "shiftleft-waivers.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """checkout: SL301 (high) at line 13 and SL315 (medium) at line 20; search is clean."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    manifest = good_manifest().replace("rto: 30m", "rto: 2h").replace("retention: 35d", "retention: 14d")
    write(root, CHECKOUT, manifest)
    write(root, "services/search/shiftleft.yaml", good_manifest("search", 2))
    return root


def waiver(rule: str = "SL301", service: str = "checkout", expires: str = "2027-01-31", **extra: str) -> str:
    fields = {"rule": rule, "service": service, "reason": "DR re-architecture in Q1",
              "approved_by": "architecture-board", "ticket": "RISK-142", "expires": expires, **extra}  # fmt: skip
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items() if v) + "}\n"


def check(repo: Path, capsys, monkeypatch, *args: str) -> tuple[int, dict]:
    run = run_cli(["check", "--now", NOW, "--format", "json", *args], capsys, monkeypatch, repo)
    return run.code, json.loads(run.out)


def found(document: dict) -> list[tuple[str, str, str, bool, str | None]]:
    """(rule, service, file:line, failing, waiver kind) of every finding."""
    return [
        (f["rule"], f["service"], f"{f['location']['file']}:{f['location']['line']}", f["failing"],
         f["waiver"]["kind"] if f["waiver"] else None)
        for f in document["findings"]
    ]  # fmt: skip


def test_without_waivers_the_gate_fails(repo: Path, capsys, monkeypatch) -> None:
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 1
    assert found(doc) == [
        ("SL301", "checkout", f"{CHECKOUT}:13", True, None),
        ("SL315", "checkout", f"{CHECKOUT}:20", False, None),
    ]
    assert doc["waivers"] == []


def test_central_waiver_accepts_the_finding_which_stays_visible(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver())
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 0
    assert found(doc) == [
        ("SL301", "checkout", f"{CHECKOUT}:13", False, "waiver"),
        ("SL315", "checkout", f"{CHECKOUT}:20", False, None),
    ]
    assert doc["findings"][0]["waiver"] == {
        "kind": "waiver", "rule": "SL301", "service": "checkout", "path": "", "reason": "DR re-architecture in Q1",
        "approved_by": "architecture-board", "ticket": "RISK-142", "expires": "2027-01-31",
        "source": "shiftleft-waivers.yaml:2",
    }  # fmt: skip
    assert (doc["run"]["passed"], doc["run"]["failing"], doc["run"]["waived"]) == (True, 0, 1)
    assert [w["source"] for w in doc["waivers"]] == ["shiftleft-waivers.yaml:2"]
    schema = json.loads((ROOT / "shiftleft" / "schema" / "report.schema.json").read_text())
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc)) == []


def test_text_output_marks_the_waived_finding(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver())
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.lines[1:3] == [
        f"{CHECKOUT}:13:10: HIGH (waived) SL301 rto-within-tier RTO 2h exceeds the tier 1 (mission-critical) "
        "ceiling of 1h",
        "    waived by architecture-board until 2027-01-31 (RISK-142, shiftleft-waivers.yaml:2): "
        "DR re-architecture in Q1",
    ]
    assert run.lines[-1] == (
        "2 findings in 1 of 2 services (1 high, 1 medium), 1 accepted by waivers or the baseline; "
        "none at or above --fail-on high: passed"
    )


@pytest.mark.parametrize(
    ("entry", "rule", "message"),
    [
        (waiver(ticket=""), "SL901", "waiver for SL301 on checkout: missing ticket; it accepts nothing until complete"),
        (
            waiver(expires="2027-02-30"),
            "SL901",
            "waiver for SL301 on checkout: expires: '2027-02-30' is not a calendar date; it accepts nothing until "
            "complete",
        ),
        (
            waiver(rule="SL391"),
            "SL902",
            "waiver for SL391 on checkout: no rule SL391 in the catalog; it accepts nothing",
        ),
        (
            waiver(service="chekout"),
            "SL902",
            "waiver for SL301 on chekout: no service 'chekout' in the catalog; it accepts nothing",
        ),
        (
            waiver(expires="2027-03-01"),
            "SL903",
            "waiver for SL301 on checkout expires 2027-03-01, 96 days away; high findings may be waived for at most "
            "90 days",
        ),
        (
            waiver(expires="2026-10-31"),
            "SL904",
            "waiver for SL301 on checkout expired on 2026-10-31; it no longer accepts the risk",
        ),
    ],
    ids=["missing-field", "bad-date", "unknown-rule", "unknown-service", "too-long", "expired"],
)
def test_a_waiver_that_cannot_accept_is_a_finding_and_the_gate_fails(
    repo: Path, capsys, monkeypatch, entry: str, rule: str, message: str
) -> None:
    write(repo, WAIVERS, "waivers:\n" + entry)
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 1
    mine = [f for f in doc["findings"] if f["rule"] == rule]
    assert [(f["location"]["file"], f["location"]["line"], f["message"], f["failing"]) for f in mine] == [
        (WAIVERS, 2, message, True)
    ]
    assert ("SL301", "checkout", f"{CHECKOUT}:13", True, None) in found(doc)


def test_expiring_within_30_days_is_a_warning_and_still_accepts(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver(expires="2026-12-15"))
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 0
    assert found(doc) == [
        ("SL301", "checkout", f"{CHECKOUT}:13", False, "waiver"),
        ("SL315", "checkout", f"{CHECKOUT}:20", False, None),
        ("SL905", "checkout", f"{WAIVERS}:2", False, None),
    ]
    sl905 = doc["findings"][2]
    assert (sl905["severity"], sl905["message"]) == (
        "medium",
        "waiver for SL301 on checkout expires on 2026-12-15, in 20 days",
    )


def test_org_maximum_per_severity_is_configurable(repo: Path, capsys, monkeypatch) -> None:
    write(repo, ".shiftleft.toml", "[org]\nwaiver_max_days = {high = 30}\n")
    write(repo, WAIVERS, "waivers:\n" + waiver(expires="2027-01-31"))
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 1
    assert [f["message"] for f in doc["findings"] if f["rule"] == "SL903"] == [
        "waiver for SL301 on checkout expires 2027-01-31, 67 days away; high findings may be waived for at most 30 days"
    ]


def test_path_limited_waiver_accepts_only_that_path(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver(path="spec.continuity.rpo") + waiver(path="spec.continuity.rto"))
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 0
    assert doc["findings"][0]["waiver"]["source"] == "shiftleft-waivers.yaml:3"


def test_waiver_file_that_does_not_parse_is_a_finding(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n  - {rule: SL301\n")
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 1
    assert [(f["rule"], f["service"], f["location"]["file"], f["failing"]) for f in doc["findings"]
            if f["rule"] == "SL901"] == [("SL901", WAIVERS, WAIVERS, True)]  # fmt: skip


def test_waiver_file_location_is_configurable_and_confined(repo: Path, capsys, monkeypatch) -> None:
    write(repo, "governance/waivers.yaml", "waivers:\n" + waiver())
    write(repo, ".shiftleft.toml", 'waivers = "governance/waivers.yaml"\n')
    code, doc = check(repo, capsys, monkeypatch)
    assert (code, doc["findings"][0]["waiver"]["source"]) == (0, "governance/waivers.yaml:2")
    write(repo, ".shiftleft.toml", 'waivers = "../elsewhere.yaml"\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err == (
        "shiftleft: error: .shiftleft.toml:1: waivers: '../elsewhere.yaml' points outside the repository\n"
    )


INLINE_MEDIUM = "  waivers:\n    - {rule: SL315, reason: retention raised next sprint, approved_by: team-lead, expires: 2027-01-31}\n"
INLINE_HIGH = "  waivers:\n    - {rule: SL301, reason: later, approved_by: team-lead, expires: 2027-01-31}\n"


def _inline(repo: Path, block: str) -> None:
    path = repo / CHECKOUT
    path.write_text(path.read_text() + block)


def test_inline_waiver_accepts_up_to_medium(repo: Path, capsys, monkeypatch) -> None:
    _inline(repo, INLINE_MEDIUM)
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 1  # SL301 still fails
    assert found(doc) == [
        ("SL301", "checkout", f"{CHECKOUT}:13", True, None),
        ("SL315", "checkout", f"{CHECKOUT}:20", False, "inline"),
    ]
    assert doc["findings"][1]["waiver"]["source"] == f"{CHECKOUT}:36"


def test_inline_waivers_are_placed_from_loading_and_from_the_file_when_not_known(
    repo: Path, capsys, monkeypatch
) -> None:
    """The engine finds each inline waiver's line while the node tree is at hand (`waivers_at`): applying waivers
    reads no manifest again. A service whose places are not known (from a result file) is read again, at the
    same line; a manifest with no inline waivers is not looked at."""
    from shiftleft.governance import apply as apply_mod
    from shiftleft.results import ServiceResult

    _inline(repo, INLINE_MEDIUM)
    read_again: list[str] = []
    real_positions = apply_mod._positions

    def positions(cwd: Path, service: ServiceResult, count: int) -> list[tuple[int, int]]:
        read_again.append(service.name)
        return real_positions(cwd, service, count)

    monkeypatch.setattr(apply_mod, "_positions", positions)
    code, doc = check(repo, capsys, monkeypatch)
    assert (code, doc["findings"][1]["waiver"]["source"], read_again) == (1, f"{CHECKOUT}:36", [])
    entry = {"rule": "SL315", "reason": "retention raised next sprint", "approved_by": "team-lead",
             "expires": "2027-01-31"}  # fmt: skip
    services = [ServiceResult("checkout", CHECKOUT, 2, True, (), {"spec": {"waivers": [entry]}})]
    inputs = apply_mod.Inputs(repo, None, "", None, {}, {}, False)
    declared, _problems = apply_mod._declared(services, inputs)
    assert ([d.waiver.source for d in declared], read_again) == ([f"{CHECKOUT}:36"], ["checkout"])
    assert apply_mod._declared([services[0]._replace(waivers_at=())], inputs) == ([], [])


def test_inline_waiver_of_a_high_finding_is_sl906_and_accepts_nothing(repo: Path, capsys, monkeypatch) -> None:
    _inline(repo, INLINE_HIGH)
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 1
    assert found(doc) == [
        ("SL301", "checkout", f"{CHECKOUT}:13", True, None),
        ("SL315", "checkout", f"{CHECKOUT}:20", False, None),
        ("SL906", "checkout", f"{CHECKOUT}:36", True, None),
    ]
    assert doc["findings"][2]["message"] == (
        "waiver for SL301 on checkout: SL301 is high and inline waivers accept up to medium; "
        "record it in the central waiver file"
    )


def test_inline_waivers_can_be_switched_off_or_raised(repo: Path, capsys, monkeypatch) -> None:
    _inline(repo, INLINE_HIGH)
    write(repo, ".shiftleft.toml", 'inline_waivers = "high"\n')
    code, doc = check(repo, capsys, monkeypatch)
    assert (code, found(doc)[0]) == (0, ("SL301", "checkout", f"{CHECKOUT}:13", False, "inline"))
    write(repo, ".shiftleft.toml", 'inline_waivers = "off"\n')
    code, doc = check(repo, capsys, monkeypatch)
    assert code == 1
    assert [f["message"] for f in doc["findings"] if f["rule"] == "SL906"] == [
        "waiver for SL301 on checkout: inline waivers are off (inline_waivers in configuration); "
        "record it in the central waiver file"
    ]
    write(repo, ".shiftleft.toml", 'inline_waivers = "sometimes"\n')
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 2
    assert run.err.startswith("shiftleft: error: .shiftleft.toml:1: inline_waivers: unknown severity 'sometimes'")


def test_sarif_suppressions_are_valid_against_the_official_schema(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver())
    _inline(repo, INLINE_MEDIUM)
    run = run_cli(["check", "--now", NOW, "--format", "sarif"], capsys, monkeypatch, repo)
    log = json.loads(run.out)
    schema = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(log)) == []
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert results["SL301"]["suppressions"] == [{
        "kind": "external", "status": "accepted",
        "justification": "waived by architecture-board until 2027-01-31 (RISK-142, shiftleft-waivers.yaml:2): "
                         "DR re-architecture in Q1",
        "properties": {"kind": "waiver", "approvedBy": "architecture-board", "source": "shiftleft-waivers.yaml:2",
                       "ticket": "RISK-142", "expires": "2027-01-31"},
    }]  # fmt: skip
    assert results["SL315"]["suppressions"][0]["kind"] == "inSource"


def test_junit_reports_a_waived_rule_as_skipped(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver())
    run = run_cli(["check", "--now", NOW, "--format", "junit"], capsys, monkeypatch, repo)
    root = ET.fromstring(run.out)  # noqa: S314 - our own output
    case = root.find(".//testsuite[@name='checkout']/testcase[@name='SL301 rto-within-tier']")
    assert case is not None and case.find("failure") is None
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.get("message", "").startswith("waived by architecture-board until 2027-01-31")
    assert (root.get("failures"), root.get("skipped")) == ("0", "1")


def test_markdown_and_html_show_the_waiver_inventory(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver(expires="2026-12-15") + waiver(rule="SL315", expires="2026-10-01"))
    run = run_cli(["check", "--now", NOW, "--format", "markdown"], capsys, monkeypatch, repo)
    assert "| SL301 shiftleft-waivers.yaml:2 | checkout | architecture-board | 2026-12-15 | in 20 days |" in run.out
    assert "| SL315 shiftleft-waivers.yaml:3 | checkout | architecture-board | 2026-10-01 | expired 55 days ago |" \
        in run.out  # fmt: skip
    assert "| high (waived) | SL301 rto-within-tier |" in run.out
    run = run_cli(["check", "--now", NOW, "--format", "html"], capsys, monkeypatch, repo)
    assert '<span class="pill warn" title="">expiring</span>' in run.out
    assert (
        'title="waiver for SL315 on checkout expired on 2026-10-01; it no longer accepts the risk">expired' in run.out
    )


def test_changing_the_waiver_file_checks_every_service_in_the_hook(repo: Path, capsys, monkeypatch) -> None:
    write(repo, WAIVERS, "waivers:\n" + waiver(expires="2026-10-31"))
    code, doc = check(repo, capsys, monkeypatch, "--changed", WAIVERS)
    assert code == 1
    assert [s["name"] for s in doc["services"]] == ["checkout", "search"]
    assert [f["rule"] for f in doc["findings"] if f["failing"]] == ["SL301", "SL904"]
