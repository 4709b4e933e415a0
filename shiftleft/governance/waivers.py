"""Waivers: accepted risks that suppress findings, and the findings about the waivers themselves.

Two sources (DESIGN.md section 6): the central file (`shiftleft-waivers.yaml`
at the repository root, or `waivers` in configuration) and `spec.waivers` in a
manifest, which may accept findings only up to `inline_waivers` (default
`medium`). A waiver suppresses a finding of its rule and service (and, when it
names one, of its manifest path) only while it is complete, known, within the
organisation's maximum length for the rule's severity and not expired.
Everything else is a finding (SL901-SL906) at the waiver's line, so a waiver
can never fail open. A waived finding stays in the result with its waiver.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from shiftleft.errors import ConfigError, ManifestError
from shiftleft.findings import Finding, Location, Severity, Waiver
from shiftleft.manifest import values, yamlsafe
from shiftleft.paths import inside

DEFAULT_FILE = "shiftleft-waivers.yaml"
DEFAULT_MAX_DAYS = {
    Severity.CRITICAL: 30,
    Severity.HIGH: 90,
    Severity.MEDIUM: 180,
    Severity.LOW: 365,
    Severity.INFO: 365,
}
"""Longest a waiver may run, counted from the run's date, by the waived rule's severity (`org.waiver_max_days`)."""
SOON_DAYS = 30
"""A waiver expiring within this many days is a warning (SL905)."""
_CENTRAL_FIELDS = ("rule", "service", "reason", "approved_by", "ticket", "expires")
_INLINE_FIELDS = ("rule", "reason", "approved_by", "expires")
_OPTIONAL = ("path", "ticket", "service")


class Declared(NamedTuple):
    """A waiver as read, before it is judged."""

    waiver: Waiver
    line: int
    col: int
    file: str
    """The file that declares it, as displayed."""
    problem: str = ""
    """Missing or malformed fields (SL901); empty when complete."""


class Problem(NamedTuple):
    """A finding about a waiver, before it becomes a Finding (the catalog supplies name and remediation)."""

    rule: str
    service: str
    location: Location
    message: str


def read_file(path: Path, display: str, root: Path | None = None) -> tuple[list[Declared], list[Problem]]:
    """The waivers of the central file; a file that does not parse, or leads outside `root`, is one SL901 problem."""
    if root is not None and not inside(os.path.realpath(path), os.path.realpath(root)):
        message = "the waiver file is a symlink that leads outside the repository; it was not read"
        return [], [Problem("SL901", display, Location(display, 1, 1), message)]
    try:
        text = yamlsafe.read_text(path, display)
        data, nodes = yamlsafe.parse_with_nodes(text, display)
    except ManifestError as e:
        if e.message == yamlsafe.EMPTY:  # nothing or only comments: no waivers, as `waivers: []`
            return [], []
        return [], [Problem("SL901", display, Location(display, e.line, e.col), f"waiver file: {e.message}")]
    if not isinstance(data, dict) or set(data) - {"waivers"} or not isinstance(data.get("waivers", []), list):
        where = Location(display, 1, 1)
        return [], [Problem("SL901", display, where, "a waiver file is a mapping `waivers:` of a list of waivers")]
    out = []
    for index, entry in enumerate(data.get("waivers") or []):
        line, col = yamlsafe.locate_in(nodes, ("waivers", index))
        out.append(_declared(entry, _CENTRAL_FIELDS, "", display, line, col, "waiver"))
    return out, []


def inline(service: str, file: str, entries: Any, positions: list[tuple[int, int]]) -> list[Declared]:
    """The `spec.waivers` of one manifest; `positions` are the entries' lines and columns."""
    if not isinstance(entries, list):
        return []
    return [
        _declared(entry, _INLINE_FIELDS, service, file, line, col, "inline")
        for entry, (line, col) in zip(entries, positions, strict=False)
    ]


