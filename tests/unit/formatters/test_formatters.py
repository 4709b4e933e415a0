"""Every output format, from the one shared results fixture (tests/formatters/results.py).

Machine formats are parsed and checked field by field (JSON and SARIF also
against their schemas); Markdown is compared with a reviewed snapshot in
tests/formatters/snapshots/, HTML by its view model (tests/unit/formatters/test_html_view.py) and its
structure in a browser (tests/e2e/test_report_browser.py). Regenerate snapshots after an intended change with
`SHIFTLEFT_UPDATE_SNAPSHOTS=1 python -m pytest tests/unit` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET  # parses only what the formatter under test wrote
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from shiftleft import __version__, formatters
from shiftleft.findings import Severity
from shiftleft.formatters import github, markdown, sarif
from shiftleft.results import RunResult
from tests.formatters import results as fixture
from tests.helpers import NOW, ROOT, TESTS, good_manifest, run_cli, write

SNAPSHOTS = TESTS / "formatters" / "snapshots"
REPORT_SCHEMA = ROOT / "shiftleft" / "schema" / "report.schema.json"
SARIF_VENDORED = TESTS / "schemas" / "sarif-schema-2.1.0.json"
SARIF_SHARED = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
UPDATE = os.environ.get("SHIFTLEFT_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture
def result() -> RunResult:
    return fixture.run_result()


def render(name: str, result: RunResult) -> str:
    return formatters.get(name)(result, formatters.Options())


def snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        if not UPDATE and os.environ.get("CI") == "true":
            pytest.fail(f"snapshot {name} is missing; generate it with SHIFTLEFT_UPDATE_SNAPSHOTS=1")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; review and regenerate the snapshot"


# -- registry -----------------------------------------------------------------------------------------


def test_registry_names_every_format() -> None:
    assert formatters.NAMES == ("text", "github", "json", "sarif", "junit", "markdown", "html")
    for name in formatters.NAMES:
        assert callable(formatters.get(name))


# -- json ---------------------------------------------------------------------------------------------


def test_json_validates_against_the_shipped_schema(result: RunResult) -> None:
    document = json.loads(render("json", result))
    schema = json.loads(REPORT_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(document)) == []


def test_json_content(result: RunResult) -> None:
    document = json.loads(render("json", result))
    assert document["schema"] == "shiftleft/report-v1"
    assert document["tool"] == {"name": "shiftleft", "version": __version__}
    # What `shiftleft merge` rebuilds the result from (decision 0015).
    assert document["run"].pop("shard") is None
    assert document["run"].pop("tiers") == {str(n): dict(row) for n, row in result.tiers.items()}
    assert [r["id"] for r in document.pop("rules")] == [r.id for r in result.catalog]
    for entry, service in zip(document["services"], result.services, strict=True):
        assert entry.pop("manifest") == dict(service.raw)
        assert [document["findings"][i]["message"] for i in entry.pop("findings")] == [
            f.message for f in service.findings
        ]
    assert document["run"] == {
        "now": "2026-11-25T00:00:00+00:00",
        "fail_on": "high",
        "rules_evaluated": 4,
        "passed": False,
        "services": 4,
        "findings": 5,
        "failing": 3,
        "waived": 0,
        "unowned": 0,
        "counts": {"critical": 1, "high": 2, "medium": 1, "low": 1, "info": 0},
    }
    assert document["services"][1] == {
        "name": "checkout",
        "file": "services/checkout/shiftleft.yaml",
        "tier": 1,
        "valid": True,
        "passed": False,
        "counts": {"critical": 0, "high": 2, "medium": 1, "low": 0, "info": 0},
    }
    assert document["services"][0]["tier"] is None
    rto = next(f for f in document["findings"] if f["rule"] == "SL301")
    assert rto == {
        "rule": "SL301",
        "name": "rto-within-tier",
        "severity": "high",
        "category": "continuity",
        "service": "checkout",
        "location": {"file": "services/checkout/shiftleft.yaml", "line": 13, "col": 10, "path": "spec.continuity.rto"},
        "message": "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h",
        "remediation": "Fix rto-within-tier: change `spec.continuity.rto` and re-test.",
        "fingerprint": next(f.fingerprint for f in result.findings if f.rule == "SL301"),
        "failing": True,
        "evidence": {},
        "waiver": None,
    }
    assert [(f["rule"], f["failing"]) for f in document["findings"]] == [
        ("SL001", True),
        ("SL401", False),
        ("SL202", True),
        ("SL301", True),
        ("SL701", False),
    ]
    assert document["errors"] == []
    assert (document["waivers"], document["policy_changes"]) == ([], [])


def test_json_schema_is_documented() -> None:
    doc = (ROOT / "docs" / "report-json.md").read_text()
    schema = json.loads(REPORT_SCHEMA.read_text())
    for key in schema["required"] + schema["properties"]["findings"]["items"]["required"]:
        assert f"`{key}`" in doc, key


# -- sarif --------------------------------------------------------------------------------------------


def _sarif_schema() -> dict[str, Any]:
    path = SARIF_VENDORED if SARIF_VENDORED.exists() else SARIF_SHARED
    schema: dict[str, Any] = json.loads(path.read_text())
    return schema


def test_vendored_sarif_schema_matches_the_shared_copy() -> None:
    if not SARIF_SHARED.exists():
        pytest.skip("no ../shared/schemas next to this checkout")
    assert json.loads(SARIF_VENDORED.read_text()) == json.loads(SARIF_SHARED.read_text())


@pytest.mark.parametrize("which", ["fixture", "clean"])
def test_sarif_validates_against_the_official_schema(result: RunResult, which: str) -> None:
    if which == "clean":
        result = fixture.run_result(tuple(s for s in result.services if not s.findings))
    log = json.loads(render("sarif", result))
    validator = jsonschema.Draft4Validator(_sarif_schema())
    assert [e.message for e in validator.iter_errors(log)] == []
    if which == "clean":
        assert log["runs"][0]["results"] == []


def test_sarif_rules_results_and_locations(result: RunResult, tmp_path: Path) -> None:
    log = sarif.log(result, automation_id="shiftleft/test", root=tmp_path)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("shiftleft", __version__)
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["SL001", "SL202", "SL301", "SL401", "SL701"]  # each rule once
    rto = driver["rules"][2]
    assert rto["shortDescription"] == {"text": "Summary of rto-within-tier"}
    assert rto["fullDescription"] == {"text": "Why rto-within-tier matters: continuity is set by the business."}
    assert rto["help"]["text"] == "Fix rto-within-tier: change `spec.continuity.rto` and re-test."
    assert "## References\n\n- NIST SP 800-53 Rev. 5: CP-2\n" in rto["help"]["markdown"]
    assert "```yaml\nspec:\n  tier: 1\n```" in rto["help"]["markdown"]
    assert rto["helpUri"] == sarif.RULE_DOCS + "SL301.md"
    assert rto["helpUri"].endswith("/docs/rules/SL301.md")
    assert rto["defaultConfiguration"] == {"level": "error"}
    assert rto["properties"]["security-severity"] == "8.0"
    assert rto["properties"]["tags"] == ["shiftleft", "continuity", "nist-800-53", "dora"]
    assert run["automationDetails"] == {"id": "shiftleft/test"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    by_rule = {r["ruleId"]: r for r in run["results"]}
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
    assert by_rule["SL301"]["level"] == "error"
    assert by_rule["SL301"]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "services/checkout/shiftleft.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 13, "startColumn": 10},
    }
    assert by_rule["SL301"]["partialFingerprints"] == {
        "shiftleftFingerprint/v1": next(f.fingerprint for f in result.findings if f.rule == "SL301")
    }
    # A finding on the whole file has no region (GitHub rejects line 0).
    assert "region" not in by_rule["SL401"]["locations"][0]["physicalLocation"]
    levels = {r["ruleId"]: (r["level"], r["properties"]["security-severity"]) for r in run["results"]}
    assert levels == {
        "SL001": ("error", "9.5"),
        "SL202": ("error", "8.0"),
        "SL301": ("error", "8.0"),
        "SL401": ("warning", "5.5"),
        "SL701": ("note", "3.0"),
    }


def test_sarif_automation_id_is_distinct_per_invocation(result: RunResult) -> None:
    first = json.loads(render("sarif", result))["runs"][0]["automationDetails"]["id"]
    second = json.loads(render("sarif", result))["runs"][0]["automationDetails"]["id"]
    assert first != second
    assert re.fullmatch(r"shiftleft/\d{8}T\d{6}Z-[0-9a-f]{8}", first)


def test_sarif_uri_is_percent_encoded(result: RunResult) -> None:
    assert sarif._artifact("a dir/x#1%.yaml") == {"uri": "a%20dir/x%231%25.yaml", "uriBaseId": "%SRCROOT%"}


# -- junit --------------------------------------------------------------------------------------------


def test_junit_is_well_formed_with_one_case_per_service_and_rule(result: RunResult) -> None:
    text = render("junit", result)
    assert "\x1b" not in text
    root = ET.fromstring(text)  # noqa: S314 - our own output
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("13", "3", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == ["broken", "checkout", "payments", "search"]
    checkout = suites["checkout"]
    names = [c.get("name") for c in checkout.findall("testcase")]
    assert names == [
        "SL202 slo-at-tier-floor",
        "SL301 rto-within-tier",
        "SL401 runbook-exists",
        "SL701 dependency-known",
    ]
    assert {c.get("classname") for c in checkout.findall("testcase")} == {"checkout"}
    props = {p.get("name"): p.get("value") for p in checkout.find("properties") or []}
    assert props["tier"] == "1" and props["fail_on"] == "high"
    rto = checkout.findall("testcase")[1]
    failure = rto.find("failure")
    assert failure is not None
    assert (rto.get("file"), rto.get("line")) == ("services/checkout/shiftleft.yaml", "13")
    assert failure.get("type") == "high"
    assert failure.get("message") == "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"
    assert failure.text is not None and failure.text.startswith(
        "services/checkout/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier: RTO 2h exceeds"
    )
    # Below --fail-on: the case passes and says why in system-out.
    runbook = checkout.findall("testcase")[2]
    assert runbook.find("failure") is None
    out = runbook.find("system-out")
    assert out is not None and out.text is not None and out.text.startswith("below --fail-on high: ")
    # An unreadable manifest: only the rule that fired, as a failure, the terminal escape removed.
    (broken,) = suites["broken"].findall("testcase")
    assert broken.get("name") == "SL001 invalid-yaml"
    failure = broken.find("failure")
    assert failure is not None and failure.get("message") == "YAML syntax error: <script>alert(1)</script> "
    assert len(suites["payments"].findall("testcase")) == 4
    assert suites["payments"].find("testcase/failure") is None


# -- github -------------------------------------------------------------------------------------------


def _guarded(lines: list[str]) -> tuple[list[str], list[str]]:
    """The lines before the stop-commands guard, and those inside it (checking the guard's shape)."""
    opened = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[opened].removeprefix("::stop-commands::")
    assert re.fullmatch("[0-9a-f]{32}", token)
    assert lines[-1] == f"::{token}::" and lines.count(f"::{token}::") == 1
    return lines[:opened], lines[opened + 1 : -1]


def test_github_annotations_exact(result: RunResult) -> None:
    text = render("github", result)
    commands, guarded = _guarded(text.splitlines())
    assert commands == [
        "::error file=services/broken/shiftleft.yaml,line=3,col=1,title=SL001 invalid-yaml::"
        "YAML syntax error: <script>alert(1)</script>  [critical, service services/broken/shiftleft.yaml]",
        "::warning file=services/checkout/shiftleft.yaml,title=SL401 runbook-exists::"
        "no runbook: line two, 100%25 sure [medium, service checkout]",
        "::error file=services/checkout/shiftleft.yaml,line=9,col=10,title=SL202 slo-at-tier-floor::"
        "SLO 99.9%25 is below the tier 1 floor of 99.95%25, owner @team-checkout | <b>bold</b> "
        "[high, service checkout]",
        "::error file=services/checkout/shiftleft.yaml,line=13,col=10,title=SL301 rto-within-tier::"
        "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h [high, service checkout]",
        "::notice file=services/search/shiftleft.yaml,line=14,col=7,title=SL701 dependency-known::"
        "dependency `ghost` is not in the catalog [low, service search]",
    ]
    # The whole text report, every finding, inside the guard.
    assert "\n".join(guarded) + "\n" == render("text", result)
    # A fresh token on every run.
    assert _guarded(render("github", result).splitlines())[1] == guarded
    assert render("github", result).splitlines()[-1] != text.splitlines()[-1]


def test_github_escaping() -> None:
    assert github.data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.prop("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert github.prop("%3A") == "%253A"  # an escape in the input stays literal


def test_github_limits_annotations_and_adds_a_notice() -> None:
    many = fixture.many_services(36)  # 12 failing services, 24 high findings
    commands, guarded = _guarded(render("github", many).splitlines())
    assert len(commands) == github.LIMIT + 1
    assert all(line.startswith("::error file=services/svc-") for line in commands[:-1])
    assert commands[-1] == (
        "::notice title=shiftleft::24 findings, 14 not annotated: GitHub shows at most 10 error and 10 warning "
        "annotations per step. All findings are in the log below, the job summary and the SARIF report."
    )
    # The findings past the limit are only in the guarded report, which has all 24.
    assert sum(1 for line in guarded if " HIGH SL" in line) == 24
    assert guarded[0] == "svc-00000 (tier 0, services/svc-00000/shiftleft.yaml): 2 findings"


def test_github_without_findings_prints_only_the_guarded_summary(result: RunResult) -> None:
    commands, guarded = _guarded(render("github", fixture.run_result(result.services[2:3])).splitlines())
    assert (commands, guarded) == ([], ["ok: 1 service checked, no findings"])
    quiet = formatters.get("github")(fixture.run_result(result.services[2:3]), formatters.Options(verbosity=-1))
    assert quiet == ""


def test_github_outputs_file_format(result: RunResult, tmp_path: Path) -> None:
    text = github.outputs(result, [("sarif", tmp_path / "a.sarif"), ("html", tmp_path / "x\ny=1.html")])
    lines = text.splitlines()
    assert lines[:7] == ["passed=false", "findings=5", "critical=1", "high=2", "medium=1", "low=1", "info=0"]
    assert re.fullmatch("sarif-file<<ghadelimiter_[0-9a-f]{32}", lines[7])
    delimiter = lines[7].split("<<")[1]
    assert lines[8:10] == [str(tmp_path / "a.sarif"), delimiter]
    # A path with a line break stays one value: it cannot add a `y` output.
    other = lines[10].split("<<")[1]
    assert other != delimiter
    assert lines[10:] == [f"html-file<<{other}", f"{tmp_path}/x", "y=1.html", other]


# -- markdown -----------------------------------------------------------------------------------------


def test_markdown_snapshot(result: RunResult) -> None:
    snapshot("summary.md", render("markdown", result))


def test_markdown_neutralises_manifest_text(result: RunResult) -> None:
    text = render("markdown", result)
    assert "<script>" not in text and "<b>" not in text
    assert "@team-checkout" not in text  # no notification
    assert "\\| &lt;b&gt;bold&lt;/b&gt;" in text  # a pipe cannot break the table
    assert text.startswith("## ❌ shiftleft: failed, 3 findings at or above `high`\n")


def test_mermaid_labels_are_sanitised() -> None:
    assert markdown.label('a"b]<c> *d* `e`') == "a#34;b#93;#60;c#62; #42;d#42; #96;e#96;"


def test_markdown_stays_under_the_step_summary_limit_on_10000_services() -> None:
    big = fixture.many_services(10_000)
    text = render("markdown", big)
    assert len(text.encode()) < 1024 * 1024
    assert "> **Truncated:**" in text
    assert "to stay under GitHub's 1 MiB job summary limit" in text
    assert "| … | | | | | | 3284 more failing services |" in text
    graph = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert len(graph) < markdown.MAX_GRAPH_CHARS
    assert "Showing 100 of 10000 services" in text


def test_markdown_passing_run() -> None:
    clean = fixture.run_result(fixture.SERVICES[2:3])
    text = render("markdown", clean)
    assert text.startswith("## ✅ shiftleft: passed\n\n**No findings** in 1 service, 4 rules evaluated")


# -- html ---------------------------------------------------------------------------------------------


def test_html_is_self_contained_and_escaped(result: RunResult) -> None:
    text = render("html", result)
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; ' in text
    assert "<script" not in text.lower()
    assert re.search(r"\s(href|src|srcset|action|formaction|xlink:href)=", text) is None
    assert re.search(r"url\((?!#arrow)", text) is None  # the only url() is the arrow marker
    assert "@import" not in text
    assert "Takes orders &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; charges | cards" in text
    assert "YAML syntax error: &lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_html_autoescape_and_sandbox() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from shiftleft.formatters.templating import html_env

    env = html_env()
    assert isinstance(env, SandboxedEnvironment)
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.get_template("report.html.j2").environment.autoescape("report.html.j2") is True


# -- command line -------------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Two services, one RTO finding; every other rule disabled so the catalog can grow freely."""
    from shiftleft.policy import catalog

    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    others = [r.id for r in catalog.load([catalog.shipped_folder()]).rules if not r.builtin and r.id != "SL301"]
    write(root, ".shiftleft.toml", f"disable = {json.dumps(others)}\n")
    write(root, "services/checkout/shiftleft.yaml", good_manifest("checkout", 1).replace("rto: 30m", "rto: 2h"))
    write(root, "services/catalog/shiftleft.yaml", good_manifest("catalog", 2))
    return root


def test_several_formats_in_one_run(repo: Path, capsys, monkeypatch) -> None:
    args = ["check", "--now", NOW, "--format", "text", "--format", "sarif=out/r.sarif",
            "--format", "markdown=out/summary.md", "--format", "html=out/report.html",
            "--format", "json=out/r.json", "--format", "junit=out/junit.xml"]  # fmt: skip
    run = run_cli(args, capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines[-1].endswith(": failed")
    out = repo / "out"
    assert json.loads((out / "r.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "SL301"
    assert (out / "summary.md").read_text().startswith("## ❌ shiftleft: failed")
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert json.loads((out / "r.json").read_text())["run"]["passed"] is False
    assert ET.parse(out / "junit.xml")  # noqa: S314 - our own output.getroot().get("failures") == "1"


def test_github_annotations_are_automatic_under_actions(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    run = run_cli(["check", "--now", NOW], capsys, monkeypatch, repo)
    assert run.code == 1
    assert run.lines[0] == (
        "::error file=services/checkout/shiftleft.yaml,line=13,col=10,title=SL301 rto-within-tier::"
        "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h [high, service checkout]"
    )
    commands, guarded = _guarded(run.lines)
    assert commands == run.lines[:1]
    assert guarded == [  # as docs/reports.md shows it
        "checkout (tier 1, services/checkout/shiftleft.yaml): 1 finding",
        "services/checkout/shiftleft.yaml:13:10: HIGH SL301 rto-within-tier RTO 2h exceeds the tier 1 "
        "(mission-critical) ceiling of 1h",
        "",
        "1 finding in 1 of 2 services (1 high); 1 at or above --fail-on high: failed",
    ]
    # An explicit --format wins over the automatic choice.
    run = run_cli(["check", "--now", NOW, "--format", "json"], capsys, monkeypatch, repo)
    assert json.loads(run.out)["schema"] == "shiftleft/report-v1"


def test_report_command_writes_html_and_exits_0_with_findings(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["report", "--now", NOW, "-o", "site/report.html"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.err == "shiftleft: wrote site/report.html (2 services, 1 findings)\n"
    html = (repo / "site/report.html").read_text()
    assert "Gate failed" in html and "checkout" in html
    run = run_cli(["report", "--now", NOW, "--format", "markdown", "-o", "-"], capsys, monkeypatch, repo)
    assert run.code == 0
    assert run.out.startswith("## ❌ shiftleft: failed")
    run = run_cli(["report", "--now", NOW], capsys, monkeypatch, repo)
    assert (run.code, (repo / "shiftleft-report.html").exists()) == (0, True)


def test_report_command_usage_errors_exit_2(repo: Path, capsys, monkeypatch) -> None:
    run = run_cli(["report", "--format", "pdf"], capsys, monkeypatch, repo)
    assert run.code == 2
    assert "invalid choice: 'pdf'" in run.err
    run = run_cli(["report", "--now", "tomorrow"], capsys, monkeypatch, repo)
    assert (run.code, run.err) == (
        2,
        "shiftleft: error: --now: 'tomorrow' is not a date (YYYY-MM-DD) or an RFC 3339 timestamp\n",
    )


def test_report_of_the_shop_example(capsys, monkeypatch, tmp_path: Path) -> None:
    run = run_cli(
        ["report", "examples/shop", "--now", NOW, "-o", str(tmp_path / "shop.html")], capsys, monkeypatch, ROOT
    )
    assert run.code == 0
    html = (tmp_path / "shop.html").read_text()
    for name in ("payments", "checkout", "catalog", "search", "notifications", "reporting-batch"):
        assert f"<h3>{name}</h3>" in html
    assert Severity.HIGH.value in html
