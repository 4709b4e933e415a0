"""What the Markdown and HTML reports show of governance: the waiver inventory, downgrades, policy edits.

Data only (the templates render it), shared by both formats so they agree.
"""

from __future__ import annotations

from typing import NamedTuple

from shiftleft.findings import Finding, Waiver
from shiftleft.results import RunResult

SOON_DAYS = 30
DOWNGRADES = frozenset({f"SL9{n}" for n in range(10, 20)})
"""Drift rules (requirement downgrades since the base), listed first for architects."""
ACTIVE, EXPIRING, EXPIRED, INVALID = "active", "expiring", "expired", "invalid"


class WaiverRow(NamedTuple):
    waiver: Waiver
    status: str
    """active, expiring (within 30 days), expired, or invalid (it accepts nothing: see its finding)."""
    days: int | None
    """Days until expiry (negative: expired); None without a date."""
    accepted: int
    """Findings this waiver accepts in this run."""
    problem: str
    """The governance finding about this waiver, if any."""


def waivers(result: RunResult) -> list[WaiverRow]:
    """Every declared waiver, soonest expiry first, with its state."""
    today = result.now.date()
    accepted: dict[str, int] = {}
    for finding in result.findings:
        if finding.waiver is not None and finding.waiver.kind != "baseline":
            accepted[finding.waiver.source] = accepted.get(finding.waiver.source, 0) + 1
    problems = {_where(f): f for f in result.findings if f.rule in {"SL901", "SL902", "SL903", "SL904", "SL906"}}
    rows = []
    for waiver in result.waivers:
        days = (waiver.expires - today).days if waiver.expires is not None else None
        problem = problems.get(waiver.source)
        if problem is not None:
            status = EXPIRED if problem.rule == "SL904" else INVALID
        elif days is not None and days <= SOON_DAYS:
            status = EXPIRING
        else:
            status = ACTIVE
        rows.append(WaiverRow(waiver, status, days, accepted.get(waiver.source, 0), problem.message if problem else ""))
    return rows


def downgrades(result: RunResult) -> list[Finding]:
    return [f for f in result.findings if f.rule in DOWNGRADES]


def _where(finding: Finding) -> str:
    return f"{finding.location.file}:{finding.location.line}"
