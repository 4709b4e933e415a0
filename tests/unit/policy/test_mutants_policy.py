"""The CEL binding and the tier policy, with the exact values surviving mutants showed untested
(see tests/mutation/README.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from shiftleft.errors import ConfigError
from shiftleft.findings import Severity
from shiftleft.policy import cel, celcost, tiers


@pytest.mark.parametrize(
    ("source", "column", "message"),
    [
        ("1 +", 4, "Syntax error: the expression ends too early"),
        ("spec.x ==", 10, "Syntax error: the expression ends too early"),
        ("foo(1)", 4, "undeclared reference to 'foo'"),
        ("1 + 'a'", 3, "found no matching overload for '_+_' applied to '(int, string)'"),
        ("spec.(", 6, "Syntax error: no viable alternative at input '.('"),
        ("unknownvar == 1", 1, "undeclared reference to 'unknownvar'"),
        ("  )", 3, "Syntax error: mismatched input ')'"),
    ],
)
def test_a_compile_error_has_its_column_and_a_clean_message(source: str, column: int, message: str) -> None:
    with pytest.raises(cel.CelError) as caught:
        cel.compile_expression(source)
    assert (caught.value.column, caught.value.message, str(caught.value)) == (column, message, message)


def test_evaluation_errors_are_returned_as_clean_text() -> None:
    spec = cel.activation({"spec": {"a": 1}})
    assert cel.compile_expression("spec.a / 0 == 1").run(spec) == (None, "divide by zero")
    assert cel.compile_expression("spec.missing == 1").run(spec) == (None, 'Key not found in map : "missing"')
    assert cel.compile_expression("spec.a + 1").run(spec) == (2, None)


def test_clean_strips_status_prefixes_and_parser_noise() -> None:
    noisy = "INVALID_ARGUMENT: a  b [INVALID_ARGUMENT] (in container '') mismatched input '<EOF>' expecting {x, y} z expecting {q}"
    assert cel._clean(noisy) == "a b the expression ends too early z"
    assert [cel._clean(f"{p}: x") for p in ("NOT_FOUND", "UNKNOWN", "OUT_OF_RANGE")] == ["x", "x", "x"]
    assert cel._clean("a NOT_FOUND: x") == "a NOT_FOUND: x"  # only a leading status
    assert cel._clean("a; INVALID_ARGUMENT: b") == "a; b"  # but INVALID_ARGUMENT anywhere


def test_timestamps_are_aware_utc() -> None:
    naive = dt.datetime(2026, 1, 1, 12)
    assert cel.timestamp(naive) == dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    assert cel.timestamp(naive).tzinfo is dt.UTC
    plus_two = dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert cel.timestamp(plus_two) == dt.datetime(2026, 1, 1, 10, tzinfo=dt.UTC)
    assert cel.timestamp(plus_two).tzinfo is dt.UTC
    now = cel.activation({"now": cel.timestamp(naive)})
    assert cel.compile_expression("now").run(now) == (dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), None)


@pytest.mark.parametrize(
    ("source", "grows"),
    [
        ("spec.a", False),
        ("spec.l.all(x, x > 0)", True),
        ("spec.l.map(x, x)", True),
        ("spec.l .exists (x, true)", True),
        ("spec.l.exists_one(x, true)", True),
        ("spec.l.filter(x, true)", True),
        ("[1] + [2]", True),
        ("'a' + 'b'", True),
    ],
)
def test_which_programs_may_grow(source: str, grows: bool) -> None:
    assert cel.compile_expression(source).grows is grows


def test_a_deserialized_program_reads_now_and_exists_asks_the_installed_hook() -> None:
    program = cel.compile_expression("now > timestamp('2000-01-01T00:00:00Z') && exists('docs/plan.md')")
    again = cel.deserialize(program.serialize(), program.source)
    seen: list[str] = []
    cel.set_exists(lambda path: seen.append(path) or path == "docs/plan.md")
    try:
        moment = cel.timestamp(dt.datetime(2026, 1, 1))
        assert again.run(cel.activation({"now": moment})) == (True, None)
        assert again.source == program.source
        assert seen == ["docs/plan.md"]
    finally:
        cel.set_exists(lambda _path: False)


def test_within_is_the_jurisdictions_answer() -> None:
    program = cel.compile_expression("within('europe-west1', 'eu') && !within('us-east1', 'eu')")
    assert program.run(cel.activation({})) == (True, None)


def test_cost_is_checked_against_the_limit_times_the_items() -> None:
    program = cel.compile_expression("spec.l.all(x, x > 0)")
    small = celcost.Estimate({"spec": {"l": list(range(33))}})  # costs exactly 500
    assert program.too_costly(small, celcost.LIMIT // 500) is None  # exactly at the limit: allowed
    assert program.too_costly(small, celcost.LIMIT // 500 + 1) == (
        "its estimated cost on this manifest (20,000,500) is over the limit of 20,000,000 "
        "(comprehensions or concatenation over large values)"
    )
    large = celcost.Estimate({"spec": {"l": [0] * 1_000_000}})  # costs 15,000,005: once is allowed, twice not
    assert program.too_costly(large) is None
    assert program.too_costly(large, 2) is not None
    assert cel.compile_expression("spec.l.size() > 0").too_costly(large, 10**9) is None  # cannot grow


class _Counting(celcost.Estimate):
    """An estimate that counts the walks it is asked for."""

    walks = 0

    def cost(self, node: celcost.Node) -> float:
        _Counting.walks += 1
        return super().cost(node)


def test_a_program_that_cannot_grow_costs_nothing() -> None:
    assert cel.compile_expression("spec.a").cost(celcost.Estimate({"spec": {"a": 1}})) == 0


def test_costs_are_remembered_by_the_input_values_they_read_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """One walk per distinct input (`Estimate.key`), the answer kept as it was computed; at most `_REMEMBERED`
    inputs per program; an input with no key (too long to remember) is walked every time and never kept."""
    program = cel.compile_expression("spec.l.all(x, x > 0)")
    _Counting.walks = 0
    first = _Counting({"spec": {"l": [1, 2]}})
    assert (program.cost(first), program.cost(_Counting({"spec": {"l": [1, 2]}}))) == (program.cost(first),) * 2
    assert _Counting.walks == 1
    assert program._costs == {first.key(program._reads): first.cost(program._tree)}  # type: ignore[arg-type]
    long = _Counting({"spec": {"l": list(range(200))}})
    assert long.key(program._reads) is None  # over MAX_KEY bytes
    _Counting.walks = 0
    program.cost(long)
    program.cost(long)
    assert _Counting.walks == 2 and len(program._costs) == 1
    monkeypatch.setattr(cel, "_REMEMBERED", 3)
    for n in range(6):
        program.cost(_Counting({"spec": {"l": list(range(n))}}))
    assert len(program._costs) == 3


def test_a_program_from_the_cache_is_read_now_or_when_it_first_runs() -> None:
    with pytest.raises(RuntimeError) as caught:
        cel.deserialize(b"not a program", "x")
    assert "Cannot parse serialized CEL expression" in str(caught.value)
    lazy = cel.deserialize(b"not a program", "x", lazy=True)  # the catalog cache's way: nothing read yet
    with pytest.raises(RuntimeError):
        lazy.compiled()


class _Raising:
    """Stands in for the runtime where it raises instead of returning an error value."""

    def compile(self, source: str) -> None:
        raise RuntimeError("INVALID_ARGUMENT: odd  failure [INVALID_ARGUMENT]")

    def eval(self, activation: object) -> None:
        raise RuntimeError("OUT_OF_RANGE: index  out of range")


def test_errors_the_runtime_raises_are_cleaned_too(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cel.Program(_Raising(), "x").run(None) == (None, "index out of range")
    monkeypatch.setattr(cel, "_env", _Raising)
    with pytest.raises(cel.CelError) as caught:
        cel.compile_expression("x")
    assert (caught.value.message, caught.value.column) == ("odd failure", 1)


# -- the tier policy ---------------------------------------------------------------------------------------------

TIERS = Path(__file__).resolve().parents[3] / "rules" / "tiers.yaml"
TIER_4: dict[str, Any] = yaml.safe_load(TIERS.read_text(encoding="utf-8"))["tiers"][4]


def load_tiers(tmp_path: Path, doc: Any) -> str:
    """The loaded table's tier numbers, or the one-line error."""
    path = tmp_path / "tiers.yaml"
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    try:
        return repr(sorted(tiers.load(path, "t.yaml").tiers))
    except ConfigError as e:
        return str(e)


