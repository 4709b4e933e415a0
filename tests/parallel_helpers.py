"""Helpers for the tests of `shiftleft.parallel` (tests/unit/test_parallel.py, tests/e2e/test_parallel.py): run
`check .` in N processes and compare every report's bytes with the single process's."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from shiftleft import parallel
from shiftleft.main import main
from tests.helpers import NOW, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # the benchmark corpus generator (standard library only)

FORMATS = ("text", "json", "sarif", "junit", "github")


def reports(folder: Path, workers: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            *extra: str) -> tuple[int, dict[str, str]]:  # fmt: skip
    """Exit code and every report of `check .` in `workers` processes (random parts normalised)."""
    monkeypatch.setenv(parallel.ENV, str(workers))
    monkeypatch.chdir(folder)
    out = folder.parent / f"out-{folder.name}-{workers}"
    capsys.readouterr()
    code = main(["check", ".", "--now", NOW, "-q", *extra, *(f"--format={f}={out / f}" for f in FORMATS)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    texts = {f: (out / f).read_text(encoding="utf-8") for f in FORMATS}
    texts["sarif"] = re.sub(r'"id": "shiftleft/\d{8}T\d{6}Z-[0-9a-f]{8}"', '"id": "AUTOMATION"', texts["sarif"])
    texts["github"] = re.sub(r"\b[0-9a-f]{32}\b", "TOKEN", texts["github"])
    return code, texts


def same_in_every_number_of_processes(
    folder: Path, services: int, seed: int, fanout: int, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """A generated catalog of `services` gives the same reports in 1, 2 and 3 processes."""
    generate.generate(services, folder, seed=seed, fanout=fanout)
    code, one = reports(folder, 1, monkeypatch, capsys)
    assert code == 1
    assert one["text"].count("\n") > services  # findings to compare, not an empty report
    for workers in (2, 3):
        assert reports(folder, workers, monkeypatch, capsys) == (code, one), workers


def _edit(folder: Path, service: int, old: str, new: str) -> None:
    path = folder / f"svc-{service:05d}" / "shiftleft.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


TERRAFORM_ROOTS = ("svc-00035/infra/main.tf", "svc-00002/infra/main.tf", "orphan/main.tf")
"""The awkward catalog's terraform roots: claimed by a manifest of the last part, of the first, and by none."""


def awkward_catalog(folder: Path) -> Path:
    """40 generated services, then: svc-00030 and svc-00032 take svc-00003's name (another part, with three
    processes, and twice in one part), svc-00020 has a wrong lifecycle, svc-00015 an unknown tier, svc-00010
    a placeholder and svc-00025 does not parse; terraform roots in the infra folders of svc-00002 and
    svc-00035 (claimed by manifests in the first and the last part) and in orphan/ (claimed by none)."""
    generate.generate(40, folder, seed=1, fanout=3)
    _edit(folder, 30, "name: svc-00030", "name: svc-00003")
    _edit(folder, 32, "name: svc-00032", "name: svc-00003")
    _edit(folder, 20, "lifecycle: production", "lifecycle: productoin")
    _edit(folder, 15, "\n  tier: ", "\n  tier: 9\n  x-was: ")
    _edit(folder, 10, "  description: ", "  description: TODO-describe ")
    _edit(folder, 25, "kind: Service\n", "kind: Service\n  bad: [\n")
    for claimed in TERRAFORM_ROOTS:
        (folder / claimed).parent.mkdir(parents=True, exist_ok=True)
        (folder / claimed).write_text('resource "null_resource" "x" {}\n', encoding="utf-8")
    return folder
