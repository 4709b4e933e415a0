"""Each defect of the catalog review (issue 15), shown on both sides of its boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from shiftleft.manifest import values
from shiftleft.policy import cel
from tests.required_helpers import CATALOG, check, complete, put, rules


def _svc(name: str, tier: int, rto: str, slo: float, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "shiftleft/v1",
        "kind": "Service",
        "metadata": {"name": name, "owner": f"team-{name}"},
        "spec": {"tier": tier, "availability": {"slo": slo, "window": "30d"}, "continuity": {"rto": rto, "rpo": rto}}
        | spec,
    }


def _sl7(found: list[tuple[str, str, int, str]]) -> list[str]:
    return sorted({f[0] for f in found if f[0].startswith("SL7")})


# --- fallbacks ----------------------------------------------------------------


@pytest.mark.parametrize("text", ["none", "None.", "n/a", "N/A", "na", "TBD", "todo", "-", "--", "?", "  ", "unknown"])
def test_placeholder_words_are_not_a_fallback(text: str) -> None:
    assert values.real_fallback(text) is False


@pytest.mark.parametrize(
    "value",
    [
        "cached rates, 24h",
        "none of the writes are lost: orders queue in the outbox",
        {"kind": "cache", "provides": "x"},
    ],
)
def test_real_fallbacks_count(value: object) -> None:
    assert values.real_fallback(value) is True


def test_a_structured_fallback_needs_kind_and_provides() -> None:
    assert values.real_fallback({"kind": "cache"}) is False


def test_the_rules_judge_placeholders_with_the_graphs_pattern() -> None:
    for rule_id in ("SL716", "SL717"):
        rule = CATALOG.get(rule_id)
        assert rule is not None and rule.check is not None
        assert rule.check.source == "!placeholder(item.fallback)"
    sl711 = CATALOG.get("SL711")
    assert sl711 is not None and sl711.when is not None
    assert "(type(item.fallback) == string && placeholder(item.fallback))" in sl711.when.source
    assert not any("matches(" in p.source for r in CATALOG.rules for p in (r.when, r.check) if p is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("none", True), (" N/A. ", True), ("TBD!", True), ("---", True), ("", True), ("not applicable", True),
     ("none\u00a0", True), ("cached rates, 24h", False), ("nonexistent", False), ("no writes are lost", False)],
)  # fmt: skip
def test_placeholder_in_cel_is_the_graphs_pattern(text: str, expected: bool) -> None:
    program = cel.compile_expression("placeholder(item)")
    assert program.run(cel.activation({"item": text})) == (expected, None)
    assert values.placeholder(text) is expected
    assert values.real_fallback(text) is not expected


@pytest.mark.parametrize(
    ("fallback", "expected"), [("none", ["SL701", "SL705", "SL716"]), ("cached reports, 24h old", [])]
)
def test_fallback_none_on_a_tier_3_dependency_of_a_tier_1_service(
    tmp_path: Path, fallback: str, expected: list[str]
) -> None:
    web = _svc("web", 1, "4h", 99.0, dependencies=[{"service": "reports", "hard": False, "fallback": fallback}])
    reports = _svc("reports", 3, "1h", 99.5)
    assert _sl7(check(tmp_path, web, others=(reports,))) == expected


@pytest.mark.parametrize(("fallback", "expected"), [("TBD", ["SL709", "SL717"]), ("adyen, manual switch", [])])
def test_fallback_tbd_on_a_hard_supplier_slower_than_the_service(
    tmp_path: Path, fallback: str, expected: list[str]
) -> None:
    supplier = {"name": "stripe", "hard": True, "fallback": fallback, "sla": {"rto": "48h"}}
    shop = _svc("shop", 3, "4h", 99.5, suppliers=[supplier])
    assert _sl7(check(tmp_path, shop)) == expected


def test_a_structured_fallback_is_accepted_and_an_incomplete_one_is_not(tmp_path: Path) -> None:
    good = {"kind": "alternate-supplier", "provides": "card payments", "holds": "72h", "tested": "2026-05-01"}
    shop = _svc("shop", 3, "4h", 99.5, suppliers=[{"name": "stripe", "hard": True, "fallback": good}])
    assert _sl7(check(tmp_path, shop)) == []
    broken = _svc("shop", 3, "4h", 99.5, suppliers=[{"name": "stripe", "fallback": {"kind": "cache"}}])
    found = check(tmp_path / "x", broken)
    assert [f[:3] for f in found if f[0] == "SL006"] == [("SL006", "critical", 16)]  # the `fallback:` line


@pytest.mark.parametrize(
    ("supplier", "expected"),
    [
        ({"hard": False, "fallback": "e-mail instead"}, []),  # soft, with a real fallback: no exit plan needed
        ({"hard": False, "fallback": "n/a"}, ["SL711"]),
        ({"hard": True, "fallback": "e-mail instead"}, ["SL711"]),
    ],
)
def test_sl711_exempts_only_a_soft_supplier_with_a_real_fallback(
    tmp_path: Path, supplier: dict[str, Any], expected: list[str]
) -> None:
    entry = {"name": "sms", "sla": {"availability": 99.99999}, "assurance": {"type": "soc2", "date": "2026-06-01"}}
    entry |= supplier | {"switch_time": "5m"}
    found = check(tmp_path, put(complete(1), "spec.suppliers", [entry]))
    assert [f[0] for f in found if f[0] in {"SL711"}] == expected


# --- dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("spec.continuity.last_test.date", "SL306"),
        ("spec.continuity.backups.last_restore_test", "SL319"),
        ("spec.security.threat_model.reviewed", "SL508"),
    ],
)
@pytest.mark.parametrize(("date", "future"), [("2062-01-01", True), ("2026-11-27", True), ("2026-11-26", False)])
def test_last_done_dates_in_the_future_are_findings(
    tmp_path: Path, path: str, rule: str, date: str, future: bool
) -> None:
    found = check(tmp_path, put(complete(1), path, date))  # as of 2026-11-25; one day of clock skew
    assert rules(found) == ([rule] if future else [])


@pytest.mark.parametrize(("key", "rule"), [("exit_plan", "SL711"), ("assurance", "SL713")])
@pytest.mark.parametrize(("date", "expected"), [("2062-01-01", True), ("2026-06-01", False)])
def test_supplier_dates_in_the_future_are_findings(
    tmp_path: Path, key: str, rule: str, date: str, expected: bool
) -> None:
    entry: dict[str, Any] = {
        "name": "stripe",
        "hard": True,
        "sla": {"availability": 99.99999},
        "fallback": "adyen",
        "switch_time": "5m",
        "exit_plan": {"ref": "docs/exit.md", "tested": "2026-06-01"},
        "assurance": {"type": "pci-aoc", "date": "2026-06-01"},
    }
    entry[key] = dict(entry[key], **{"tested" if key == "exit_plan" else "date": date})
    found = check(tmp_path, put(complete(1), "spec.suppliers", [entry]))
    assert rules(found) == ([rule] if expected else [])


@pytest.mark.parametrize(
    ("tier", "now", "date", "ok"),
    [
        (1, "2026-08-31", "2026-02-28", True),  # 6 calendar months back from 31 August is 28 February
        (1, "2026-08-31", "2026-02-27", False),
        (1, "2028-08-31", "2028-02-29", True),  # a leap year: 29 February
        (1, "2028-08-31", "2028-02-28", False),
        (2, "2028-03-01", "2027-03-01", True),  # 12 months across a leap day is 366 days
        (2, "2028-03-01", "2027-02-28", False),
    ],
)
def test_intervals_are_calendar_months(tmp_path: Path, tier: int, now: str, date: str, ok: bool) -> None:
    base = put(complete(tier), "spec.continuity.backups.last_restore_test", now)
    base = put(base, "spec.security.threat_model.reviewed", now)
    base = put(base, "spec.continuity.game_day", now)
    base = put(base, "spec.availability.capacity_test.date", now)
    found = check(tmp_path, put(base, "spec.continuity.last_test.date", date), now=now)
    assert rules(found) == ([] if ok else ["SL306"])


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert values.months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert values.months_before(dt.date(2028, 8, 31), 6) == dt.date(2028, 2, 29)
    assert values.months_before(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)
    assert values.months_before(dt.date(2026, 3, 31), 12) == dt.date(2025, 3, 31)


# --- smaller defects ----------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "coverage", "rto", "expected"),
    [
        (3, "business-hours", "24h", ["SL105"]),  # a weekend (64h) is longer than the RTO
        (3, "extended-hours", "24h", []),
        (4, "business-hours", "72h", []),
        (4, "business-hours", "48h", ["SL105"]),
        (4, "best-effort", "72h", []),
        (3, "best-effort", "24h", ["SL105"]),  # not in the tier's list
    ],
)
def test_sl105_business_hours_against_an_rto_shorter_than_a_weekend(
    tmp_path: Path, tier: int, coverage: str, rto: str, expected: list[str]
) -> None:
    base = put(complete(tier), "metadata.people.oncall.coverage", coverage)
    found = check(tmp_path, put(base, "spec.continuity.rto", rto))
    assert [f[0] for f in found if f[0] == "SL105"] == expected


@pytest.mark.parametrize(("duration", "expected"), [("21m36s", []), ("21m37s", ["SL409"])])
def test_sl409_major_incident_before_half_of_the_error_budget(
    tmp_path: Path, duration: str, expected: list[str]
) -> None:
    base = put(complete(2), "spec.incident.thresholds.major.duration", duration)  # 99.9% of 30d: 43m12s
    base = put(base, "spec.incident.thresholds.disaster.outage", "1h")
    assert rules(check(tmp_path, base)) == expected


def test_sl409_message_shows_the_declared_window(tmp_path: Path) -> None:
    from shiftleft.policy import messages

    rule = CATALOG.get("SL409")
    assert rule is not None
    shown = {
        "spec": {
            "incident": {"thresholds": {"major": {"duration": "30m"}}},
            "availability": {"slo": 99.9, "window": "7d"},
        }
    }
    assert messages.render(rule.message, shown) == (
        "a full outage is declared major only after 30m, more than half of the error budget that SLO 99.9% "
        "leaves over 7d"
    )


@pytest.mark.parametrize(("window", "expected"), [(None, ["SL209"]), ("30d", [])])
def test_sl209_an_slo_needs_its_window(tmp_path: Path, window: str | None, expected: list[str]) -> None:
    availability = {"slo": 99.5, "window": window} if window else {"slo": 99.5}
    assert rules(check(tmp_path, put(complete(3), "spec.availability", availability))) == expected


@pytest.mark.parametrize(("major", "expected"), [("30m", ["SL407"]), ("29m", [])])
def test_sl407_equal_durations_are_not_an_escalation_ladder(tmp_path: Path, major: str, expected: list[str]) -> None:
    base = put(complete(3), "spec.incident.thresholds.disaster.outage", "30m")
    found = check(tmp_path, put(base, "spec.incident.thresholds.major.duration", major))
    assert [f[0] for f in found if f[0] == "SL407"] == expected
    rule = CATALOG.get("SL407")
    assert rule is not None and "inverted" not in rule.message and "equal or longer" in rule.message


@pytest.mark.parametrize(("dependency_rto", "expected"), [("1h", ["SL702"]), ("59m", [])])
def test_sl702_a_dependency_with_the_same_rto_is_too_slow(
    tmp_path: Path, dependency_rto: str, expected: list[str]
) -> None:
    web = _svc("web", 1, "1h", 99.0, dependencies=[{"service": "api", "hard": True}])
    api = _svc("api", 1, dependency_rto, 99.99)
    assert [r for r in _sl7(check(tmp_path, web, others=(api,))) if r == "SL702"] == expected


# --- obligations from declared frameworks -------------------------------------

HEALTH = """\
apiVersion: shiftleft/v1
kind: Service
metadata:
  name: records
  owner: team-care
  people: {oncall: {rotation: care-primary}}