def tier_4(**changes: Any) -> dict[str, Any]:
    row = dict(TIER_4)
    for key, value in changes.items():
        if value is _DROP:
            row.pop(key)
        else:
            row[key] = value
    return {"tiers": {4: row}}


_DROP = object()
P = "t.yaml:{}: tier policy: "
BAD_TIERS = {
    "not-a-mapping": ("- a\n", P.format("1:1") + "expected a mapping `tiers:` of tier number to targets"),
    "no-tiers": ({"tiers": {}}, P.format("1:1") + "expected a mapping `tiers:` of tier number to targets"),
    "tiers-a-list": ({"tiers": [1]}, P.format("1:1") + "expected a mapping `tiers:` of tier number to targets"),
    "extra-keys": ({"tiers": {4: TIER_4}, "zzz": 1, "aaa": 2}, P.format("35:1") + "unknown key 'aaa'"),
    "tier-name": ({"tiers": {"x": TIER_4}}, P.format("2:3") + "tier 'x' is not a number"),
    "row-a-list": ({"tiers": {4: [1]}}, P.format("2:3") + "tier 4: expected a mapping of targets"),
    "missing": (tier_4(sbom=_DROP), P.format("2:3") + "tier 4: missing sbom"),
    "wrong-type": (tier_4(min_zones="2"), P.format("8:16") + "tier 4: min_zones has the wrong type ('2')"),
    "bool-for-int": (tier_4(min_zones=True), P.format("8:16") + "tier 4: min_zones has the wrong type (True)"),
    "bool-for-slo": (tier_4(slo_floor=True), P.format("4:16") + "tier 4: slo_floor has the wrong type (True)"),
    "unknown-keys": (tier_4(zeta=1, alpha=2), P.format("35:5") + "tier 4: unknown key 'alpha'"),
    "strategy": (tier_4(min_strategy="hot"), P.format("7:19") + "tier 4: min_strategy must be one of "
                 "backup-restore, pilot-light, warm-standby, active-active"),
    "coverage": (tier_4(oncall_coverage=["24x7", "never"]), P.format("13:7") + "tier 4: oncall_coverage must "
                 "list 24x7, extended-hours, business-hours, best-effort"),
    "severity": (tier_4(requires_severity="loud"), P.format("29:24") + "tier 4: requires_severity: unknown "
                 "severity 'loud' (choose from critical, high, medium, low, info)"),
    "not-in-schema": (tier_4(requires=["spec.nope"]), P.format("31:7") + "tier 4: requires: spec.nope is not "
                      "a field of the manifest schema"),
    "twice": (tier_4(requires=["spec.tier", "spec.tier"]), P.format("32:7") + "tier 4: requires: spec.tier is "
              "listed twice"),
    "entry-shape": (tier_4(requires=[{"path": "spec.tier", "x": 1}]), P.format("31:7") + "tier 4: requires: "
                    "write a manifest path, or {path: ..., unless: ...}"),
    "entry-no-path": (tier_4(requires=[{"unless": "spec.data.stateless"}]), P.format("31:7") + "tier 4: "
                      "requires: write a manifest path, or {path: ..., unless: ...}"),
    "unless-text": (tier_4(requires=[{"path": "spec.tier", "unless": "nope"}]), P.format("31:7") + "tier 4: "
                    "requires: unless 'nope' is not a manifest path such as spec.data.stateless"),
    "unless-number": (tier_4(requires=[{"path": "spec.tier", "unless": 3}]), P.format("31:7") + "tier 4: "
                      "requires: unless 3 is not a manifest path such as spec.data.stateless"),
    "unless-unknown": (tier_4(requires=[{"path": "spec.tier", "unless": "spec.data.nope"}]), P.format("31:7")
                       + "tier 4: requires: spec.data.nope is not a field of the manifest schema"),
    "path-case": (tier_4(requires=["Spec.tier"]), P.format("31:7") + "tier 4: requires: 'Spec.tier' is not a "
                  "manifest path such as spec.incident.runbook"),
    "path-suffix": (tier_4(requires=["spec.tier x"]), P.format("31:7") + "tier 4: requires: 'spec.tier x' is "
                    "not a manifest path such as spec.incident.runbook"),
    "path-number": (tier_4(requires=[3]), P.format("31:7") + "tier 4: requires: 3 is not a manifest path such "
                    "as spec.incident.runbook"),
    "duration": (tier_4(max_rto="5x"), P.format("5:14") + "tier 4: max_rto: '5x' is not a duration; write a "
                 "number and a unit ms, s, m, h, d or w (for example 4h or 1h30m)"),
    "interval": (tier_4(dr_test_every="often"), P.format("20:20") + "tier 4: dr_test_every: 'often' is not an "
                 "interval; write `6 months`, `12 months` or a duration such as 92d"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_TIERS))
