"""Streamed reports are the reports as they were built whole (docs/decisions/0019-streaming-output.md).

A generated catalog of 150 services with about 12 findings each (benchmarks/generate.py, seed 0) is
checked with every format at once, each to its file. The outputs' SHA-256 (with the random parts
normalised: SARIF's automation id and source root, the github format's stop-commands token) were
recorded from the formatters that built one string, before streaming; the json, sarif and junit
streams are also compared with their whole-document builders, which stay.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import tracemalloc
import xml.etree.ElementTree as ET  # serialises the reference tree the formatter under test must equal
from pathlib import Path

import pytest

from shiftleft import formatters, pipeline, resultfile
from shiftleft.formatters import html, junit, markdown, portfolio, sarif, templating
from shiftleft.formatters import json as json_format
from shiftleft.formatters.safe import inert_json, inert_xml
from shiftleft.main import main
from shiftleft.results import RunResult

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402  # the benchmark corpus generator (standard library only)

FORMATS = ("text", "github", "json", "sarif", "junit", "markdown", "html")
HASHES = ROOT / "tests" / "formatters" / "snapshots" / "streaming-150.sha256.json"
UPDATE = os.environ.get("SHIFTLEFT_UPDATE_SNAPSHOTS") == "1"
NOW = "2026-11-25"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalog150")
    generate.generate(150, folder, seed=0, fanout=3)
    return folder


def _normalised(name: str, text: str, root: Path) -> str:
    if name == "sarif":
        text = re.sub(r'"id": "shiftleft/\d{8}T\d{6}Z-[0-9a-f]{8}"', '"id": "AUTOMATION"', text)
        text = text.replace(root.resolve().as_uri() + "/", "file:///ROOT/")
    if name == "github":
        token = re.search(r"^::stop-commands::([0-9a-f]{32})$", text, re.M)
        assert token is not None
        text = text.replace(token.group(1), "TOKEN")
    return text


def test_every_format_at_once_equals_the_whole_string_reports(
    catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(catalog)
    args = ["check", ".", "--now", NOW, "-q"]
    for name in FORMATS:
        args += ["--format", f"{name}={tmp_path / name}"]
    assert main(args) == 1
    digests = {}
    for name in FORMATS:
        text = (tmp_path / name).read_text(encoding="utf-8")
        digests[name] = hashlib.sha256(_normalised(name, text, catalog).encode()).hexdigest()
    findings = json.loads((tmp_path / "json").read_text(encoding="utf-8"))["run"]["findings"]
    assert findings > 1500  # many findings: every array streams many items
    if UPDATE or not HASHES.exists():
        if not UPDATE and os.environ.get("CI") == "true":
            pytest.fail(f"{HASHES.name} is missing; generate it with SHIFTLEFT_UPDATE_SNAPSHOTS=1")
        HASHES.write_text(json.dumps(digests, indent=2) + "\n", encoding="utf-8")
    assert digests == json.loads(HASHES.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(catalog: Path) -> RunResult:
    before = Path.cwd()
    os.chdir(catalog)
    try:
        outcome = pipeline.run(["."], config_file=None, fail_on=None, now=pipeline.parse_now(NOW), cwd=catalog,
                               evidence=False)  # fmt: skip
    finally:
        os.chdir(before)
    return outcome.result


def _streamed(name: str, result: RunResult) -> str:
    out = io.StringIO()
    formatters.writer(name)(result, formatters.Options(), out)
    return out.getvalue()


def test_json_stream_equals_the_document(result: RunResult) -> None:
    doc = resultfile.extend(json_format.document(result), result)
    whole = inert_json(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"
    assert _streamed("json", result) == whole


def test_sarif_stream_equals_the_log(result: RunResult, monkeypatch: pytest.MonkeyPatch) -> None:
    streamed = _streamed("sarif", result)
    automation = json.loads(streamed)["runs"][0]["automationDetails"]["id"]
    whole = sarif.log(result, automation_id=automation)
    assert streamed == inert_json(json.dumps(whole, indent=2, ensure_ascii=False)) + "\n"


def test_junit_stream_equals_the_tree(result: RunResult) -> None:
    tree = junit.document(result)
    ET.indent(tree)
    assert _streamed("junit", result) == inert_xml(ET.tostring(tree, encoding="unicode", xml_declaration=True)) + "\n"


def test_streamed_reports_of_an_empty_result(result: RunResult) -> None:
    empty = result._replace(services=(), findings=())
    assert _streamed("junit", empty).endswith(' skipped="0" />\n')
    assert json.loads(_streamed("json", empty))["services"] == []
    assert json.loads(_streamed("sarif", empty))["runs"][0]["results"] == []
    assert _streamed("text", empty._replace(services=(), findings=())) == "ok: 0 services checked, no findings\n"


class Recorder(io.StringIO):
    """Standard output as a formatter sees it, recording each write's length."""

    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []

    def write(self, text: str) -> int:
        self.sizes.append(len(text))
        return super().write(text)


