"""Waiver expiry at its boundaries, which surviving mutants showed untested (see docs/mutation.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import NOW, good_manifest, run_cli, write

CHECKOUT = "services/checkout/shiftleft.yaml"
WAIVERS = "shiftleft-waivers.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """checkout: SL301 (high) at line 13; the run is judged on NOW (2026-11-25)."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, CHECKOUT, good_manifest().replace("rto: 30m", "rto: 2h"))
    return root


def run_with_waiver(repo: Path, capsys, monkeypatch, expires: str, config: str = "") -> tuple[int, list[tuple]]:
    write(repo, WAIVERS, "waivers:\n  - {rule: SL301, service: checkout, reason: DR re-architecture, "
          f"approved_by: architecture-board, ticket: RISK-142, expires: {expires}}}\n")  # fmt: skip
    if config:
        write(repo, ".shiftleft.toml", config)
    run = run_cli(["check", "--now", NOW, "--format", "json"], capsys, monkeypatch, repo)
    doc = json.loads(run.out)
    return run.code, [
        (f["rule"], f["location"]["line"], f["failing"], f["waiver"]["kind"] if f["waiver"] else None, f["message"])
        for f in doc["findings"]
    ]


def test_a_waiver_expiring_today_still_accepts_with_a_warning(repo: Path, capsys, monkeypatch) -> None:
    assert run_with_waiver(repo, capsys, monkeypatch, NOW) == (0, [
        ("SL301", 13, False, "waiver", "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"),
        ("SL905", 2, False, None, "waiver for SL301 on checkout expires on 2026-11-25, in 0 days"),
    ])  # fmt: skip


def test_a_waiver_that_expired_yesterday_accepts_nothing(repo: Path, capsys, monkeypatch) -> None:
    assert run_with_waiver(repo, capsys, monkeypatch, "2026-11-24") == (1, [
        ("SL301", 13, True, None, "RTO 2h exceeds the tier 1 (mission-critical) ceiling of 1h"),
        ("SL904", 2, True, None, "waiver for SL301 on checkout expired on 2026-11-24; it no longer accepts the risk"),
    ])  # fmt: skip


def test_the_warning_starts_30_days_ahead(repo: Path, capsys, monkeypatch) -> None:
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2026-12-25")
    assert (code, [f[0] for f in found], found[-1][4]) == (
        0, ["SL301", "SL905"], "waiver for SL301 on checkout expires on 2026-12-25, in 30 days")  # fmt: skip
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2026-12-26")
    assert (code, [f[0] for f in found]) == (0, ["SL301"])


def test_the_org_maximum_is_inclusive(repo: Path, capsys, monkeypatch) -> None:
    config = "[org]\nwaiver_max_days = {high = 40}\n"
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2027-01-04", config)  # 40 days away
    assert (code, [f[0] for f in found]) == (0, ["SL301"])
    code, found = run_with_waiver(repo, capsys, monkeypatch, "2027-01-05", config)  # 41 days away
    assert (code, found[-1]) == (1, (
        "SL903", 2, True, None, "waiver for SL301 on checkout expires 2027-01-05, 41 days away; high findings may "
        "be waived for at most 40 days"))  # fmt: skip


def _finding(rule: str = "SL301", service: str = "checkout", file: str = CHECKOUT, path: str = "spec.continuity.rto"):
    from shiftleft.findings import Finding, Location, Severity

    return Finding(rule, "rto", Severity.HIGH, "continuity", service, Location(file, 13, 10, path), "m")


def _waiver(rule: str = "SL301", service: str = "checkout", path: str = ""):
    from shiftleft.findings import Waiver

    return Waiver(rule, service, "r", "board", "", None, "w.yaml:2", path)


