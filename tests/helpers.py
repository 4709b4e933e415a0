"""Shared test helpers: write small repositories and run the real CLI in them."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from shiftleft.main import main

NOW = "2026-11-25"

GOOD = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: {name}
  owner: team-{name}
spec:
  tier: {tier}
  availability:
    slo: 99.95
    zones: 2
    regions: [europe-west1, europe-west4]
  continuity:
    rto: 30m
    rpo: 5m
    strategy: warm-standby
"""


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def good_manifest(name: str = "checkout", tier: int = 1) -> str:
    return GOOD.format(name=name, tier=tier)


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cwd: Path
) -> Run:
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return Run(code, captured.out, captured.err)
