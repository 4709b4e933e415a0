"""Streamed reports are the reports as they were built whole (docs/decisions/0019-streaming-output.md).

On a generated catalog of 150 services with about 12 findings each (tests/formatters/streaming.py), the json,
sarif and junit streams are compared with their whole-document builders, which stay, and the html and markdown
reports are checked to be written piece by piece. tests/e2e/formatters/test_streaming.py checks the same catalog
with every format at once through the command line, against digests recorded from the formatters that built one
string before streaming, and measures what writing the html and markdown reports allocates at its peak.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET  # serialises the reference tree the formatter under test must equal

import pytest

from shiftleft import formatters, resultfile
from shiftleft.formatters import html, junit, markdown, portfolio, sarif, templating
from shiftleft.formatters import json as json_format
from shiftleft.formatters.safe import inert_json, inert_xml
from shiftleft.results import RunResult
from tests.formatters import streaming
from tests.formatters.streaming import Recorder


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return streaming.result(streaming.catalog(tmp_path_factory.mktemp("catalog150")))


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
