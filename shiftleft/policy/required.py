"""Required sections and fields per tier: absence never passes (decision 0010).

A tier lists in `requires` the manifest paths its services must declare.
Each one missing is a finding of SL014 at its closest declared parent, with
the tier's `requires_severity`, unless an enabled rule claims the path by
testing `'<path>' in tier.requires` in its `when` (SL304 for the RTO, SL410
for the invocation authority...): then that rule, with its own rationale,
reports it instead, and the two never double up. Disabling the named rule
hands the path back to SL014, so switching a rule off cannot make absence pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from shiftleft.manifest.schema import Path_, get_path
from shiftleft.policy.tiers import Requirement, Tier

RULE = "SL014"
_CLAIM = re.compile(r"'((?:metadata|spec)(?:\.[a-z_][a-z0-9_]*)+)'\s+in\s+tier\.requires\b")


def claimed(whens: Iterable[str]) -> frozenset[str]:
    """Paths that rules take over from SL014: `'spec.x' in tier.requires` in their `when`."""
    return frozenset(path for text in whens for path in _CLAIM.findall(text))


def missing(raw: dict[str, Any], tier: Tier, skip: frozenset[str]) -> Iterator[tuple[Requirement, str]]:
    """Each requirement of `tier` that `raw` does not meet, with its message."""
    absent = {r.path for r in tier.requires if not _declared(raw, r.path) and not _lifted(raw, r)}
    for requirement in tier.requires:
        if requirement.path not in absent or requirement.dotted in skip:
            continue
        if any(requirement.path[:end] in absent for end in range(1, len(requirement.path))):
            continue  # the missing required parent (`backups` for `backups.frequency`) is the one finding
        yield (
            requirement,
            (
                f"tier {tier.number} ({tier.raw.get('name')}) requires {requirement.dotted}; "
                f"it is not declared{_parent(raw, requirement.path)}"
            ),
        )


def _lifted(raw: dict[str, Any], requirement: Requirement) -> bool:
    return requirement.unless is not None and get_path(raw, requirement.unless) is True


def _declared(raw: dict[str, Any], path: Path_) -> bool:
    value = get_path(raw, path)
    return value is not None and value != [] and value != {}


def _parent(raw: dict[str, Any], path: Path_) -> str:
    section = path[:2]
    if len(path) > 2 and not _declared(raw, section):
        return f" ({'.'.join(str(p) for p in section)} is missing)"
    return ""