def _written(name: str, result: RunResult) -> Recorder:
    out = Recorder()
    formatters.writer(name)(result, formatters.Options(), out)
    return out


def test_the_html_page_is_written_in_chunks_as_the_template_produces_it(result: RunResult) -> None:
    """Decision 0025: about CHUNK characters a write (a piece longer than that, such as one service's card, at
    most doubles it), never the page at once; and the pieces are the page jinja2 renders whole."""
    out = _written("html", result)
    page = out.getvalue()
    assert len(page) > 40 * templating.CHUNK  # the 150-service page is about 1.6 MB
    assert len(out.sizes) >= len(page) // (2 * templating.CHUNK)
    assert max(out.sizes) <= 2 * templating.CHUNK
    assert page.count('<article class="card ') == 150
    model = html.view_model(result)
    assert page == templating.html_env().get_template("report.html.j2").render(**model)
    assert html.render(result, formatters.Options()) == page


def test_the_markdown_summary_is_written_section_by_section(result: RunResult) -> None:
    """The head (about CHUNK characters a write, the mermaid source being one piece), then one write per service
    block: the summary is never one string; its text is what the whole-string formatter wrote (the digests above)."""
    out = _written("markdown", result)
    text = out.getvalue()
    blocks = text.count("<details><summary>❌ ") + text.count("<details><summary>⚠️ ")
    assert blocks > 100
    assert len(out.sizes) > blocks
    assert max(out.sizes) <= templating.CHUNK + markdown.MAX_GRAPH_CHARS
    assert max(out.sizes) < len(text) // 10
    assert markdown.render(result, formatters.Options()) == text


@pytest.mark.parametrize("name", ["html", "markdown"])
def test_a_report_holds_one_service_view_at_a_time(name: str, result: RunResult) -> None:
    """What writing a report allocates at its peak is a small part of the report: the services' views are
    built as the template reaches them and dropped. (Measured: 0.28 and 0.42 of the report for html and
    markdown; building every view first and the page as one string took 4.7 and 6.5 times the report.)"""
    out = Recorder()
    formatters.writer(name)(result, formatters.Options(), out)  # templates compiled, modules imported
    size = len(out.getvalue())
    tracemalloc.start()
    try:
        formatters.writer(name)(result, formatters.Options(), _Discard())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < size // 2, f"{name}: a peak of {peak:,} bytes for a report of {size:,} characters"


class _Discard(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


def test_views_built_on_demand_equal_and_order_as_before(result: RunResult) -> None:
    """Portfolio.services builds each view when read; its summaries, ranked() and clean() order the cards as
    `sort(attribute="rank")` over every view did."""
    view = portfolio.build(result)
    views = list(view.services)
    assert len(views) == len(view.services) == 150
    assert [(s.name, s.tier, s.status, len(s.findings)) for s in views] == [
        (s.name, s.tier, s.status, s.finding_count) for s in view.services.summaries
    ]
    assert [s.rank for s in views] == [s.rank for s in view.services.summaries]
    assert [s.name for s in view.ranked()] == [s.name for s in sorted((s for s in views if s.findings),
                                                                       key=lambda s: s.rank)]  # fmt: skip
    assert [s.name for s in view.clean()] == [s.name for s in views if not s.findings]
    assert view.with_findings == sum(1 for s in views if s.findings) > 100
    assert view.services[3] == views[3] and view.services[-1] == views[-1]
    assert view.services[1:3] == views[1:3]
