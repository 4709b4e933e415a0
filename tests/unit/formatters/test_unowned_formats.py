"""Findings of no service (deployables no manifest claims, SL822-SL824) in every format, the governance step,
the result file and `merge`: each shows them once, as belonging to no service."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET  # parses only what the formatter under test wrote
from pathlib import Path

import jsonschema

from shiftleft import formatters, merging, resultfile
from shiftleft.findings import Finding, Location, Severity, Waiver
from shiftleft.formatters import github, html, junit, portfolio, sarif
from shiftleft.governance import apply as apply_mod
from shiftleft.results import RunResult
from tests.formatters import results as fixture
from tests.helpers import ROOT, TESTS

UNOWNED = (
    Finding("SL822", "unowned-kubernetes-workload", Severity.HIGH, "evidence", "", Location("deploy/web.yaml", 5, 1),
            "Deployment 'web' in deploy/web.yaml is in no service's spec.paths.infrastructure", "Run shiftleft init."),
    Finding("SL823", "unowned-terraform-root", Severity.HIGH, "evidence", "", Location("infra/main.tf", 1, 1),
            "Terraform root infra/ (main.tf) is in no service's spec.paths.infrastructure", "Run shiftleft init."),
)  # fmt: skip


def with_unowned(unowned: tuple[Finding, ...] = UNOWNED) -> RunResult:
    result = fixture.run_result()
    every = tuple(sorted((*result.findings, *unowned), key=Finding.sort_key))
    return result._replace(findings=every, unowned=unowned)


def render(name: str, result: RunResult) -> str:
    return formatters.get(name)(result, formatters.Options())


def test_text_lists_them_after_the_services_and_counts_them() -> None:
    lines = render("text", with_unowned()).splitlines()
    start = lines.index("no service (deployables no manifest claims): 2 findings")
    assert lines[start + 1] == (
        "deploy/web.yaml:5:1: HIGH SL822 unowned-kubernetes-workload "
        "Deployment 'web' in deploy/web.yaml is in no service's spec.paths.infrastructure"
    )
    assert lines[start + 2].startswith("infra/main.tf:1:1: HIGH SL823 unowned-terraform-root ")
    assert lines[-1].startswith("7 findings in 3 of 4 services and 2 of no service (")
    assert render("text", fixture.run_result()).count("no service") == 0


def test_json_marks_them_with_no_service_and_stays_valid() -> None:
    document = json.loads(render("json", with_unowned()))
    schema = json.loads((ROOT / "shiftleft" / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)
    assert document["run"]["unowned"] == 2 and document["run"]["findings"] == 7
    mine = [f for f in document["findings"] if f["service"] == ""]
    assert [(f["rule"], f["location"]["file"], f["location"]["line"], f["failing"]) for f in mine] == [
        ("SL822", "deploy/web.yaml", 5, True),
        ("SL823", "infra/main.tf", 1, True),
    ]
    indexes = {i for s in document["services"] for i in s["findings"]}
    assert not any(document["findings"][i]["service"] == "" for i in indexes)


def test_sarif_results_are_schema_valid() -> None:
    log = json.loads(render("sarif", with_unowned()))
    schema = json.loads((TESTS / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))  # = shared/
    jsonschema.validate(log, schema)
    results = [r for r in log["runs"][0]["results"] if r["properties"]["service"] == ""]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        ("SL822", "deploy/web.yaml"),
        ("SL823", "infra/main.tf"),
    ]
    assert all("logicalLocations" not in r["locations"][0] for r in results)


def test_junit_has_one_suite_of_no_service() -> None:
    root = ET.fromstring(render("junit", with_unowned()))  # noqa: S314 - our own output
    suite = root.findall("testsuite")[-1]
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("(no service)", "2", "2")
    assert [c.get("name") for c in suite.findall("testcase")] == [
        "SL822 unowned-kubernetes-workload",
        "SL823 unowned-terraform-root",
    ]
    assert [p.get("name") for p in suite.iter("property")] == ["fail_on", "now", "shiftleft"]
    assert root.get("failures") == str(sum(int(s.get("failures") or 0) for s in root.findall("testsuite")))


def test_github_annotations_say_no_service() -> None:
    lines = render("github", with_unowned()).splitlines()
    assert "::error file=deploy/web.yaml,line=5,col=1,title=SL822 unowned-kubernetes-workload::Deployment 'web' in " \
        "deploy/web.yaml is in no service's spec.paths.infrastructure [high, no service]" in lines


def test_markdown_and_html_have_a_section_and_no_portfolio_column() -> None:
    result = with_unowned()
    text = render("markdown", result)
    assert "**7 findings** in **3 of 4 services** and **2 of no service**" in text
    section = text[text.index("### Deployables no manifest claims") :]
    assert "| high | SL822 unowned-kubernetes-workload | deploy/web.yaml:5:1 | Deployment 'web' in" in section
    view = portfolio.build(result)
    assert view.unowned == UNOWNED and "evidence" not in view.categories
    assert "<h2>Deployables no manifest claims" in html.render(result, formatters.Options())
    assert "Deployables no manifest claims" not in render("markdown", fixture.run_result())


def test_a_waiver_cannot_accept_them_the_baseline_can() -> None:
    result = with_unowned()
    waiver = Waiver("SL822", "", "r", "board", "T-1", dt.date(2027, 1, 1), "w.yaml:1")
    inputs = apply_mod.Inputs(cwd=Path("/nonexistent"), waiver_file=None, waiver_display="", inline_limit=None,
                              max_days={}, severity={}, scoped=False, baseline=frozenset({UNOWNED[1].fingerprint}),
                              baseline_display="base.json")  # fmt: skip
    accepted = apply_mod._accept(UNOWNED[0], [waiver], inputs)
    assert accepted.waiver is None  # no waiver names service ""; waivers.judge reports one that tries (SL901/SL902)
    out = apply_mod.apply(result, inputs)
    assert [(f.rule, f.waiver.kind if f.waiver else None) for f in out.unowned] == [
        ("SL822", None),
        ("SL823", "baseline"),
    ]
    assert out.findings.count(out.unowned[1]) == 1 and len(out.findings) == len(result.findings)
    assert UNOWNED[1].fingerprint == Finding("SL823", "x", Severity.LOW, "evidence", "", Location("infra/main.tf", 9),
                                             "other text").fingerprint  # rule and file only  # fmt: skip


def test_result_file_round_trip_and_merge_keep_one_copy() -> None:
    result = with_unowned()
    shown = "r.json"
    path = Path(__file__).parent / "never-written.json"
    rebuilt = resultfile._result(json.loads(render("json", result)))
    assert rebuilt.unowned == result.unowned and rebuilt.findings == result.findings
    one = rebuilt._replace(services=rebuilt.services[:2], shard=(1, 2))
    two = rebuilt._replace(services=rebuilt.services[2:], shard=(2, 2))
    two = two._replace(findings=tuple(f for s in two.services for f in s.findings), unowned=())
    merged = merging.combine([(shown, one), (str(path), two)])
    assert merged.unowned == result.unowned and merged.findings == result.findings
    twice = merging.combine([(shown, one._replace(shard=None)), (str(path), two._replace(shard=None,
                                                                                         unowned=UNOWNED))])  # fmt: skip
    assert twice.unowned == UNOWNED and len(twice.findings) == len(result.findings)
    assert sarif.log(merged, "id")["runs"][0]["results"] == sarif.log(result, "id")["runs"][0]["results"]
    assert github.render(merged, formatters.Options()).count("no service") >= 2
    assert junit.render(merged, formatters.Options()) == junit.render(result, formatters.Options())