def test_each_bad_tier_table_is_one_located_error(tmp_path: Path, case: str) -> None:
    doc, expected = BAD_TIERS[case]
    assert load_tiers(tmp_path, doc) == expected


def test_an_integer_slo_floor_and_an_unless_of_none_are_accepted(tmp_path: Path) -> None:
    assert load_tiers(tmp_path, tier_4(slo_floor=99)) == "[4]"
    assert load_tiers(tmp_path, tier_4(requires=[{"path": "spec.tier", "unless": None}])) == "[4]"


def test_the_default_table_typed_for_cel() -> None:
    policy = tiers.load(TIERS, "rules/tiers.yaml")
    assert policy.source == "rules/tiers.yaml" and sorted(policy.tiers) == [0, 1, 2, 3, 4]
    assert policy.get(9) is None
    one = policy.get(1)
    assert one is not None and one.number == 1 and one.requires_severity is Severity.HIGH
    typed = one.typed
    assert (typed["number"], typed["slo_floor"], typed["max_rto"], typed["max_rpo"]) == (1, 99.95, "3600s", "900s")
    assert (typed["backup_retention"], typed["dr_test_every"], typed["restore_test_every"]) == (
        "3024000s", "15811200s", "15811200s")  # fmt: skip
    assert typed["allowed_strategies"] == ["warm-standby", "active-active"]
    assert policy.tiers[0].typed["allowed_strategies"] == ["active-active"]
    assert policy.tiers[4].typed["allowed_strategies"] == list(tiers.STRATEGIES)
    assert (one.raw["max_rto"], one.raw["number"]) == ("1h", 1)
    assert typed["requires"] == one.raw["requires"] == [r.dotted for r in one.requires]
    backups = next(r for r in one.requires if r.dotted == "spec.continuity.backups")
    assert backups == tiers.Requirement(("spec", "continuity", "backups"), "spec.continuity.backups",
                                        ("spec", "data", "stateless"))  # fmt: skip
    assert one.requires[0] == tiers.Requirement(
        ("metadata", "people", "service_owner"), "metadata.people.service_owner"
    )


