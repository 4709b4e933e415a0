"""Mutants of shiftleft/governance/policydiff.py: each policy edit a pull request makes, its exact line and
whether it is counted as a loosening (issue 14)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from shiftleft import config as config_mod
from shiftleft.findings import Severity
from shiftleft.governance import basepolicy, policydiff
from shiftleft.policy.tiers import Tier, TierPolicy
from shiftleft.results import PolicyChange
from tests.helpers import write

DEFAULTS = config_mod.defaults()


def base_at(tmp_path: Path, config_path: str = "") -> basepolicy.Base:
    root, folder = tmp_path / "repo", tmp_path / "copy"
    root.mkdir(exist_ok=True)
    folder.mkdir(exist_ok=True)
    return basepolicy.Base("main", "0" * 40, root, folder, folder, DEFAULTS, config_path)


def config_changes(base: basepolicy.Base, old: config_mod.Config, new: config_mod.Config) -> list[PolicyChange]:
    return list(policydiff._config(base, old, new, base.root))


@pytest.mark.parametrize(
    ("key", "was", "now", "looser"),
    [
        ("max_rto", "1h", "2h", True),
        ("max_rto", "2h", "1h", False),
        ("max_rto", "1h", "60m", False),  # written differently, the same duration
        ("restore_test_every", "30d", "90d", True),
        ("slo_floor", 99.9, 99.5, True),
        ("slo_floor", 99.5, 99.9, False),
        ("min_zones", 2, 2.0, False),
        ("min_strategy", "warm-standby", "pilot-light", True),
        ("min_strategy", "pilot-light", "warm-standby", False),
        ("offsite_backup", True, False, True),
        ("offsite_backup", True, None, True),
        ("offsite_backup", False, True, False),
        ("offsite_backup", None, False, False),
        ("name", "gold", "silver", False),
        ("requires", None, ["security"], True),
        ("max_rto", "soon", "1h", True),  # cannot be told: a reviewer must look
        ("min_strategy", "pilot-light", "sideways", True),
    ],
)
def test_a_tier_edit_is_a_loosening_exactly_when_it_lets_more_through(key: str, was, now, looser: bool) -> None:
    assert policydiff._looser(key, was, now) is looser


def test_a_configuration_file_added_by_the_pull_request_is_a_loosening(tmp_path: Path) -> None:
    base = base_at(tmp_path)
    new = DEFAULTS._replace(file=base.root / ".shiftleft.toml", fail_on=Severity.CRITICAL)
    assert config_changes(base, DEFAULTS, new) == [
        PolicyChange(True, "configuration file added in .shiftleft.toml", ".shiftleft.toml"),
        PolicyChange(True, "fail_on high → critical", ".shiftleft.toml"),
    ]
    elsewhere = base_at(tmp_path, "pyproject.toml")
    pyproject = DEFAULTS._replace(file=base.root / "sub" / "pyproject.toml")
    assert config_changes(elsewhere, DEFAULTS, pyproject) == [
        PolicyChange(
            True,
            "[tool.shiftleft] table added in sub/pyproject.toml (the base reads pyproject.toml)",
            "sub/pyproject.toml",
        ),
    ]
    same = base_at(tmp_path, "sub/pyproject.toml")
    assert config_changes(same, DEFAULTS, pyproject) == []


def test_a_configuration_outside_the_repository_is_not_a_file_added(tmp_path: Path) -> None:
    base = base_at(tmp_path)
    new = DEFAULTS._replace(file=tmp_path / "elsewhere.toml", fail_on=Severity.MEDIUM)
    shown = str(tmp_path / "elsewhere.toml")
    assert config_changes(base, DEFAULTS, new) == [PolicyChange(False, "fail_on high → medium", shown)]


def test_the_base_configuration_removed_and_the_severities_changed(tmp_path: Path) -> None:
    base = base_at(tmp_path, "conf/.shiftleft.toml")
    old = DEFAULTS._replace(severity={"SL301": Severity.HIGH, "SL302": Severity.LOW, "SL303": Severity.HIGH},
                            disable=("SL310",))  # fmt: skip
    new = DEFAULTS._replace(severity={"SL301": Severity.MEDIUM, "SL302": Severity.CRITICAL, "SL304": Severity.LOW},
                            disable=("SL311",), fail_on=Severity.LOW)  # fmt: skip
    assert config_changes(base, old, new) == [
        PolicyChange(True, "configuration conf/.shiftleft.toml removed", "conf/.shiftleft.toml"),
        PolicyChange(False, "fail_on high → low", ""),
        PolicyChange(True, "SL311 disabled", ""),
        PolicyChange(False, "SL310 enabled again", ""),
        PolicyChange(True, "SL301 severity high → medium", ""),
        PolicyChange(False, "SL302 severity low → critical", ""),
        PolicyChange(True, "SL303 severity high → the rule's own", ""),
        PolicyChange(True, "SL304 severity the rule's own → low", ""),
    ]


def test_globs_inline_waivers_paths_and_org_settings(tmp_path: Path) -> None:
    base = base_at(tmp_path)
    old = DEFAULTS._replace(manifests=("a/*.yaml", "b/*.yaml"), exclude=("x/**",), tiers=base.folder / "t.yaml",
                            org={"owner": "sre", "same": 1}, rules=(base.folder / "r1", base.folder / "r2"))  # fmt: skip
    new = DEFAULTS._replace(manifests=("b/*.yaml", "c/*.yaml"), exclude=("y/**",), inline_waivers="off",
                            tiers=None, org={"same": 1, "team": "x"}, rules=(base.root / "r1", base.root / "r2"),
                            waivers=tmp_path / "central.yaml")  # fmt: skip
    assert config_changes(base, old, new) == [
        PolicyChange(True, "manifests glob 'a/*.yaml' removed", ""),
        PolicyChange(False, "manifests glob 'c/*.yaml' added", ""),
        PolicyChange(False, "exclude glob 'x/**' removed", ""),
        PolicyChange(True, "exclude glob 'y/**' added", ""),
        PolicyChange(True, f"inline_waivers {DEFAULTS.inline_waivers} → off", ""),
        PolicyChange(True, "tiers t.yaml → default", ""),
        PolicyChange(True, f"waivers default → {tmp_path / 'central.yaml'}", ""),
        PolicyChange(True, "org.owner 'sre' → None", ""),
        PolicyChange(True, "org.team None → 'x'", ""),
    ]


def test_unowned_edits(tmp_path: Path) -> None:
    old = config_mod.Unowned(kubernetes=("k/*.yaml", "k2/*.yaml"), terraform=("**/*.tf",), python=("p",),
                             exclude=("e1",))  # fmt: skip
    new = config_mod.Unowned(kubernetes=("k2/*.yaml", "k3/*.yaml"), terraform=(), python=("p",), exclude=("e2",))
    assert list(policydiff._unowned(old, new, "c.toml")) == [
        PolicyChange(True, "unowned.kubernetes glob 'k/*.yaml' removed", "c.toml"),
        PolicyChange(False, "unowned.kubernetes glob 'k3/*.yaml' added", "c.toml"),
        PolicyChange(True, "unowned.terraform switched off (was '**/*.tf')", "c.toml"),
        PolicyChange(True, "unowned.exclude glob 'e2' added", "c.toml"),
        PolicyChange(False, "unowned.exclude glob 'e1' removed", "c.toml"),
    ]
    switched_on = config_mod.Unowned(terraform=())
    assert list(policydiff._unowned(switched_on, config_mod.Unowned(), "")) == [
        PolicyChange(False, "unowned.terraform glob '**/*.tf' added", ""),
    ]


def test_paths_are_shown_relative_to_their_root(tmp_path: Path) -> None:
    assert policydiff._paths(None, tmp_path) == ""
    assert policydiff._paths(tmp_path / "t.yaml", tmp_path) == "t.yaml"
    assert policydiff._paths((tmp_path / "a", Path("/elsewhere/b")), tmp_path) == "a, /elsewhere/b"


def rule(rule_id: str, severity: Severity, when: str | None = None, check: str = "true", each=None):
    return SimpleNamespace(id=rule_id, severity=severity, file=f"rules/{rule_id}.yaml", each=each,
                           when=SimpleNamespace(source=when) if when else None,
                           check=SimpleNamespace(source=check) if check else None)  # fmt: skip


def catalog(*rules):
    return SimpleNamespace(rules=list(rules), get={r.id: r for r in rules}.get)


def test_rule_edits() -> None:
    old = catalog(rule("R1", Severity.HIGH), rule("R2", Severity.LOW), rule("R3", Severity.HIGH, "a"),
                  rule("R4", Severity.HIGH, check="x"), rule("R5", Severity.HIGH, each=None), rule("R6", Severity.LOW),
                  rule("R7", Severity.LOW, "w", "c", "spec.x"), rule("R8", Severity.LOW),
                  rule("R9", Severity.LOW, check=""))  # fmt: skip
    new = catalog(rule("R2", Severity.HIGH), rule("R3", Severity.HIGH, "b"), rule("R4", Severity.HIGH, check=""),
                  rule("R5", Severity.HIGH, each="spec.items"), rule("R1x", Severity.INFO),
                  rule("R6", Severity.INFO), rule("R7", Severity.LOW, "w", "c", "spec.x"),
                  rule("R8", Severity.LOW, when="XXXX"), rule("R9", Severity.LOW, check="XXXX"))  # fmt: skip
    assert list(policydiff._catalog(old, new)) == [
        PolicyChange(True, "rule R1 removed (rules/R1.yaml)", "rules/R1.yaml"),
        PolicyChange(False, "R2 severity low → high", "rules/R2.yaml"),
        PolicyChange(True, "R3 logic changed (when, assert or each)", "rules/R3.yaml"),
        PolicyChange(True, "R4 logic changed (when, assert or each)", "rules/R4.yaml"),
        PolicyChange(True, "R5 logic changed (when, assert or each)", "rules/R5.yaml"),
        PolicyChange(True, "R6 severity low → info", "rules/R6.yaml"),
        PolicyChange(True, "R8 logic changed (when, assert or each)", "rules/R8.yaml"),
        PolicyChange(True, "R9 logic changed (when, assert or each)", "rules/R9.yaml"),
        PolicyChange(False, "rule R1x added (rules/R1x.yaml)", "rules/R1x.yaml"),
    ]


def tier(number: int, **raw) -> Tier:
    return Tier(number, raw, {})


def test_tier_edits() -> None:
    old = TierPolicy("base/tiers.yaml", {2: tier(2, max_rto="4h", name="silver"), 1: tier(1, max_rto="1h"),
                                         3: tier(3, max_rto="1d")})  # fmt: skip
    new = TierPolicy("tiers.yaml", {1: tier(1, max_rto="2h", min_zones=2), 2: tier(2, max_rto="2h", name="s")})
    assert list(policydiff._tiers(old, new)) == [
        PolicyChange(True, "tier 1 max_rto 1h → 2h", "tiers.yaml"),
        PolicyChange(True, "tier 1 min_zones None → 2", "tiers.yaml"),
        PolicyChange(False, "tier 2 max_rto 4h → 2h", "tiers.yaml"),
        PolicyChange(False, "tier 2 name silver → s", "tiers.yaml"),
        PolicyChange(True, "tier 3 removed", "tiers.yaml"),
    ]
    first_gone = TierPolicy("tiers.yaml", {2: tier(2, max_rto="4h", name="silver")})
    assert list(policydiff._tiers(old, first_gone)) == [
        PolicyChange(True, "tier 1 removed", "tiers.yaml"),
        PolicyChange(True, "tier 3 removed", "tiers.yaml"),
    ]


def waiver(rule_id: str, expires: str, path: str = "", approved: str = "board") -> str:
    fields = {"rule": rule_id, "service": "checkout", "reason": "later", "approved_by": approved,
              "ticket": "RISK-1", "expires": expires, "path": path}  # fmt: skip
    return "  - {" + ", ".join(f"{k}: {v}" for k, v in fields.items() if v) + "}\n"


def test_waiver_edits(tmp_path: Path) -> None:
    base = base_at(tmp_path)
    write(base.folder, "shiftleft-waivers.yaml", "waivers:\n" + waiver("SL301", "2027-01-31") + waiver(
        "SL302", "2027-01-31") + waiver("SL303", "2027-03-01") + waiver("SL304", "2027-01-31"))  # fmt: skip
    write(
        base.root,
        "shiftleft-waivers.yaml",
        "waivers:\n"
        + waiver("SL301", "2027-01-31")
        + waiver("SL302", "2027-02-28")
        + waiver("SL303", "2027-02-01")
        + waiver("SL305", "2027-01-31", "spec.x", "x"),
    )
    assert list(policydiff._waivers(base, DEFAULTS, DEFAULTS, base.root)) == [
        PolicyChange(True, "waiver for SL302 on checkout expiry 2027-01-31 → 2027-02-28", "shiftleft-waivers.yaml:3"),
        PolicyChange(False, "waiver for SL303 on checkout expiry 2027-03-01 → 2027-02-01", "shiftleft-waivers.yaml:4"),
        PolicyChange(
            True,
            "waiver added: SL305 on checkout at spec.x until 2027-01-31, approved by x",
            "shiftleft-waivers.yaml:5",
        ),
        PolicyChange(False, "waiver removed: SL304 on checkout", ""),
    ]
    central = tmp_path / "central.yaml"
    write(tmp_path, "central.yaml", "waivers:\n" + waiver("SL306", "2027-01-31"))
    moved = DEFAULTS._replace(waivers=central)
    assert [c.text for c in policydiff._waivers(base, moved, moved, base.root)] == []
    assert [c.text for c in policydiff._waivers(base, DEFAULTS, moved, base.root)][:1] == [
        "waiver added: SL306 on checkout until 2027-01-31, approved by board"
    ]


def test_rules_that_do_not_load_in_the_working_tree_are_a_loosening_listed_first(tmp_path: Path) -> None:
    base = base_at(tmp_path, ".shiftleft.toml")
    write(base.root, "tiers.yaml", "tiers: [\n")
    new = DEFAULTS._replace(tiers=base.root / "tiers.yaml", fail_on=Severity.CRITICAL)
    old = DEFAULTS._replace(fail_on=Severity.CRITICAL, disable=("SL301",))
    got = policydiff.compare(base, old, new, base.root)
    assert [(c.loosening, c.text.split(":")[0]) for c in got] == [
        (True, "configuration .shiftleft.toml removed"),
        (True, "tiers default → tiers.yaml"),
        (True, "the working tree's rules or tiers do not load"),
        (False, "SL301 enabled again"),
    ]
    assert got[2].text.startswith("the working tree's rules or tiers do not load: tiers.yaml:")
    assert got[2].source == ""


def test_every_configuration_edit_names_the_working_trees_file(tmp_path: Path) -> None:
    base = base_at(tmp_path, ".shiftleft.toml")
    old = DEFAULTS._replace(disable=("SL310",), severity={"SL301": Severity.HIGH}, manifests=("a/*.yaml",))
    new = DEFAULTS._replace(file=base.root / ".shiftleft.toml", disable=("SL311",), severity={"SL301": Severity.LOW},
                            manifests=("b/*.yaml",), inline_waivers="off", tiers=base.root / "t.yaml",
                            org={"x": 1}, unowned=config_mod.Unowned(kubernetes=(), python=("p",)))  # fmt: skip
    assert config_changes(base, old, new) == [
        PolicyChange(True, "SL311 disabled", ".shiftleft.toml"),
        PolicyChange(False, "SL310 enabled again", ".shiftleft.toml"),
        PolicyChange(True, "SL301 severity high → low", ".shiftleft.toml"),
        PolicyChange(True, "manifests glob 'a/*.yaml' removed", ".shiftleft.toml"),
        PolicyChange(False, "manifests glob 'b/*.yaml' added", ".shiftleft.toml"),
        PolicyChange(True, "unowned.kubernetes switched off (was '**/*.yaml', '**/*.yml')", ".shiftleft.toml"),
        PolicyChange(True, "unowned.python glob '**/__init__.py' removed", ".shiftleft.toml"),
        PolicyChange(True, "unowned.python glob '**/pyproject.toml' removed", ".shiftleft.toml"),
        PolicyChange(True, "unowned.python glob '**/setup.py' removed", ".shiftleft.toml"),
        PolicyChange(False, "unowned.python glob 'p' added", ".shiftleft.toml"),
        PolicyChange(True, f"inline_waivers {DEFAULTS.inline_waivers} → off", ".shiftleft.toml"),
        PolicyChange(True, "tiers default → t.yaml", ".shiftleft.toml"),
        PolicyChange(True, "org.x None → 1", ".shiftleft.toml"),
    ]


def test_waivers_without_expiry_or_approver(tmp_path: Path) -> None:
    base = base_at(tmp_path)
    bare = "  - {rule: %s, service: checkout, reason: r, ticket: t, approved_by: a%s}\n"
    write(
        base.folder,
        "shiftleft-waivers.yaml",
        "waivers:\n" + bare % ("SL301", "") + bare % ("SL302", ", expires: 2027-01-31"),
    )
    write(base.root, "shiftleft-waivers.yaml", "waivers:\n" + bare % ("SL301", ", expires: 2027-01-31") + bare % (
        "SL302", "") + bare.replace(", approved_by: a", "") % ("SL303", ""))  # fmt: skip
    assert list(policydiff._waivers(base, DEFAULTS, DEFAULTS, base.root)) == [
        PolicyChange(True, "waiver for SL301 on checkout expiry ? → 2027-01-31", "shiftleft-waivers.yaml:2"),
        PolicyChange(True, "waiver for SL302 on checkout expiry 2027-01-31 → ?", "shiftleft-waivers.yaml:3"),
        PolicyChange(True, "waiver added: SL303 on checkout until ?, approved by ?", "shiftleft-waivers.yaml:4"),
    ]
