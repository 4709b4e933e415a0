"""The outcome of a run, as every formatter sees it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from shiftleft.findings import Finding, Severity

if TYPE_CHECKING:
    from shiftleft.policy.catalog import Rule


class ServiceResult(NamedTuple):
    name: str
    file: str
    """Manifest path as displayed."""
    tier: int | None
    """Declared tier, None when the manifest could not be read."""
    valid: bool
    """False when the manifest had SL0xx problems and its rules were not evaluated."""
    findings: tuple[Finding, ...]
    raw: Mapping[str, Any] = MappingProxyType({})
    """The manifest as written (empty when it could not be read), for reports."""


class RunResult(NamedTuple):
    services: tuple[ServiceResult, ...]
    findings: tuple[Finding, ...]
    """All findings, sorted by file, line, column and rule."""
    fail_on: Severity
    now: dt.datetime
    rules: int
    """Number of rules evaluated."""
    tiers: Mapping[int, Mapping[str, Any]] = MappingProxyType({})
    """The tier policy's rows as written (`max_rto: 1h`, ...), by tier number, for reports."""
    catalog: tuple[Rule, ...] = ()
    """The catalog's rules minus disabled ones (builtins included), for their docs in reports."""
    claims: tuple[Any, ...] = ()
    """With evidence on: a `shiftleft.evidence.model.ClaimStatus` per claim evidence judged."""
    evidence: bool = False
    """Whether evidence ran (checkov and bandit judged the claims)."""

    @property
    def failing(self) -> tuple[Finding, ...]:
        """Findings at or above the fail-on threshold."""
        threshold = self.fail_on.rank
        return tuple(f for f in self.findings if f.severity.rank >= threshold)

    @property
    def passed(self) -> bool:
        return not self.failing

    def counts(self) -> dict[Severity, int]:
        counter = Counter(f.severity for f in self.findings)
        return {s: counter.get(s, 0) for s in Severity}
