"""Mutants of shiftleft/governance/baseline.py: the exact baseline file written, and every file refused with
its one-line error (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shiftleft.errors import ConfigError
from shiftleft.governance import baseline
from tests.unit.governance.findings_for import accepted, finding, run

FP = "0123456789abcdef"


def test_the_file_written_sorted_by_service_rule_fingerprint_without_waived_findings() -> None:
    result = run(finding("SL302", "zeta"), finding("SL301", "zeta", "", file="z.yaml"), finding("SL301", "ärger"),
                 finding("SL300", "a", waiver=accepted()), finding("SL309", "a", waiver=accepted("baseline")))  # fmt: skip
    entries = [(f.fingerprint, f.rule, f.service, f.location.path or f.location.file)
               for f in (result.findings[4], result.findings[1], result.findings[0], result.findings[2])]  # fmt: skip
    lines = ",\n".join(
        f'    {{\n      "fingerprint": "{fp}",\n      "rule": "{r}",\n      "service": "{s}",\n      "path": "{p}"\n    }}'
        for fp, r, s, p in entries
    )
    expected = f'{{\n  "schema": "shiftleft/baseline-v1",\n  "now": "2026-11-25",\n  "findings": [\n{lines}\n  ]\n}}\n'
    assert baseline.render(result) == expected


def test_fingerprints_of_the_same_service_and_rule_are_in_fingerprint_order() -> None:
    result = run(*(finding("SL301", "s", f"spec.p{i}") for i in range(6)))
    written = [e["fingerprint"] for e in json.loads(baseline.render(result))["findings"]]
    assert written == sorted(f.fingerprint for f in result.findings)


def document(*fingerprints: object) -> bytes:
    return json.dumps({"schema": "shiftleft/baseline-v1", "findings": [
        {"fingerprint": f} if f != "entry" else "entry" for f in fingerprints]}).encode()  # fmt: skip


def refused(content: bytes) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        baseline.read(Path("unused"), "main:base.json", content)
    return e.value


def test_read_gives_the_fingerprints() -> None:
    assert baseline.read(Path("unused"), "b", document(FP, FP, "fedcba9876543210")) == {FP, "fedcba9876543210"}


@pytest.mark.parametrize("bad", [5, "abc", "0123456789abcdeg", "0123456789ABCDEF", "entry", None])
def test_a_fingerprint_that_is_not_16_hex_digits_is_refused(bad: object) -> None:
    e = refused(document(FP, bad))
    assert (e.file, e.line, e.message) == ("main:base.json", 0, "findings[1]: fingerprint must be 16 hex digits")


def test_a_file_that_is_no_baseline_is_refused_naming_it() -> None:
    e = refused(b'{"schema": "shiftleft/report-v1", "findings": []}')
    assert (e.file, e.message) == ("main:base.json", "not a baseline file (expected schema 'shiftleft/baseline-v1'; "
                                                     "write one with `shiftleft baseline`)")  # fmt: skip


def test_invalid_json_or_utf8_is_refused_with_its_line() -> None:
    e = refused(b'{\n  "schema": x}')
    assert (e.file, e.line, e.message) == ("main:base.json", 2, "the baseline is not valid JSON: Expecting value")
    e = refused(b'{"a": "\xff"}')
    assert (e.file, e.line, e.message) == (
        "main:base.json",
        0,
        "the baseline is not valid JSON: 'utf-8' codec can't decode byte 0xff in position 7: invalid start byte",
    )