def test_a_waiver_matches_its_rule_and_service_and_what_lies_under_its_path() -> None:
    """`waivers.matches`: same rule AND same service; a path accepts that manifest path, what is under it (`.` or
    `[`), or a finding in that file; nothing that merely starts with the same letters."""
    from shiftleft.governance.waivers import matches

    assert matches(_waiver(), _finding())
    assert not matches(_waiver(), _finding(rule="SL302"))
    assert not matches(_waiver(), _finding(service="search"))
    assert not matches(_waiver(rule="SL302", service="search"), _finding())
    assert matches(_waiver(path="spec.continuity"), _finding())
    assert matches(_waiver(path="spec.continuity.rto"), _finding())
    assert not matches(_waiver(path="spec.continuity.rt"), _finding())
    assert matches(_waiver(path="spec.dependencies"), _finding(path="spec.dependencies[1].service"))
    assert not matches(_waiver(path="spec.dependencies[1]"), _finding(path="spec.dependencies[10].service"))
    assert matches(_waiver(path="infra/main.tf"), _finding(file="infra/main.tf", path="aws_s3_bucket.b"))
    assert not matches(_waiver(path="infra/main.tf"), _finding(file="infra/other.tf", path="aws_s3_bucket.b"))


def test_a_baseline_entry_is_shown_as_one_and_never_accepts_a_governance_finding(tmp_path: Path) -> None:
    """What the baseline's acceptance says in every report (rule, service, the baseline file, the path); and the
    governance findings (SL901-SL906: a waiver or the baseline itself is wrong) are accepted by nothing."""
    from shiftleft.findings import Waiver
    from shiftleft.governance import apply as apply_mod

    plain, governance = _finding(), _finding(rule="SL906", path="")
    inputs = apply_mod.Inputs(tmp_path, None, "", None, {}, {}, False, baseline=frozenset(
        {plain.fingerprint, governance.fingerprint}), baseline_display="base.json")  # fmt: skip
    accepted = apply_mod._accept(plain, {}, inputs)
    assert accepted.waiver == Waiver("SL301", "checkout", "recorded in the baseline", "baseline", "", None,
                                     "base.json", "spec.continuity.rto", "baseline")  # fmt: skip
    assert apply_mod._accept(governance, {}, inputs).waiver is None
    waived = _waiver(rule="SL906")
    assert apply_mod._accept(governance, {("SL906", "checkout"): [waived]}, inputs).waiver is None


# `governance.apply.apply` in process: which waiver accepts which finding, where each waiver problem goes.


def _rule(rule_id: str, name: str, severity: str, category: str):
    from shiftleft.findings import Severity
    from shiftleft.policy.catalog import Rule

    return Rule(rule_id, name, Severity(severity), category, "", "", f"fix {name}", f"rules/{rule_id}.yaml")


CATALOG = (
    _rule("SL002", "manifest-value", "high", "manifest"),
    _rule("SL301", "rto-within-tier", "high", "continuity"),
    _rule("SL315", "backup-retention", "medium", "continuity"),
    _rule("SL901", "waiver-incomplete", "high", "governance"),
    _rule("SL902", "waiver-unknown-target", "high", "governance"),
    _rule("SL903", "waiver-too-long", "high", "governance"),
    _rule("SL905", "waiver-expiring", "low", "governance"),
    _rule("SL906", "inline-waiver-not-allowed", "high", "governance"),
)
LINE = "{rule: %s, service: %s, reason: r, approved_by: board, ticket: T-1, expires: %s}"


def _found(rule: str, service: str, file: str, line: int, path: str = "", category: str = "continuity"):
    from shiftleft.findings import Finding, Location, Severity

    return Finding(rule, rule.lower(), Severity.HIGH, category, service, Location(file, line, 3, path), "m")


def _service(name: str, findings: tuple = (), waivers: list | None = None, at=None, valid: bool = True):
    from shiftleft.results import ServiceResult

    raw = {"spec": {"waivers": waivers}} if waivers is not None else {"spec": {}}
    return ServiceResult(name, f"{name}.yaml", 1, valid, findings, raw, at)


def _apply(tmp_path: Path, services: tuple, central: list[str] | None = None, **inputs):
    import datetime as dt

    from shiftleft.findings import Severity
    from shiftleft.governance import apply as apply_mod
    from shiftleft.governance.waivers import DEFAULT_MAX_DAYS
    from shiftleft.results import RunResult

    if central is not None:
        (tmp_path / WAIVERS).write_text("waivers:\n" + "".join(f"  - {line}\n" for line in central))
    unowned = inputs.pop("unowned", ())
    result = RunResult(services, (), Severity.HIGH, dt.datetime(2026, 11, 25, 23, 30), 3, catalog=CATALOG,
                       unowned=unowned)  # fmt: skip
    fields = {"waiver_file": tmp_path / WAIVERS, "waiver_display": WAIVERS, "inline_limit": Severity.MEDIUM,
              "max_days": DEFAULT_MAX_DAYS, "severity": {}, "scoped": False, **inputs}  # fmt: skip
    return apply_mod.apply(result, apply_mod.Inputs(tmp_path, **fields))


