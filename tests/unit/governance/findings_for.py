"""Findings and run results built by hand for the baseline and `report --compare` mutant tests."""

from __future__ import annotations

import datetime as dt

from shiftleft.findings import Finding, Location, Severity, Waiver
from shiftleft.results import RunResult

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def accepted(kind: str = "waiver") -> Waiver:
    return Waiver("SL301", "x", "r", "a", "t", None, "w.yaml:1", kind=kind)


def finding(
    rule: str, service: str, path: str = "spec.x", waiver: Waiver | None = None, file: str = "m.yaml"
) -> Finding:
    return Finding(rule, "name", Severity.HIGH, "c", service, Location(file, 3, 5, path), f"{rule} in {service}",
                   waiver=waiver)  # fmt: skip


def run(*findings: Finding, catalog: tuple = ()) -> RunResult:
    return RunResult((), findings, Severity.HIGH, NOW, 1, catalog=catalog)
