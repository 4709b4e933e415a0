"""Immutable result types: Severity, Location, Waiver, Finding."""

from __future__ import annotations

import datetime as dt
import enum
import heapq
import itertools
from collections.abc import Iterable
from typing import NamedTuple


class Severity(enum.Enum):
    """How bad a finding is. Ordered: CRITICAL is the highest."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info, so `a.rank >= b.rank` means at least as bad."""
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Location(NamedTuple):
    """Where a finding points. Orders (and compares) as the tuple (file, line, col, path)."""

    file: str
    """Path as shown to the user (relative to the working directory where possible)."""
    line: int = 0
    """1-based line; 0 when the whole file is meant."""
    col: int = 0
    """1-based column; 0 when unknown."""
    path: str = ""
    """Manifest path of the value, dotted (`spec.dependencies[2].service`); empty for the file."""

    def __str__(self) -> str:
        out = self.file
        if self.line:
            out += f":{self.line}"
            if self.col:
                out += f":{self.col}"
        return out


class Waiver(NamedTuple):
    """An accepted risk that suppresses matching findings (DESIGN.md section 6), or a baseline entry."""

    rule: str
    service: str
    reason: str
    approved_by: str
    ticket: str
    expires: dt.date | None
    """Date the waiver stops applying; None only for baseline entries."""
    source: str
    """Where it is declared, `file:line` (the waiver file, the manifest, or the baseline file)."""
    path: str = ""
    """Manifest path (or evidence resource) the waiver is limited to; empty: the whole service."""
    kind: str = "waiver"
    """`waiver` (central file), `inline` (spec.waivers) or `baseline`."""

    def describe(self) -> str:
        """One line for reports: `waived by architecture-board until 2027-01-31 (RISK-142, file:3): reason`."""
        if self.kind == "baseline":
            return f"in the baseline {self.source}"
        until = self.expires.isoformat() if self.expires else "?"
        ticket = f"{self.ticket}, " if self.ticket else ""
        return f"waived by {self.approved_by} until {until} ({ticket}{self.source}): {self.reason}"


class Finding(NamedTuple):
    """One rule violated by one service at one place."""

    rule: str
    """Rule id, e.g. SL301."""
    name: str
    """Rule name, e.g. rto-within-tier."""
    severity: Severity
    category: str
    service: str
    """Service name, or the manifest path when the name could not be read."""
    location: Location
    message: str
    remediation: str = ""
    """Short fix advice, the rule's remediation text."""
    extra: tuple[tuple[str, str], ...] = ()
    """Additional key/value context (evidence, values) for reports."""
    waiver: Waiver | None = None
    """The waiver or baseline entry that accepts this finding: it stays in every report but does not fail."""

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs: rule, service and manifest path, not line numbers.

        A finding at a scanner result adds its `identity` (file, check and resource, or for bandit the flagged
        line's text), so two issues of one check in one file are two entries of a baseline.
        """
        import hashlib  # only reports need fingerprints; keep it off the hook's import path

        key = "\0".join((self.rule, self.service, self.location.path or self.location.file))
        for name, value in self.extra:
            if name == "identity":
                key += "\0" + value
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def blocks(self, fail_on: Severity) -> bool:
        """Whether this finding fails the gate: at or above `fail_on` and accepted by no waiver."""
        return self.severity.rank >= fail_on.rank and self.waiver is None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.file, self.location.line, self.location.col, self.rule)

    def service_key(self) -> tuple[bool, str, int, int, str]:
        """Order within one service: what makes the manifest invalid (SL0xx) first, then file order."""
        return (self.category != "manifest", *self.sort_key())


def in_file_order(groups: Iterable[tuple[Finding, ...]]) -> tuple[Finding, ...]:
    """Every finding, sorted by file, line, column and rule (stable: ties keep the groups' order).

    Each group (a service's findings) is sorted on its own and the groups are merged; when they follow
    one another in file order, as they usually do, that is a concatenation. Sorting all at once would
    hold a key for each of a large catalog's findings at the same time (11 MB for 125,000).
    """
    ordered = [sorted(group, key=Finding.sort_key) for group in groups if group]
    if all(a[-1].sort_key() <= b[0].sort_key() for a, b in itertools.pairwise(ordered)):
        return tuple(itertools.chain.from_iterable(ordered))
    return tuple(heapq.merge(*ordered, key=Finding.sort_key))
