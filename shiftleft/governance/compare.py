"""`report --compare PREVIOUS.json`: posture over time, from a previous run's JSON report.

Findings are matched by fingerprint (rule, service, manifest path; not
lines). New: failing or not, absent before. Fixed: present before, gone now.
Waived: accepted now by a waiver, not before. Expired: accepted before,
not any more (the finding is back).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shiftleft.errors import ConfigError
from shiftleft.results import Change, Comparison, RunResult

SCHEMA = "shiftleft/report-v1"


def load(path: Path, shown: str) -> dict[str, Any]:
    """A previous `check --format json` report. Raises ConfigError (exit 2) when it cannot be used."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as e:
        raise ConfigError(f"--compare: cannot read the previous report: {e.strerror or e}", file=shown) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ConfigError(f"--compare: not a JSON report: {getattr(e, 'msg', e)}", file=shown) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("findings"), list):
        raise ConfigError(f"--compare: not a {SCHEMA} report (write one with `shiftleft check --format json=FILE`)",
                          file=shown)  # fmt: skip
    return data


def compare(result: RunResult, previous: dict[str, Any], shown: str) -> RunResult:
    frameworks = {r.id: r.frameworks for r in result.catalog}
    before: dict[str, dict[str, Any]] = {}
    for entry in previous["findings"]:
        if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str):
            before[entry["fingerprint"]] = entry
    changes: list[Change] = []
    now = {f.fingerprint for f in result.findings}
    for finding in result.findings:
        old = before.get(finding.fingerprint)
        kind = ""
        if old is None:
            kind = "waived" if finding.waiver is not None else "new"
        elif finding.waiver is not None and not old.get("waiver"):
            kind = "waived"
        elif finding.waiver is None and old.get("waiver"):
            kind = "expired"
        if kind:
            changes.append(
                Change(kind, finding.rule, finding.service, finding.message, frameworks.get(finding.rule, ()))
            )
    for fingerprint, old in before.items():
        if fingerprint not in now:
            rule, service = str(old.get("rule", "")), str(old.get("service", ""))
            changes.append(Change("fixed", rule, service, str(old.get("message", "")), frameworks.get(rule, ())))
    when = str(previous.get("run", {}).get("now", ""))[:10] if isinstance(previous.get("run"), dict) else ""
    label = f"{shown} ({when})" if when else shown
    order = {"new": 0, "expired": 1, "waived": 2, "fixed": 3}
    changes.sort(key=lambda c: (order[c.kind], c.service, c.rule))
    return result._replace(comparison=Comparison(label, tuple(changes)))