def _shown(result) -> list[tuple]:
    """Per service: (rule, service, file:line:col, waiver source) of each finding, in the order given."""
    return [
        (s.name, [(f.rule, f.service, str(f.location), f.waiver.source if f.waiver else None) for f in s.findings])
        for s in result.services
    ]


def test_central_waivers_accept_their_findings_and_their_problems_go_to_their_service(tmp_path: Path) -> None:
    checkout = _service("checkout", (
        _found("SL315", "checkout", "checkout.yaml", 20, "spec.continuity.backups"),
        _found("SL301", "checkout", "checkout.yaml", 13, "spec.continuity.rto"),
        _found("SL002", "checkout", "checkout.yaml", 30, "spec.x", "manifest")))  # fmt: skip
    search = _service("search", (_found("SL301", "search", "search.yaml", 13),))
    central = [LINE % ("SL301", "checkout", "2026-12-01"), LINE % ("SL301", "ghost", "2027-01-01"),
               LINE % ("SL901", "search", "2027-01-01"), LINE % ("SL301", "search", "2027-12-01")]  # fmt: skip
    result = _apply(tmp_path, (checkout, search), central)
    assert _shown(result) == [
        ("checkout", [("SL002", "checkout", "checkout.yaml:30:3", None),
                      ("SL301", "checkout", "checkout.yaml:13:3", f"{WAIVERS}:2"),
                      ("SL315", "checkout", "checkout.yaml:20:3", None),
                      ("SL905", "checkout", f"{WAIVERS}:2:5", None)]),
        ("search", [("SL301", "search", "search.yaml:13:3", None),
                    ("SL902", "search", f"{WAIVERS}:4:5", None),
                    ("SL903", "search", f"{WAIVERS}:5:5", None)]),
        (WAIVERS, [("SL902", "ghost", f"{WAIVERS}:3:5", None)]),
    ]  # fmt: skip
    assert [s[:4] for s in result.services] == [
        ("checkout", "checkout.yaml", 1, True), ("search", "search.yaml", 1, True), (WAIVERS, WAIVERS, None, True)]
    from shiftleft.findings import Finding, Location, Severity

    assert result.services[0].findings[3] == Finding(
        "SL905", "waiver-expiring", Severity.LOW, "governance", "checkout", Location(WAIVERS, 2, 5),
        "waiver for SL301 on checkout expires on 2026-12-01, in 6 days", "fix waiver-expiring")  # fmt: skip
    assert result.services[1].findings[1].message == (
        "waiver for SL901 on search: no rule SL901 in the catalog; it accepts nothing")  # findings about waivers
    assert [(f.rule, str(f.location)) for f in result.findings] == [
        ("SL301", "checkout.yaml:13:3"), ("SL315", "checkout.yaml:20:3"), ("SL002", "checkout.yaml:30:3"),
        ("SL301", "search.yaml:13:3"), ("SL905", f"{WAIVERS}:2:5"), ("SL902", f"{WAIVERS}:3:5"),
        ("SL902", f"{WAIVERS}:4:5"), ("SL903", f"{WAIVERS}:5:5")]  # fmt: skip
    assert [w.source for w in result.waivers] == [f"{WAIVERS}:2", f"{WAIVERS}:3", f"{WAIVERS}:4", f"{WAIVERS}:5"]


INLINE = "{rule: %s, reason: r, approved_by: board, expires: 2027-01-31}"


def _inline(rule: str) -> dict:
    return {"rule": rule, "reason": "r", "approved_by": "board", "expires": "2027-01-31"}


