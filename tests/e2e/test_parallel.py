"""`shiftleft.parallel` where it is slow by design: generated catalogs of 150 and 61 services in 1, 2 and 3
processes, one process per manifest (40 forks), the time limit that kills the workers (a 2 s wait) and an evidence
run in which checkov really scans (tests/unit/test_parallel.py holds the rest, on smaller catalogs)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from shiftleft import parallel
from shiftleft.main import main
from shiftleft.manifest import model
from tests.helpers import NOW
from tests.parallel_helpers import awkward_catalog, reports, same_in_every_number_of_processes


@pytest.mark.parametrize(("services", "seed", "fanout"), [(150, 0, 3), (61, 7, 5)])
def test_a_generated_catalog_gives_the_same_reports_in_every_number_of_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], services: int, seed: int,
    fanout: int,
) -> None:  # fmt: skip
    same_in_every_number_of_processes(tmp_path / "catalog", services, seed, fanout, monkeypatch, capsys)


def test_one_process_per_manifest_decides_what_crosses_the_parts_as_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The awkward catalog of tests/unit/test_parallel.py (checked there in 2, 3 and 5 processes) in 40."""
    awkward = awkward_catalog(tmp_path / "awkward")
    code, one = reports(awkward, 1, monkeypatch, capsys)
    assert code == 1
    assert reports(awkward, 40, monkeypatch, capsys) == (code, one)


def test_the_time_limit_stops_the_workers_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Waits for the 2 s limit: slow by design."""
    awkward = awkward_catalog(tmp_path / "awkward")
    parent, load, pids = os.getpid(), model.load, tmp_path / "pids"

    def slow(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            with pids.open("a") as fh:
                fh.write(f"{os.getpid()}\n")
            time.sleep(60)  # killed when the parent's time limit fires
        return load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(model, "load", slow)
    monkeypatch.setenv(parallel.ENV, "2")
    monkeypatch.chdir(awkward)
    capsys.readouterr()
    assert main(["check", ".", "--now", NOW, "-q", "--timeout", "2"]) == 2
    assert capsys.readouterr() == ("", (
        "shiftleft: error: timeout: the run took longer than 2 s and was stopped while checking 40 manifests in "
        "2 processes; no report was written (raise --timeout or `timeout` in configuration)\n"
    ))  # fmt: skip
    (child,) = {int(line) for line in pids.read_text().split()}
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # already reaped: killed, not left running
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


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