def test_cutoffs_reach_back_by_calendar_months_and_allow_one_day_of_skew() -> None:
    policy = tiers.load(TIERS, "rules/tiers.yaml").with_dates(dt.datetime(2026, 8, 31, 15, tzinfo=dt.UTC))
    assert policy.tiers[1].typed["cutoff"] == {
        "dr_test": "2026-02-28T00:00:00Z",
        "restore_test": "2026-02-28T00:00:00Z",
        "year": "2025-08-31T00:00:00Z",
        "future": "2026-09-01T00:00:00Z",
    }
    assert policy.tiers[0].typed["cutoff"]["restore_test"] == "2026-05-31T00:00:00Z"  # 3 months
    assert "cutoff" not in tiers.load(TIERS, "rules/tiers.yaml").tiers[1].typed


def test_an_interval_counts_a_month_as_30_5_days() -> None:
    assert tiers._interval_seconds("92d") == 92 * 86400
    assert tiers._interval_seconds("6 months") == 6 * 2635200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tiers:\n  x: {name: a}\n", P.format("2:3") + "tier 'x' is not a number"),
        ("tiers:\n  x: 5\n", P.format("2:3") + "tier 'x' is not a number"),
        ("tiers:\n  4: [1]\n", P.format("2:3") + "tier 4: expected a mapping of targets"),
        ("tiers:\n  4: 5\n", P.format("2:3") + "tier 4: expected a mapping of targets"),
        ("tiers:\n  4: {name: a}\n", P.format("2:3") + "tier 4: missing slo_floor"),
    ],
)
def test_a_problem_with_a_whole_tier_points_at_its_key_not_its_value(tmp_path: Path, text: str, expected: str) -> None:
    assert load_tiers(tmp_path, text) == expected


def test_an_integer_slo_floor_is_a_double_for_cel_and_the_requires_severity_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "tiers.yaml"
    path.write_text(yaml.safe_dump(tier_4(slo_floor=99, requires_severity="medium")), encoding="utf-8")
    four = tiers.load(path, "t.yaml").tiers[4]
    assert four.typed["slo_floor"] == 99.0 and isinstance(four.typed["slo_floor"], float)
    assert four.raw["slo_floor"] == 99 and isinstance(four.raw["slo_floor"], int)
    assert four.requires_severity is Severity.MEDIUM
