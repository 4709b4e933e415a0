"""The `evidence:` block of an evidence rule (SL8xx): which scanner judges the claim, and how.

A rule with an `evidence:` block has no `assert:`. Its `when:` selects the
manifests that make the claim, its `location:` is the claim's line, and the
block says what contradicts it:

- `scanner: checkov` with `checks: [CKV_AWS_3, ...]`: a failed (or suppressed)
  result of one of those checks on a resource in the service's
  infrastructure paths;
- `scanner: checkov` with `policy: min-replicas` and `value: <manifest path>`:
  a custom checkov policy shipped inside shiftleft (see `policies.py`),
  instantiated with the manifest's value;
- `scanner: bandit` with `severity:` and `confidence:`: a bandit issue in the
  service's code paths at or above both.

The block is validated when the rule file loads and kept as a plain mapping
(the compiled-catalog cache stores it as JSON).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

SCANNERS = ("checkov", "bandit")
POLICIES = ("min-replicas",)
"""Custom checkov policies shipped with shiftleft (never taken from a rule folder)."""
LEVELS = ("low", "medium", "high")
"""bandit's severity and confidence levels, lowest first."""
CHECK_ID = re.compile(r"CKV2?_[A-Z0-9]+_[0-9]+\Z")
_VALUE = re.compile(r"spec(?:\.[a-z_][a-z0-9_]*)+\Z")


class Spec(NamedTuple):
    """A validated `evidence:` block."""

    scanner: str
    checks: tuple[str, ...] = ()
    """checkov check ids whose failure contradicts the claim."""
    policy: str = ""
    """A shipped custom checkov policy (POLICIES), instantiated with `value`."""
    value: str = ""
    """Manifest path of the policy's threshold, such as spec.availability.min_replicas."""
    severity: str = ""
    confidence: str = ""
    """bandit: an issue at or above both levels contradicts the claim."""

    @classmethod
    def of(cls, block: Mapping[str, Any]) -> Spec:
        """The Spec of a block that `validate` accepted."""
        return cls(
            scanner=str(block["scanner"]),
            checks=tuple(block.get("checks", ())),
            policy=str(block.get("policy", "")),
            value=str(block.get("value", "")),
            severity=str(block.get("severity", "")),
            confidence=str(block.get("confidence", "")),
        )


def validate(block: Any, fail: Callable[..., Exception]) -> dict[str, Any]:
    """Check an `evidence:` block; `fail(message, *path)` builds the error to raise."""
    if not isinstance(block, dict):
        raise fail("evidence must be a mapping with scanner and checks (or policy, or severity)", "evidence")
    allowed = {"scanner", "checks", "policy", "value", "severity", "confidence"}
    for key in block:
        if key not in allowed:
            raise fail(f"unknown key {key!r} in evidence (known: {', '.join(sorted(allowed))})", "evidence", key)
    scanner = block.get("scanner")
    if scanner not in SCANNERS:
        raise fail(f"evidence.scanner must be one of {', '.join(SCANNERS)}", "evidence", "scanner")
    if scanner == "checkov":
        _checkov(block, fail)
    else:
        for key in ("checks", "policy", "value"):
            if key in block:
                raise fail(f"evidence.{key} is for checkov; bandit takes severity and confidence", "evidence", key)
        for key in ("severity", "confidence"):
            if block.get(key) not in LEVELS:
                raise fail(f"evidence.{key} must be one of {', '.join(LEVELS)}", "evidence", key)
    return dict(block)


def _checkov(block: dict[str, Any], fail: Callable[..., Exception]) -> None:
    for key in ("severity", "confidence"):
        if key in block:
            raise fail(f"evidence.{key} is for bandit; checkov takes checks or policy", "evidence", key)
    checks, policy = block.get("checks"), block.get("policy")
    if (checks is None) == (policy is None):
        raise fail("evidence for checkov names either checks (a list of check ids) or a policy", "evidence")
    if checks is not None:
        if not isinstance(checks, list) or not checks:
            raise fail("evidence.checks must be a non-empty list of checkov check ids", "evidence", "checks")
        for i, check in enumerate(checks):
            if not isinstance(check, str) or not CHECK_ID.match(check):
                raise fail(f"{check!r} is not a checkov check id like CKV_AWS_3", "evidence", "checks", i)
        if "value" in block:
            raise fail("evidence.value goes with a policy, not with checks", "evidence", "value")
        return
    if policy not in POLICIES:
        raise fail(
            f"evidence.policy must be one of {', '.join(POLICIES)} (shipped with shiftleft)", "evidence", "policy"
        )
    value = block.get("value")
    if not isinstance(value, str) or not _VALUE.match(value):
        raise fail(
            "evidence.value must be the manifest path of the threshold, like spec.availability.min_replicas",
            "evidence",
            "value",
        )
