"""A catalog evaluated in several processes gives the single process's result, byte for byte (shiftleft.parallel):
small catalogs, in worker processes (the number of processes itself: tests/unit/test_parallel.py).

Each test runs `check` with `SHIFTLEFT_WORKERS=1` and with several processes on the same catalog and compares
the reports' bytes: generated catalogs (benchmarks/generate.py) and one with what crosses the parts (a name
used again in another part and in the same part, invalid manifests, an unknown tier, a placeholder, a file
that does not parse), also sharded. A worker that fails or dies fails the run (exit 3, no report).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shiftleft import engine, parallel
from shiftleft.evidence import process
from shiftleft.main import main
from tests.parallel_helpers import TERRAFORM_ROOTS, awkward_catalog, generate, same_in_every_number_of_processes
from tests.parallel_helpers import reports as _reports

NOW = "2026-11-25"
UNOWNED = (
    "orphan/main.tf:1:1: HIGH SL823 unowned-terraform-root Terraform root orphan/ (main.tf) is in no service's "
    "spec.paths.infrastructure: run `shiftleft init` for its service, or add its folder to the "
    "spec.paths.infrastructure of the manifest that owns it"
)


# 150 and 61 services: tests/e2e/test_parallel.py
@pytest.mark.parametrize(("services", "seed", "fanout"), [(20, 7, 5), (7, 3, 2)])
def test_a_generated_catalog_gives_the_same_reports_in_every_number_of_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], services: int, seed: int,
    fanout: int,
) -> None:  # fmt: skip
    same_in_every_number_of_processes(tmp_path / "catalog", services, seed, fanout, monkeypatch, capsys)


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    return awkward_catalog(tmp_path / "awkward")


def test_what_crosses_the_parts_is_decided_as_one_process_does(
    awkward: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, one = _reports(awkward, 1, monkeypatch, capsys)
    assert code == 1
    duplicates = [line for line in one["text"].splitlines() if " SL009 " in line]
    assert duplicates == [
        f"svc-000{n}/shiftleft.yaml:5:9: CRITICAL SL009 duplicate-service-name service name 'svc-00003' is already "
        "used by svc-00003/shiftleft.yaml; names are unique across the catalog"
        for n in (30, 32)
    ]
    assert [line for line in one["text"].splitlines() if " SL823 " in line] == [UNOWNED]
    for rule, service in (("SL006", 20), ("SL010", 15), ("SL015", 10), ("SL001", 25)):
        assert f"svc-{service:05d}/shiftleft.yaml:" in "".join(
            line for line in one["text"].splitlines() if f" {rule} " in line
        ), rule
    for workers in (2, 3, 5):  # 40, one process per manifest: tests/e2e/test_parallel.py
        assert _reports(awkward, workers, monkeypatch, capsys) == (code, one), workers


def test_a_git_repository_checked_whole_uses_every_process_with_the_same_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "repo"
    generate.generate(30, folder, seed=2, fanout=3)
    (folder / ".git").mkdir()  # `check .` then takes the whole repository, every manifest in focus
    calls = []
    evaluate = parallel.evaluate

    def counted(*args: object) -> object:
        calls.append(args[3])
        return evaluate(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "evaluate", counted)
    code, one = _reports(folder, 1, monkeypatch, capsys)
    assert (code, calls) == (1, [])
    assert _reports(folder, 3, monkeypatch, capsys) == (code, one)
    assert calls == [3]


def test_a_shard_gives_the_same_reports_in_several_processes(
    awkward: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for shard in ("1/3", "3/3"):
        code, one = _reports(awkward, 1, monkeypatch, capsys, "--shard", shard)
        assert _reports(awkward, 3, monkeypatch, capsys, "--shard", shard) == (code, one), shard


def _fail_in_a_child(monkeypatch: pytest.MonkeyPatch, display: str, how: str) -> None:
    """Make `Evaluation.add` fail on one manifest, in a forked child only."""
    parent, add = os.getpid(), engine.Evaluation.add

    def failing(self: engine.Evaluation, manifest: object) -> None:
        if os.getpid() != parent and getattr(manifest, "display", "") == display:
            if how == "die":
                os._exit(7)
            raise ValueError("boom in a worker")
        add(self, manifest)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.Evaluation, "add", failing)


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("raise", "shiftleft: internal error: ValueError: boom in a worker."),
        ("die", "shiftleft: internal error: RuntimeError: a worker process ended without its results "
                "(exit status 7)."),
    ],
)  # fmt: skip
def test_a_worker_that_fails_fails_the_run_without_a_report(
    awkward: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str, message: str
) -> None:
    _fail_in_a_child(monkeypatch, "svc-00035/shiftleft.yaml", how)
    monkeypatch.setenv(parallel.ENV, "2")
    monkeypatch.chdir(awkward)
    capsys.readouterr()
    code = main(["check", ".", "--now", NOW, "-q", f"--format=json={awkward / 'out.json'}"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith(message), err
    assert not (awkward / "out.json").exists()


def test_the_hook_and_evidence_runs_stay_in_one_process(
    awkward: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the terraform roots the evidence run has nothing for a scanner to read, so none starts here
    (unit tests run no scanner); tests/e2e/test_parallel.py runs checkov on them in one process."""

    def refuse(*_args: object) -> None:
        raise AssertionError("forked")

    def no_scanner(*_args: object) -> None:
        raise AssertionError("a scanner started")

    for claimed in TERRAFORM_ROOTS:
        (awkward / claimed).unlink()
    monkeypatch.setattr(parallel, "evaluate", refuse)
    monkeypatch.setattr(process, "_start", no_scanner)
    monkeypatch.setenv(parallel.ENV, "4")
    monkeypatch.chdir(awkward)
    assert main(["check", "--changed", "svc-00001/shiftleft.yaml", "--now", NOW, "-q"]) in (0, 1)
    assert main(["check", ".", "--now", NOW, "-q", "--evidence"]) == 1
    capsys.readouterr()
