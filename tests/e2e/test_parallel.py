"""`shiftleft.parallel` where it is slow by design: a generated catalog of 150 services in 1, 2 and 3 processes, and
an evidence run in which checkov really scans (tests/unit/test_parallel.py holds the rest, on smaller catalogs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shiftleft import parallel
from shiftleft.main import main
from tests.helpers import NOW
from tests.parallel_helpers import awkward_catalog, same_in_every_number_of_processes


@pytest.mark.parametrize(("services", "seed", "fanout"), [(150, 0, 3)])
def test_a_generated_catalog_gives_the_same_reports_in_every_number_of_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], services: int, seed: int,
    fanout: int,
) -> None:  # fmt: skip
    same_in_every_number_of_processes(tmp_path / "catalog", services, seed, fanout, monkeypatch, capsys)


def test_an_evidence_run_that_scans_stays_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("forked")

    awkward = awkward_catalog(tmp_path / "awkward")  # with terraform roots for checkov to scan
    monkeypatch.setattr(parallel, "evaluate", refuse)
    monkeypatch.setenv(parallel.ENV, "4")
    monkeypatch.chdir(awkward)
    out = tmp_path / "out.json"
    assert main(["check", ".", "--now", NOW, "-q", "--evidence", f"--format=json={out}"]) == 1
    assert "internal error" not in capsys.readouterr().err
    claims = json.loads(out.read_text(encoding="utf-8"))["run"]["evidence"]["claims"]
    assert sum(claims.values()) > 0  # the scanners ran and judged the claims
