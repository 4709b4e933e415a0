"""Mutants of shiftleft/governance/drift.py: each requirement downgrade (SL911-SL919) with its exact path and
message, what is not a downgrade, and the inline waivers a pull request adds (issue 14)."""

from __future__ import annotations

from shiftleft.governance import drift
from shiftleft.governance.drift import Downgrade

SINCE = "since main"
OLD = {
    "spec": {
        "tier": 1,
        "lifecycle": "production",
        "data": {"classification": "confidential"},
        "compliance": {"frameworks": ["pci-dss", "soc2"]},
        "availability": {"regions": ["eu-west1", "eu-west4"]},
        "security": {"encryption": {"at_rest": True, "in_transit": True, "min_tls": "1.2"}},
        "dependencies": [{"service": "search", "hard": True}, {"service": "mail", "hard": False}],
        "suppliers": [{"name": "stripe"}],
    }
}


def spec(**changed: object) -> dict[str, object]:
    return {"spec": {**OLD["spec"], **changed}}


def test_nothing_changed_or_no_mapping_is_no_downgrade() -> None:
    assert drift.compare(OLD, OLD, "main") == []
    assert drift.compare(OLD, [], "main") == []
    assert drift.compare("x", OLD, "main") == []


def test_paths_and_messages_of_security_and_compliance_downgrades() -> None:
    new = spec(
        security={"encryption": {"at_rest": True, "in_transit": False, "min_tls": True}},
        compliance={"frameworks": ["soc2"]},
        data={"classification": "internal"},
    )
    assert drift.compare(OLD, new, "main") == [
        Downgrade("SL915", ("spec", "security", "encryption", "in_transit"),
                  f"encryption in transit turned off (was true, now false) {SINCE}"),
        Downgrade("SL915", ("spec", "security", "encryption", "min_tls"),
                  f"minimum TLS version lowered from 1.2 to true {SINCE}"),
        Downgrade("SL916", ("spec", "compliance", "frameworks"), f"framework pci-dss dropped {SINCE}"),
        Downgrade("SL916", ("spec", "data", "classification"),
                  f"data classification lowered from confidential to internal {SINCE}"),
    ]  # fmt: skip


def test_regions_counted_when_the_list_is_gone_or_no_list() -> None:
    one = {"spec": {"availability": {"regions": ["eu"]}}}
    for regions, count in ((None, 0), ("xy", 0), ([], 0)):
        new = {"spec": {"availability": {"regions": regions}}}
        assert drift.compare(one, new, "main") == [
            Downgrade("SL914", ("spec", "availability", "regions"), f"regions lowered from 1 to {count} {SINCE}")
        ]
    two = spec(availability={"regions": "x"})
    assert [d.message for d in drift.compare(OLD, two, "main")] == [f"regions lowered from 2 to 0 {SINCE}"]


def test_only_new_hard_dependencies_and_new_suppliers_without_exit_plan() -> None:
    new = spec(
        dependencies=[{"service": "mail", "hard": True}, {"service": "search", "hard": True}, {"service": "x"}],
        suppliers=[{"name": "stripe"}, {"name": "adyen", "exit_plan": {"ref": "x.md"}}, {"name": "paypal"}],
    )
    assert drift.compare(OLD, new, "main") == [
        Downgrade("SL918", ("spec", "dependencies", 0), f"hard dependency on mail added {SINCE}"),
        Downgrade("SL919", ("spec", "suppliers", 2), f"supplier paypal added without an exit plan {SINCE}"),
    ]


def test_a_tier_or_lifecycle_of_the_wrong_type_is_a_downgrade() -> None:
    for tier, shown in (("2", "2"), (True, "true")):
        assert drift.compare(OLD, spec(tier=tier), "main") == [
            Downgrade("SL911", ("spec", "tier"), f"tier lowered from 1 to {shown} {SINCE}")
        ]
    assert drift.compare(OLD, spec(lifecycle=["production"]), "main") == [
        Downgrade("SL912", ("spec", "lifecycle"), f"lifecycle lowered from production to ['production'] {SINCE}")
    ]


def test_inline_waivers_added_compare_rule_path_and_expiry() -> None:
    same = [{"rule": "SL301", "expires": "2027-01-01"}, {"rule": "SL302", "path": "spec.a", "expires": "2027-01-01"}]
    old = {"spec": {"waivers": same}}
    new = {"spec": {"waivers": [*same, {"rule": "SL302", "path": "spec.b", "expires": "2027-01-01"},
                                {"rule": "SL303", "expires": "2027-01-01", "approved_by": "cto"},
                                {"rule": "SL301", "expires": "2027-06-01"}]}}  # fmt: skip
    assert drift.waivers_added(old, new, "checkout") == [
        "inline waiver added: SL302 on checkout until 2027-01-01, approved by None",
        "inline waiver added: SL303 on checkout until 2027-01-01, approved by cto",
        "inline waiver added: SL301 on checkout until 2027-06-01, approved by None",
    ]
    assert drift.waivers_added(None, {"spec": {"waivers": same[:1]}}, "c") == [
        "inline waiver added: SL301 on c until 2027-01-01, approved by None"
    ]
