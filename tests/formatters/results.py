"""The one results fixture every formatter test uses: a small synthetic portfolio.

Built by hand (not by running the engine) so that formatter snapshots change
only when a formatter changes, not when someone adds a rule to the catalog.
It holds the awkward cases on purpose: a failing, a warning, a clean and an
unreadable service; a dependency outside the catalog; and manifest text with
HTML, Markdown, workflow-command and XML syntax in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from shiftleft.findings import Finding, Location, Severity
from shiftleft.policy.catalog import Reference, Rule
from shiftleft.results import RunResult, ServiceResult

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)

TIERS: dict[int, dict[str, Any]] = {
    0: {"name": "foundational", "slo_floor": 99.99, "max_rto": "15m", "max_rpo": "1m",
        "min_strategy": "active-active", "min_zones": 3, "min_regions": 2, "offsite_backup": True,
        "dr_test_every": "183d", "restore_test_every": "92d", "number": 0},
    1: {"name": "mission-critical", "slo_floor": 99.95, "max_rto": "1h", "max_rpo": "15m",
        "min_strategy": "warm-standby", "min_zones": 2, "min_regions": 2, "offsite_backup": True,
        "dr_test_every": "183d", "restore_test_every": "183d", "number": 1},
    3: {"name": "business-operational", "slo_floor": 99.5, "max_rto": "24h", "max_rpo": "24h",
        "min_strategy": "backup-restore", "min_zones": 1, "min_regions": 1, "offsite_backup": True,
        "dr_test_every": "365d", "restore_test_every": "365d", "number": 3},
}  # fmt: skip


def _rule(rule_id: str, name: str, severity: Severity, category: str, refs: tuple[Reference, ...] = (),
          builtin: bool = False) -> Rule:  # fmt: skip
    return Rule(
        id=rule_id,
        name=name,
        severity=severity,
        category=category,
        summary=f"Summary of {name}",
        rationale=f"Why {name} matters:\n  continuity is set by the business.",
        remediation=f"Fix {name}: change `spec.continuity.rto` and re-test.",
        file=f"<shiftleft>/rules/{category}/{rule_id}-{name}.yaml",
        references=refs,
        examples={"fail": "spec:\n  tier: 1\n", "pass": "spec:\n  tier: 3\n"},
        builtin=builtin,
    )


CATALOG = (
    _rule("SL001", "invalid-yaml", Severity.CRITICAL, "manifest", builtin=True),
    _rule("SL202", "slo-at-tier-floor", Severity.HIGH, "availability",
          (Reference("soc2", "A1.1"), Reference("iso-27001", "8.14"))),
    _rule("SL301", "rto-within-tier", Severity.HIGH, "continuity",
          (Reference("nist-800-53", "CP-2"), Reference("nist-800-53", "CP-10"), Reference("dora", "Art. 11"))),
    _rule("SL401", "runbook-exists", Severity.MEDIUM, "incident", (Reference("nist-800-53", "IR-8"),)),
    _rule("SL701", "dependency-known", Severity.LOW, "dependencies", (Reference("iso-22301", "8.4"),)),
)  # fmt: skip


def _finding(rule: Rule, service: str, file: str, line: int, col: int, path: str, message: str) -> Finding:
    return Finding(rule.id, rule.name, rule.severity, rule.category, service, Location(file, line, col, path),
                   message, rule.remediation)  # fmt: skip


SL001, SL202, SL301, SL401, SL701 = CATALOG

CHECKOUT = "services/checkout/shiftleft.yaml"
SEARCH = "services/search/shiftleft.yaml"
PAYMENTS = "services/payments/shiftleft.yaml"
BROKEN = "services/broken/shiftleft.yaml"

_checkout_findings = (
    _finding(SL202, "checkout", CHECKOUT, 9, 10, "spec.availability.slo",
             "SLO 99.9% is below the tier 1 floor of 99.95%, owner @team-checkout | <b>bold</b>"),
    _finding(SL301, "checkout", CHECKOUT, 13, 10, "spec.continuity.rto",
             "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"),
    _finding(SL401, "checkout", CHECKOUT, 0, 0, "", "no runbook:\nline two, 100% sure"),
)  # fmt: skip
_search_findings = (
    _finding(SL701, "search", SEARCH, 14, 7, "spec.dependencies[0].service",
             "dependency `ghost` is not in the catalog"),
)  # fmt: skip
_broken_findings = (
    _finding(SL001, BROKEN, BROKEN, 3, 1, "", "YAML syntax error: <script>alert(1)</script> \x1b[31m"),
)  # fmt: skip

SERVICES = (
    ServiceResult("broken", BROKEN, None, False, _broken_findings, {}),
    ServiceResult("checkout", CHECKOUT, 1, True, tuple(sorted(_checkout_findings, key=Finding.sort_key)), {
        "apiVersion": "shiftleft/v1", "kind": "Service",
        "metadata": {"name": "checkout", "owner": "team-checkout",
                     "description": "Takes orders <script>alert('x')</script> & charges | cards"},
        "spec": {"tier": 1, "compliance": {"frameworks": ["nist-800-53", "soc2", "dora"]},
                 "availability": {"slo": 99.9, "zones": 2, "regions": ["eu-west-1", "eu-central-1"]},
                 "continuity": {"rto": "2h", "rpo": "5m", "strategy": "warm-standby",
                                "last_test": {"date": "2026-09-01", "result": "pass"}},
                 "dependencies": [{"service": "payments", "hard": True}, {"service": "search", "hard": False}]},
    }),
    ServiceResult("payments", PAYMENTS, 0, True, (), {
        "apiVersion": "shiftleft/v1", "kind": "Service",
        "metadata": {"name": "payments", "owner": "team-payments", "description": "Card payments"},
        "spec": {"tier": 0, "compliance": {"frameworks": ["soc2", "iso-22301", "nist-800-53"]},
                 "availability": {"slo": 99.99, "zones": 3, "regions": ["eu-west-1", "eu-central-1"]},
                 "continuity": {"rto": "10m", "rpo": "1m", "strategy": "active-active",
                                "last_test": {"date": "2026-10-01", "result": "pass"},
                                "backups": {"last_restore_test": "2026-10-15"}}},
    }),
    ServiceResult("search", SEARCH, 3, True, _search_findings, {
        "apiVersion": "shiftleft/v1", "kind": "Service",
        "metadata": {"name": "search", "owner": "team-discovery"},
        "spec": {"tier": 3, "compliance": {"frameworks": ["iso-22301"]}, "availability": {"slo": 99.5, "zones": 1, "regions": ["eu-west-1"]},
                 "continuity": {"rto": "24h", "rpo": "24h", "strategy": "backup-restore"},
                 "dependencies": [{"service": "ghost", "hard": True}]},
    }),
)  # fmt: skip


def run_result(services: tuple[ServiceResult, ...] = SERVICES, fail_on: Severity = Severity.HIGH) -> RunResult:
    findings = tuple(sorted((f for s in services for f in s.findings), key=Finding.sort_key))
    return RunResult(services, findings, fail_on, NOW, rules=sum(1 for r in CATALOG if not r.builtin),
                     tiers=TIERS, catalog=CATALOG)  # fmt: skip


def many_services(count: int) -> RunResult:
    """A large synthetic catalog (for size limits): every third service failing, a chain of dependencies."""
    services = []
    for i in range(count):
        name = f"svc-{i:05d}"
        file = f"services/{name}/shiftleft.yaml"
        findings: tuple[Finding, ...] = ()
        if i % 3 == 0:
            findings = (
                _finding(SL301, name, file, 13, 10, "spec.continuity.rto",
                         f"RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h ({name})"),
                _finding(SL202, name, file, 9, 10, "spec.availability.slo",
                         "SLO 99.9% is below the tier 1 floor of 99.95%"),
            )  # fmt: skip
        raw = {
            "metadata": {"name": name, "owner": f"team-{i % 40}"},
            "spec": {
                "tier": i % 2,
                "continuity": {"rto": "2h"},
                "dependencies": [{"service": f"svc-{(i + 1) % count:05d}", "hard": i % 2 == 0}],
            },
        }
        services.append(ServiceResult(name, file, i % 2, True, findings, raw))  # fmt: skip
    return run_result(tuple(services))
