"""Mutants of shiftleft/governance/compare.py: `report --compare` against a previous JSON report, each change's
kind, order and frameworks, and the reports refused (issue 14)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from shiftleft.errors import ConfigError
from shiftleft.governance import compare
from shiftleft.results import Change
from tests.unit.governance.findings_for import accepted, finding, run

CATALOG = (SimpleNamespace(id="SL301", frameworks=("soc2",)), SimpleNamespace(id="SL302", frameworks=()))


def entry(f, waived: bool = False, **extra) -> dict:
    return {"fingerprint": f.fingerprint, "rule": f.rule, "service": f.service, "message": f.message,
            "waiver": {"kind": "waiver"} if waived else None, **extra}  # fmt: skip


def test_each_kind_of_change_in_order() -> None:
    same, new, waived, expired = (finding("SL301", "b"), finding("SL399", "a"), finding("SL301", "a", "spec.w", accepted()),
                                  finding("SL302", "b", "spec.e"))  # fmt: skip
    new_waived = finding("SL302", "c", "spec.n", accepted())
    fixed = finding("SL301", "a", "spec.gone")
    previous = {"findings": [entry(same), entry(waived), entry(expired, waived=True), entry(fixed), "junk",
                             {"fingerprint": 5}, {"fingerprint": "ffffffffffffffff"}],
                "run": {"now": "2026-11-01T09:00:00+00:00"}}  # fmt: skip
    result = compare.compare(run(same, new, waived, expired, new_waived, catalog=CATALOG), previous, "old.json")
    assert result.comparison.previous == "old.json (2026-11-01)"
    assert result.comparison.changes == (
        Change("new", "SL399", "a", "SL399 in a", ()),
        Change("expired", "SL302", "b", "SL302 in b", ()),
        Change("waived", "SL301", "a", "SL301 in a", ("soc2",)),
        Change("waived", "SL302", "c", "SL302 in c", ()),
        Change("fixed", "", "", "", ()),
        Change("fixed", "SL301", "a", "SL301 in a", ("soc2",)),
    )


def test_waived_sorts_after_expired_and_before_fixed_whatever_the_service() -> None:
    expired, waived = finding("SL301", "z"), finding("SL301", "m", "spec.w", accepted())
    gone = finding("SL302", "a", "spec.g")
    previous = {"findings": [entry(expired, waived=True), entry(waived), entry(gone)]}
    changes = compare.compare(run(expired, waived), previous, "p").comparison.changes
    assert [c.kind for c in changes] == ["expired", "waived", "fixed"]


@pytest.mark.parametrize(("run_value", "label"), [({"now": "2026-10-01T00:00:00Z"}, "p (2026-10-01)"), ({}, "p"),
                                                  ("2026-10-01", "p"), (None, "p")])  # fmt: skip
def test_the_previous_report_is_labelled_with_its_date(run_value, label: str) -> None:
    previous = {"findings": []} if run_value is None else {"findings": [], "run": run_value}
    assert compare.compare(run(), previous, "p").comparison == (label, ())


def refused(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        compare.load(path, "prev.json")
    return e.value


def test_reports_that_cannot_be_used(tmp_path: Path) -> None:
    e = refused(tmp_path / "missing.json")
    assert (e.file, e.message) == ("prev.json", "--compare: cannot read the previous report: No such file or directory")
    (tmp_path / "bad.json").write_bytes(b"{nope")
    e = refused(tmp_path / "bad.json")
    assert (e.file, e.message) == ("prev.json", "--compare: not a JSON report: Expecting property name enclosed in "
                                                "double quotes")  # fmt: skip
    (tmp_path / "bad.json").write_bytes(b'{"a": "\xff"}')
    e = refused(tmp_path / "bad.json")
    assert (e.file, e.message) == (
        "prev.json",
        "--compare: not a JSON report: 'utf-8' codec can't decode byte 0xff in position 7: invalid start byte",
    )
    (tmp_path / "ok.json").write_text('{"schema": "shiftleft/report-v1", "findings": []}')
    assert compare.load(tmp_path / "ok.json", "p") == {"schema": "shiftleft/report-v1", "findings": []}
