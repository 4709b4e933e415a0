"""Claim statuses (evidence) as plain data, shared by the JSON, SARIF and Markdown formatters.

Only present when evidence ran (`RunResult.evidence`); a run without
evidence reports no claims rather than claims that look unverified.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from shiftleft.results import RunResult

STATUSES = ("verified", "contradicted", "unverified")


def rows(result: RunResult) -> list[dict[str, Any]]:
    """One mapping per claim: service, rule, claim, file, line, col, status, reason, frameworks."""
    return [
        {
            "service": c.service,
            "rule": c.rule,
            "claim": c.claim,
            "file": c.file,
            "line": c.line,
            "col": c.col,
            "status": c.status.value,
            "reason": c.reason,
            "frameworks": list(c.frameworks),
        }
        for c in result.claims
    ]


def counts(claims: list[dict[str, Any]]) -> dict[str, int]:
    found = Counter(c["status"] for c in claims)
    return {s: found.get(s, 0) for s in STATUSES}


def coverage(result: RunResult) -> dict[str, dict[str, dict[str, int]]]:
    """How much of what is declared is proven: status counts per service and per framework."""
    every = rows(result)
    by_service: dict[str, list[dict[str, Any]]] = {}
    by_framework: dict[str, list[dict[str, Any]]] = {}
    for claim in every:
        by_service.setdefault(claim["service"], []).append(claim)
        for framework in claim["frameworks"]:
            by_framework.setdefault(framework, []).append(claim)
    return {
        "services": {name: counts(c) for name, c in sorted(by_service.items())},
        "frameworks": {name: counts(c) for name, c in sorted(by_framework.items())},
    }
