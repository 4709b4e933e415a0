"""Streamed reports of a generated catalog of 150 services (tests/formatters/streaming.py), slow by design: every
format at once through the command line, and what writing the html and markdown reports allocates at its peak
(tracemalloc). tests/unit/formatters/test_streaming.py compares the streams with their whole-document builders.

The command line's outputs' SHA-256 (with the random parts normalised: SARIF's automation id and source root, the
github format's stop-commands token) were recorded from the formatters that built one string, before streaming.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tracemalloc
from pathlib import Path

import pytest

from shiftleft import formatters
from shiftleft.main import main
from shiftleft.results import RunResult
from tests.formatters import streaming
from tests.formatters.streaming import Recorder
from tests.helpers import NOW, TESTS

FORMATS = ("text", "github", "json", "sarif", "junit", "markdown", "html")
HASHES = TESTS / "formatters" / "snapshots" / "streaming-150.sha256.json"
UPDATE = os.environ.get("SHIFTLEFT_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return streaming.catalog(tmp_path_factory.mktemp("catalog150"))


@pytest.fixture(scope="module")
def result(catalog: Path) -> RunResult:
    return streaming.result(catalog)


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
