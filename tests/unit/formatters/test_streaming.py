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
import xml.etree.ElementTree as ET  # serialises the reference tree the formatter under test must equal
from pathlib import Path

import pytest

from shiftleft import formatters, pipeline, resultfile
from shiftleft.formatters import json as json_format
from shiftleft.formatters import junit, sarif
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