def _declared(
    entry: Any, required: tuple[str, ...], service: str, file: str, line: int, col: int, kind: str
) -> Declared:
    fields = entry if isinstance(entry, dict) else {}
    missing = [k for k in required if not isinstance(fields.get(k), str) or not fields[k].strip()]
    bad = [k for k in _OPTIONAL if k in fields and k not in missing and not isinstance(fields[k], str)]
    problem = ""
    if not isinstance(entry, dict):
        problem = "a waiver is a mapping of " + ", ".join(required)
    elif missing or bad:
        problem = "missing " + ", ".join(missing) if missing else "not text: " + ", ".join(bad)
    expires: dt.date | None = None
    if not problem:
        try:
            expires = values.parse_date(fields["expires"])
        except ValueError as e:
            problem = f"expires: {e}"
    text = {k: str(v).strip() for k, v in fields.items() if isinstance(v, str)}
    waiver = Waiver(
        rule=text.get("rule", ""),
        service=text.get("service", service) if kind == "waiver" else service,
        reason=text.get("reason", ""),
        approved_by=text.get("approved_by", ""),
        ticket=text.get("ticket", ""),
        expires=expires,
        source=f"{file}:{line}",
        path=text.get("path", ""),
        kind=kind,
    )
    return Declared(waiver, line, col, file, problem)


class Judge(NamedTuple):
    """What a waiver is judged against."""

    today: dt.date
    severities: Mapping[str, Severity]
    """Effective severity of every rule in the catalog (after configuration overrides)."""
    services: frozenset[str]
    """Every service name of the catalog."""
    inline_limit: Severity | None
    """The highest severity an inline waiver may accept; None: inline waivers are off."""
    max_days: Mapping[Severity, int]


def judge(declared: Declared, rules: Judge) -> tuple[bool, Problem | None]:
    """Whether the waiver may suppress findings, and the problem it is (if any)."""
    w = declared.waiver
    service = w.service or declared.file

    def problem(rule: str, message: str) -> Problem:
        return Problem(rule, service, Location(declared.file, declared.line, declared.col, ""), message)

    label = f"waiver for {w.rule or '?'} on {w.service or '?'}"
    if declared.problem:
        return False, problem("SL901", f"{label}: {declared.problem}; it accepts nothing until complete")
    severity = rules.severities.get(w.rule)
    if severity is None:
        return False, problem("SL902", f"{label}: no rule {w.rule} in the catalog; it accepts nothing")
    if w.service not in rules.services:
        return False, problem("SL902", f"{label}: no service {w.service!r} in the catalog; it accepts nothing")
    if w.kind == "inline" and (rules.inline_limit is None or severity.rank > rules.inline_limit.rank):
        if rules.inline_limit is None:
            why = "inline waivers are off (inline_waivers in configuration)"
        else:
            why = f"{w.rule} is {severity.value} and inline waivers accept up to {rules.inline_limit.value}"
        return False, problem("SL906", f"{label}: {why}; record it in the central waiver file")
    if w.expires is None:  # cannot happen: a complete waiver has a date; fail closed if it does
        return False, problem("SL901", f"{label}: no expiry date")
    days = (w.expires - rules.today).days
    if days < 0:
        return False, problem("SL904", f"{label} expired on {w.expires.isoformat()}; it no longer accepts the risk")
    limit_days = rules.max_days[severity]
    if days > limit_days:
        return False, problem(
            "SL903", f"{label} expires {w.expires.isoformat()}, {days} days away; {severity.value} findings may be "
            f"waived for at most {limit_days} days"
        )  # fmt: skip
    if days <= SOON_DAYS:
        return True, problem("SL905", f"{label} expires on {w.expires.isoformat()}, in {days} days")
    return True, None


def max_days(org: Mapping[str, Any], shown: str) -> dict[Severity, int]:
    """`org.waiver_max_days`: one number of days, or a table by severity. Raises ConfigError."""
    value = org.get("waiver_max_days")
    if value is None:
        return dict(DEFAULT_MAX_DAYS)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return dict.fromkeys(Severity, value)
    if isinstance(value, dict):
        out = dict(DEFAULT_MAX_DAYS)
        for name, days in value.items():
            try:
                severity = Severity.parse(str(name))
            except ValueError as e:
                raise ConfigError(f"org.waiver_max_days: {e}", file=shown) from None
            if not isinstance(days, int) or isinstance(days, bool) or days < 0:
                raise ConfigError(f"org.waiver_max_days.{name}: must be a whole number of days", file=shown)
            out[severity] = days
        return out
    raise ConfigError("org.waiver_max_days: a number of days, or a table of severity to days", file=shown)


def matches(waiver: Waiver, finding: Finding) -> bool:
    """Same rule and service; and, when the waiver names a path, that manifest path or file (or below it)."""
    if waiver.rule != finding.rule or waiver.service != finding.service:
        return False
    if not waiver.path:
        return True
    path = finding.location.path
    return (
        path == waiver.path
        or path.startswith((waiver.path + ".", waiver.path + "["))
        or finding.location.file == waiver.path
    )