def test_inline_waivers_are_placed_where_the_manifest_declares_them(tmp_path: Path) -> None:
    """Positions found while loading are used when there is one for each entry; else the manifest is read again
    (and a manifest that cannot be read places them at 1:1). A broken manifest, or one with no list of waivers,
    declares none."""
    (tmp_path / "search.yaml").write_text(f"spec:\n  waivers:\n    - {INLINE % 'SL301'}\n    -  {INLINE % 'SL315'}\n")
    (tmp_path / "misplaced.yaml").write_text(f"spec:\n  waivers:\n    - {INLINE % 'SL301'}\n")
    services = (
        _service("broken", (_found("SL002", "broken", "broken.yaml", 4),), [_inline("SL301")], None, valid=False),
        _service("checkout", (_found("SL315", "checkout", "checkout.yaml", 20),), [_inline("SL315"), _inline("SL301")],
                 ((20, 7), (21, 7))),
        _service("empty", (), []),
        _service("search", (_found("SL315", "search", "search.yaml", 9),), [_inline("SL301"), _inline("SL315")]),
        _service("none", (), [_inline("SL301")], ()),
        _service("misplaced", (), [_inline("SL301")], ((8, 8), (9, 9))),
        _service("unread", (), [_inline("SL301"), _inline("SL301")], ((8, 8),)),
    )
    result = _apply(tmp_path, services)
    assert _shown(result) == [
        ("broken", [("SL002", "broken", "broken.yaml:4:3", None)]),
        ("checkout", [("SL315", "checkout", "checkout.yaml:20:3", "checkout.yaml:20"),
                      ("SL906", "checkout", "checkout.yaml:21:7", None)]),
        ("empty", []),
        ("search", [("SL906", "search", "search.yaml:3:7", None),
                    ("SL315", "search", "search.yaml:9:3", "search.yaml:4")]),
        ("none", []),
        ("misplaced", [("SL906", "misplaced", "misplaced.yaml:3:7", None)]),
        ("unread", [("SL906", "unread", "unread.yaml:1:1", None), ("SL906", "unread", "unread.yaml:1:1", None)]),
    ]  # fmt: skip
    assert [(w.source, w.kind) for w in result.waivers] == [
        ("checkout.yaml:20", "inline"), ("checkout.yaml:21", "inline"), ("misplaced.yaml:3", "inline"),
        ("search.yaml:3", "inline"), ("search.yaml:4", "inline"), ("unread.yaml:1", "inline"),
        ("unread.yaml:1", "inline")]  # fmt: skip


def test_a_manifest_whose_spec_is_not_a_mapping_declares_no_waivers(tmp_path: Path) -> None:
    from shiftleft.results import ServiceResult

    odd = (ServiceResult("a", "a.yaml", 1, True, (), {"spec": [1]}, None),
           ServiceResult("b", "b.yaml", 1, True, (), {"spec": {"waivers": {"rule": "SL301"}}}, None),
           ServiceResult("c", "c.yaml", 1, True, (), {}, None),
           ServiceResult("d", "d.yaml", 1, True, (), {"spec": {"waivers": 5}}, None))  # fmt: skip
    result = _apply(tmp_path, odd)
    assert (_shown(result), result.waivers) == ([("a", []), ("b", []), ("c", []), ("d", [])], ())


def test_the_central_waiver_file_must_stay_inside_the_waiver_root(tmp_path: Path) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "repo-evil"
    repo.mkdir()
    elsewhere.mkdir()
    (elsewhere / WAIVERS).write_text("waivers:\n  - " + LINE % ("SL301", "checkout", "2027-01-31") + "\n")
    (repo / WAIVERS).symlink_to(elsewhere / WAIVERS)
    checkout = (_service("checkout", (_found("SL301", "checkout", "checkout.yaml", 13),)),)
    assert _shown(_apply(repo, checkout, waiver_root=repo)) == [
        ("checkout", [("SL301", "checkout", "checkout.yaml:13:3", None)]),
        (WAIVERS, [("SL901", WAIVERS, f"{WAIVERS}:1:1", None)])]  # not read: nothing accepted
    accepted = ("SL301", "checkout", "checkout.yaml:13:3", f"{WAIVERS}:2")
    assert _shown(_apply(repo, checkout)) == [("checkout", [accepted])]  # no root: read


def test_the_configured_severity_decides_what_a_waiver_may_accept(tmp_path: Path) -> None:
    from shiftleft.findings import Severity

    services = (_service("checkout", (_found("SL315", "checkout", "checkout.yaml", 20),), [_inline("SL315")],
                         ((20, 7),)),)  # fmt: skip
    result = _apply(tmp_path, services, severity={"SL315": Severity.HIGH})
    assert _shown(result) == [("checkout", [("SL315", "checkout", "checkout.yaml:20:3", None),
                                            ("SL906", "checkout", "checkout.yaml:20:7", None)])]  # fmt: skip
    assert result.services[0].findings[1].message == (
        "waiver for SL315 on checkout: SL315 is high and inline waivers accept up to medium; record it in the central "
        "waiver file")


