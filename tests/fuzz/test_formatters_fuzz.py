"""Every formatter, for any finding set: SARIF schema-valid, JUnit and HTML well-formed, JSON exact,
github and text free of forged workflow commands and of escape sequences."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import re
import xml.etree.ElementTree as ET  # parses only what the formatter under test wrote
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from shiftleft import formatters
from shiftleft.findings import Finding, Location, Severity, Waiver
from shiftleft.formatters import github
from shiftleft.results import RunResult, ServiceResult
from tests import actions_runner
from tests.formatters import results as fixture

HOSTILE = st.sampled_from([
    "::error::forged", "\n::add-mask::x", "##[set-output name=a]b", "\x1b[31m", "\x1b]8;;http://e\x07", "\r",
    "<script>alert(1)</script>", "]]>", "&amp;", "[x](https://evil.example)", "@everyone", "`", "|", "%0A",
    "\u202e", "\u2028", "\0", "\x7f", "{{ 7*7 }}", "'\"", "\t", "\\",
])  # fmt: skip
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=8)), max_size=5).map("".join)
WAIVER = st.builds(
    Waiver, rule=TEXT, service=TEXT, reason=TEXT, approved_by=TEXT, ticket=TEXT,
    expires=st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1))), source=TEXT,
)  # fmt: skip


@st.composite
def results(draw: st.DrawFn) -> RunResult:
    services = []
    for index in range(draw(st.integers(0, 4))):
        name, file = f"{draw(TEXT)}-{index}", f"{draw(TEXT)}/{index}/shiftleft.yaml"
        findings = []
        for _ in range(draw(st.integers(0, 8))):
            rule = draw(st.sampled_from(fixture.CATALOG))
            location = Location(draw(st.one_of(st.just(file), TEXT)), draw(st.integers(0, 10**6)),
                                draw(st.integers(0, 500)), draw(TEXT))  # fmt: skip
            findings.append(Finding(rule.id, rule.name, draw(st.sampled_from(list(Severity))), rule.category, name,
                                    location, draw(TEXT), draw(TEXT), waiver=draw(st.one_of(st.none(), WAIVER))))  # fmt: skip
        raw = {"metadata": {"name": name, "owner": draw(TEXT), "description": draw(TEXT)},
               "spec": {"tier": draw(st.sampled_from([0, 1, 3, 7]))}}  # fmt: skip
        tier = draw(st.one_of(st.none(), st.sampled_from([0, 1, 3])))
        services.append(ServiceResult(name, file, tier, draw(st.booleans()), tuple(findings), raw))
    found = tuple(sorted((f for s in services for f in s.findings), key=Finding.sort_key))
    fail_on = draw(st.sampled_from(list(Severity)))
    return RunResult(tuple(services), found, fail_on, fixture.NOW, rules=4, tiers=fixture.TIERS,
                     catalog=fixture.CATALOG)  # fmt: skip


def render(name: str, result: RunResult) -> str:
    return formatters.get(name)(result, formatters.Options(verbosity=1))


@cache
def sarif_validator() -> Any:
    shared = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    vendored = Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json"
    schema = json.loads((shared if shared.exists() else vendored).read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@given(results())
def test_sarif_is_valid(result: RunResult) -> None:
    sarif_validator().validate(json.loads(render("sarif", result)))


@given(results())
def test_junit_parses(result: RunResult) -> None:
    root = ET.fromstring(render("junit", result))  # noqa: S314
    assert sum(1 for _ in root.iter("failure")) <= len(result.findings)


class _Balance(html.parser.HTMLParser):
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


@given(results())
def test_html_is_well_formed_and_inert(result: RunResult) -> None:
    page = render("html", result)
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.stack == []
    assert "script" not in parser.tags and "img" not in parser.tags


@given(results())
def test_json_keeps_every_message_exactly(result: RunResult) -> None:
    doc = json.loads(render("json", result))
    assert sorted(f["message"] for f in doc["findings"]) == sorted(f.message for f in result.findings)


@given(results())
def test_text_acts_on_nothing_and_has_no_escapes(result: RunResult) -> None:
    out = render("text", result)
    assert actions_runner.commands(out) == []
    assert not CONTROL.search(out)


@given(results())
def test_github_acts_only_on_its_own_annotations(result: RunResult) -> None:
    out = render("github", result)
    acted = actions_runner.commands(out)
    counted = len(github._annotated(result.findings))
    hidden = len(result.findings) - counted
    assert [c.name for c in acted if c.name != "notice" or "title" not in c.properties
            or c.properties["title"] != "shiftleft"].__len__() == counted  # fmt: skip
    assert {c.name for c in acted} <= {"error", "warning", "notice"}
    assert sum(1 for c in acted if c.properties.get("title") == "shiftleft") == (1 if hidden else 0)
    assert not CONTROL.search(out)


@given(results())
def test_markdown_has_no_escapes(result: RunResult) -> None:
    out = render("markdown", result)
    assert not CONTROL.search(out)
    assert actions_runner.commands(out) == []


def test_equal_findings_are_two_annotations_and_no_hidden_notice() -> None:
    """Found by the fuzzer: two equal findings counted once, so a notice said one was not annotated."""
    base = fixture.run_result()
    twice = (base.findings[0], base.findings[0])
    result = base._replace(findings=twice)
    acted = actions_runner.commands(render("github", result))
    assert [c.name for c in acted] == ["error", "error"]