spec:
  tier: 4
  data: {classification: restricted, personal_data: true}
  compliance: {frameworks: [hipaa, dora, iso-22301]}
  security:
    internet_facing: false
    encryption: {at_rest: true, in_transit: true, min_tls: "1.3"}
    threat_model: {ref: docs/threat-model.md, reviewed: 2026-09-01}
    sdlc: {sast: true, dependency_scan: true, code_review: true}
"""
HEALTH_CONTINUITY = """\
  continuity:
    rto: 48h
    rpo: 24h
    plan: docs/dr-plan.md
    degraded_mode: read-only records, admissions on paper forms
    bia: {ref: docs/exit.md, mtd: 72h}
    last_test: {date: 2026-10-01, result: pass}
    backups: {frequency: 24h, retention: 30d, offsite: true, encrypted: true, last_restore_test: 2026-10-01}
"""


def test_a_low_tier_service_in_hipaa_dora_and_iso_22301_scope_gets_their_duties(tmp_path: Path) -> None:
    found = check(tmp_path, HEALTH)
    assert [(f[0], f[1]) for f in found] == [("SL609", "high"), ("SL610", "high"), ("SL612", "high")]
    assert check(tmp_path / "ok", HEALTH + HEALTH_CONTINUITY) == []


def test_a_misspelt_framework_is_high_and_fails_the_gate(tmp_path: Path) -> None:
    found = check(tmp_path, HEALTH.replace("[hipaa, dora, iso-22301]", "[HIPAA]"))
    assert [(f[0], f[1], f[3]) for f in found] == [("SL601", "high", "spec.compliance.frameworks[0]")]


@pytest.mark.parametrize(
    ("rotation", "retention", "expected"),
    [("365d", "365d", []), ("366d", "365d", ["SL613"]), ("365d", "364d", ["SL613"]), (None, "400d", ["SL613"])],
)
def test_pci_key_rotation_and_log_retention(
    tmp_path: Path, rotation: str | None, retention: str, expected: list[str]
) -> None:
    base = put(complete(2), "spec.compliance.frameworks", ["pci-dss"])
    base = put(base, "spec.data.classification", "restricted")
    base = put(base, "spec.security.audit_log_retention", retention)
    if rotation:
        base = put(base, "spec.security.key_rotation", rotation)
    assert [f[0] for f in check(tmp_path, base) if f[0].startswith("SL6")] == expected


@pytest.mark.parametrize(("rto", "expected"), [("72h", ["SL321"]), ("71h", [])])
def test_sl321_the_rto_sits_below_the_maximum_tolerable_downtime(tmp_path: Path, rto: str, expected: list[str]) -> None:
    text = (HEALTH + HEALTH_CONTINUITY).replace("rto: 48h", f"rto: {rto}")
    assert [f[0] for f in check(tmp_path, text)] == expected


@pytest.mark.parametrize(("entry", "expected"), [({"name": "cloudco"}, ["SL611"]),
    ({"name": "cloudco", "function": "hosting", "sla": {"availability": 99.9}, "data_locations": ["eu"]}, [])])  # fmt: skip
def test_sl611_dora_register_fields(tmp_path: Path, entry: dict[str, Any], expected: list[str]) -> None:
    base = put(complete(4), "spec.compliance.frameworks", ["dora"])
    found = check(tmp_path, put(base, "spec.suppliers", [entry]))
    assert [f[0] for f in found if f[0] == "SL611"] == expected


# --- regions and jurisdictions --------------------------------------------------


@pytest.mark.parametrize(
    ("location", "area", "inside"),
    [
        ("europe-west2", "eu", False),  # London
        ("eu-west-2", "eu", False),
        ("europe-west6", "eu", False),  # Zurich
        ("eu-central-2", "eu", False),
        ("eu-central-1", "de", True),  # Frankfurt
        ("europe-west3", "de", True),
        ("eu-central-1", "eu", True),
        ("de", "eu", True),
        ("eu", "eea", True),
        ("eea", "eu", False),
        ("norwayeast", "eea", True),
        ("norwayeast", "eu", False),
        ("uksouth", "uk", True),
        ("mars-north-1", "eu", False),  # unknown: fails closed
        ("mars-north-1", "mars-north-1", True),
        ("US-EAST-1", "us", True),
    ],
)
def test_within_places_regions_in_their_country_and_groups(location: str, area: str, inside: bool) -> None:
    from shiftleft.policy.jurisdictions import within

    assert within(location, area) is inside


@pytest.mark.parametrize(
    ("residency", "regions", "expected"),
    [(["eu"], ["europe-west2"], ["SL608"]), (["eu"], ["europe-west6"], ["SL608"]), (["de"], ["eu-central-1"], []),
     (["eu"], ["eu-central-1", "europe-west4"], [])],
)  # fmt: skip
def test_sl608_regions_by_jurisdiction(
    tmp_path: Path, residency: list[str], regions: list[str], expected: list[str]
) -> None:
    base = put(complete(3), "spec.compliance", {"data_residency": residency})
    assert rules(check(tmp_path, put(base, "spec.availability.regions", regions))) == expected


@pytest.mark.parametrize(("locations", "expected"), [(["de"], []), (["ch"], ["SL714"]), (["europe-west2"], ["SL714"])])
def test_sl714_supplier_locations_match_like_regions(tmp_path: Path, locations: list[str], expected: list[str]) -> None:
    base = put(complete(3), "spec.compliance", {"data_residency": ["eu"]})
    base = put(base, "spec.availability.regions", ["eu-west-1"])
    found = check(tmp_path, put(base, "spec.suppliers", [{"name": "mailco", "data_locations": locations}]))
    assert rules(found) == expected


# --- what an auditor expects ----------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "verified", "expected"), [("4h", True, []), ("4h1m", True, ["SL323"]), ("1h", False, ["SL323"])]
)
def test_sl323_restore_test_duration_within_the_rto_and_data_verified(
    tmp_path: Path, duration: str, verified: bool, expected: list[str]
) -> None:
    base = put(complete(2), "spec.continuity.backups.last_restore_duration", duration)  # tier 2: RTO 4h
    assert rules(check(tmp_path, put(base, "spec.continuity.backups.restore_verified", verified))) == expected


@pytest.mark.parametrize(("overdue", "expected"), [(0, []), (1, ["SL412"])])
def test_sl412_overdue_post_incident_actions(tmp_path: Path, overdue: int, expected: list[str]) -> None:
    base = put(complete(3), "spec.incident.post_incident", {"open_actions": 3, "overdue_actions": overdue})
    assert rules(check(tmp_path, base)) == expected


@pytest.mark.parametrize(("routes_to", "expected"), [("rotation", []), ("platform-inbox", ["SL210"])])
def test_sl210_slo_alerts_page_the_services_rotation(tmp_path: Path, routes_to: str, expected: list[str]) -> None:
    assert rules(check(tmp_path, put(complete(2), "spec.availability.alerting.routes_to", routes_to))) == expected


@pytest.mark.parametrize(
    ("strategy", "zones", "regions", "expected"),
    [("pilot-light", 1, ["eu-west-1"], ["SL322"]), ("pilot-light", 2, ["eu-west-1"], []),
     ("warm-standby", 1, ["eu-west-1", "eu-central-1"], []), ("backup-restore", 1, ["eu-west-1"], [])],
)  # fmt: skip
def test_sl322_a_strategy_above_backup_restore_needs_a_second_site(
    tmp_path: Path, strategy: str, zones: int, regions: list[str], expected: list[str]
) -> None:
    base = put(complete(3), "spec.continuity.strategy", strategy)
    base = put(base, "spec.availability.zones", zones)
    found = check(tmp_path, put(base, "spec.availability.regions", regions))
    assert [f[0] for f in found if f[0] == "SL322"] == expected