def test_a_focused_run_reports_the_waiver_problems_of_its_services_and_of_unknown_ones(tmp_path: Path) -> None:
    central = [LINE % ("SL301", "other", "2026-12-01"), LINE % ("SL301", "ghost", "2026-12-01"),
               LINE % ("SL301", "checkout", "2026-12-01")]  # fmt: skip
    checkout = (_service("checkout"),)
    scoped = _apply(tmp_path, checkout, central, scoped=True, known=frozenset({"checkout", "other"}))
    expected = [("checkout", [("SL905", "checkout", f"{WAIVERS}:4:5", None)]),
                (WAIVERS, [("SL902", "ghost", f"{WAIVERS}:3:5", None)])]  # fmt: skip
    assert _shown(scoped) == expected
    whole = _apply(tmp_path, checkout, central, known=frozenset({"checkout", "other"}))
    assert _shown(whole) == [expected[0], (WAIVERS, [("SL905", "other", f"{WAIVERS}:2:5", None),
                                                     ("SL902", "ghost", f"{WAIVERS}:3:5", None)])]  # fmt: skip
    sharded = _apply(tmp_path, checkout, central, known=frozenset({"checkout", "other"}), shard=lambda name: True)
    assert _shown(sharded) == expected  # a shard is scoped: another shard reports `other`


def test_a_shard_reports_its_removed_services_and_the_waiver_file_by_name(tmp_path: Path) -> None:
    from shiftleft.findings import Finding, Location, Severity
    from shiftleft.results import ServiceResult

    def removed(name: str) -> Finding:
        return Finding("SL910", "removed", Severity.HIGH, "governance", name, Location(f"{name}.yaml"), "m")

    gone = [ServiceResult(name, f"{name}.yaml", None, False, (removed(name),)) for name in ("gone", "left")]
    central = [LINE % ("SL301", "ghost", "2026-12-01")]
    mine = _apply(tmp_path, (_service("checkout"),), central, removed=gone, shard=lambda name: name != "left")
    assert _shown(mine) == [("checkout", []), ("gone", [("SL910", "gone", "gone.yaml", None)]),
                            (WAIVERS, [("SL902", "ghost", f"{WAIVERS}:2:5", None)])]  # fmt: skip
    other = _apply(tmp_path, (_service("checkout"),), central, removed=gone, shard=lambda name: name == "left")
    assert _shown(other) == [("checkout", []), ("left", [("SL910", "left", "left.yaml", None)])]
    every = _apply(tmp_path, (_service("checkout"),), None, removed=gone, waiver_file=None)
    assert [s.name for s in every.services] == ["checkout", "gone", "left"]
    not_the_file = _apply(tmp_path, (_service("checkout"),), central, shard=lambda name: name != WAIVERS)
    assert _shown(not_the_file) == [("checkout", [])]  # the shard that has the file's name reports its findings


def test_drift_findings_join_their_service_and_can_be_waived(tmp_path: Path) -> None:
    drift = (_found("SL301", "checkout", "checkout.yaml", 13, "spec.continuity.rto"),
             _found("SL315", "checkout", "checkout.yaml", 2),
             _found("SL315", "nowhere", "nowhere.yaml", 2))  # a service not in the run: dropped
    central = [LINE % ("SL301", "checkout", "2027-01-31")]
    result = _apply(tmp_path, (_service("checkout"), _service("search")), central, extra=drift)
    assert _shown(result) == [("checkout", [("SL315", "checkout", "checkout.yaml:2:3", None),
                                            ("SL301", "checkout", "checkout.yaml:13:3", f"{WAIVERS}:2")]),
                              ("search", [])]  # fmt: skip


