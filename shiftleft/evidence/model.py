"""What the scanners found, normalised, and what shiftleft concluded from it."""

from __future__ import annotations

import enum
from typing import NamedTuple


class Status(enum.Enum):
    """What evidence says about one claim of one service."""

    VERIFIED = "verified"
    """The scanners looked at the service's resources or code and agree with the claim."""
    CONTRADICTED = "contradicted"
    """At least one resource or line contradicts the claim (a finding at it)."""
    UNVERIFIED = "unverified"
    """Nothing in the service's paths could prove it (or the scanner could not tell)."""


class Result(NamedTuple):
    """One scanner result on one resource or line, scanner-neutral."""

    scanner: str
    check_id: str
    """checkov check id (CKV_AWS_3) or bandit test id (B105)."""
    check_name: str
    file: str
    """Absolute path of the scanned file."""
    line: int
    end_line: int
    resource: str
    """checkov resource (aws_ebs_volume.data); for bandit the test name."""
    outcome: str
    """passed, failed or skipped (checkov); failed for every bandit issue."""
    suppression: str = ""
    """The in-code suppression that applied: checkov:skip's reason, or the `# nosec` comment."""
    severity: str = ""
    confidence: str = ""
    """bandit's levels, lower case."""
    code: str = ""
    """bandit: the text of the flagged line, stripped (what tells two issues of one test in one file apart)."""


class Problem(NamedTuple):
    """A scanned file the scanner could not read: the scan is incomplete there."""

    scanner: str
    file: str
    """Absolute path."""
    message: str


class Scan(NamedTuple):
    """One scanner's run over the union of the services' paths."""

    scanner: str
    version: str
    results: tuple[Result, ...] = ()
    problems: tuple[Problem, ...] = ()
    failure: str = ""
    """Why the scan as a whole cannot be trusted (missing, crash, timeout, garbage); empty when it ran."""
    missing: bool = False


class ClaimStatus(NamedTuple):
    """The verdict on one claim (one evidence rule applying to one service)."""

    service: str
    rule: str
    claim: str
    """Manifest path of the claim, such as spec.security.encryption.at_rest."""
    file: str
    """Manifest as displayed."""
    line: int
    col: int
    status: Status
    reason: str
    """One line: what was looked at, what agrees or contradicts."""
    frameworks: tuple[str, ...] = ()
    """Frameworks the rule maps to, for per-framework coverage in reports."""