def test_findings_of_no_service_are_accepted_by_the_baseline_only(tmp_path: Path) -> None:
    stray, other = _found("SL301", "", "infra/main.tf", 4), _found("SL301", "", "infra/other.tf", 9)
    central = [LINE % ("SL301", "checkout", "2027-01-31")]
    result = _apply(tmp_path, (_service("checkout"),), central, unowned=(other, stray),
                    baseline=frozenset({stray.fingerprint}), baseline_display="base.json")  # fmt: skip
    assert [(f.rule, str(f.location), f.waiver and f.waiver.describe()) for f in result.unowned] == [
        ("SL301", "infra/other.tf:9:3", None), ("SL301", "infra/main.tf:4:3", "in the baseline base.json")]
    assert [str(f.location) for f in result.findings] == ["infra/main.tf:4:3", "infra/other.tf:9:3"]


def test_the_inventory_lists_waivers_by_expiry_and_policy_loosenings_first(tmp_path: Path) -> None:
    from shiftleft.results import PolicyChange

    central = [LINE % ("SL301", "checkout", "2027-01-31"), LINE % ("SL301", "checkout", ""),
               LINE % ("SL315", "checkout", "2026-12-31"), LINE % ("SL315", "checkout", "2027-01-31")]  # fmt: skip
    changes = (PolicyChange(False, "tighter a"), PolicyChange(True, "looser b"), PolicyChange(False, "tighter c"),
               PolicyChange(True, "looser d"))  # fmt: skip
    result = _apply(tmp_path, (_service("checkout"),), central, policy_changes=changes)
    assert [(w.source, w.expires and w.expires.isoformat()) for w in result.waivers] == [
        (f"{WAIVERS}:4", "2026-12-31"), (f"{WAIVERS}:2", "2027-01-31"), (f"{WAIVERS}:5", "2027-01-31"),
        (f"{WAIVERS}:3", None)]  # fmt: skip
    assert [c.text for c in result.policy_changes] == ["looser b", "looser d", "tighter a", "tighter c"]


def test_a_governance_finding_of_a_rule_the_catalog_lacks_is_high() -> None:
    from shiftleft.findings import Finding, Location, Severity
    from shiftleft.governance.apply import finding

    where = Location("w.yaml", 2, 5)
    rules = {r.id: r for r in CATALOG} | {"SL999": "not a rule"}
    assert finding(rules, "SL905", "checkout", where, "soon") == Finding(
        "SL905", "waiver-expiring", Severity.LOW, "governance", "checkout", where, "soon", "fix waiver-expiring")
    expected = Finding("SL910", "governance", Severity.HIGH, "governance", "gone", where, "removed", "")
    assert finding(rules, "SL910", "gone", where, "removed") == expected
    assert finding(rules, "SL999", "gone", where, "removed") == expected._replace(rule="SL999")


def test_a_finding_that_already_carries_a_waiver_keeps_it(tmp_path: Path) -> None:
    from shiftleft.governance import apply as apply_mod

    own = _waiver(path="spec.continuity")._replace(source="earlier.yaml:4")
    carried = _finding()._replace(waiver=own)
    inputs = apply_mod.Inputs(tmp_path, None, "", None, {}, {}, False, baseline=frozenset({carried.fingerprint}))
    assert apply_mod._accept(carried, {("SL301", "checkout"): [_waiver()]}, inputs).waiver == own
    assert apply_mod._accept(_finding(), {("SL301", "checkout"): [_waiver()]}, inputs).waiver == _waiver()


def test_a_manifest_read_again_is_utf8_whatever_the_locale_and_parses_as_the_loader_reads_it(tmp_path: Path) -> None:
    """`_positions` reads the manifest as the loader does: UTF-8 (not the locale's encoding), a byte order mark
    only at the start; a manifest that does not parse places its waivers at 1:1."""
    import locale

    from shiftleft.governance.apply import _positions

    def positions(text: str) -> list[tuple[int, int]]:
        (tmp_path / "search.yaml").write_text(text, encoding="utf-8")
        return _positions(tmp_path, _service("search"), 2)

    waivers = f"spec:\n  waivers:\n    - {INLINE % 'SL301'}\n    -  {INLINE % 'SL315'}"
    assert positions("\ufeff# Übergang\n" + waivers + "\n") == [(4, 7), (5, 8)]
    before = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, "C")  # ASCII, unless Python runs in UTF-8 mode
        assert positions("# Übergang\n" + waivers + "\n") == [(4, 7), (5, 8)]
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert positions(waivers + "\ufeff") == [(1, 1), (1, 1)]  # the loader refuses it too: invalid YAML
    assert positions(waivers + "\n") == [(3, 7), (4, 8)]
