"""`shiftleft.governance.waivers` function by function, for the mutants the CLI tests left alive (docs/mutation.md):
what the waiver file may look like and what each refusal says, how an entry is read, how it is judged, and
`org.waiver_max_days`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shiftleft.errors import ConfigError
from shiftleft.findings import Location, Severity, Waiver
from shiftleft.governance.waivers import (
    _CENTRAL_FIELDS,
    _INLINE_FIELDS,
    DEFAULT_MAX_DAYS,
    Declared,
    Judge,
    Problem,
    inline,
    judge,
    max_days,
    read_file,
)

SHAPE = "a waiver file is a mapping `waivers:` of a list of waivers"
ENTRY = "{rule: SL301, service: checkout, reason: r, approved_by: board, ticket: RISK-1, expires: 2027-01-31}"


def central(
    rule: str = "SL301", service: str = "checkout", line: int = 2, col: int = 5, problem: str = "", **changes
) -> Declared:
    waiver = Waiver(rule, service, "r", "board", "RISK-1", dt.date(2027, 1, 31), f"w.yaml:{line}", "", "waiver")
    return Declared(waiver._replace(**changes), line, col, "w.yaml", problem)


def problem(rule: str, message: str, display: str = "w.yaml", line: int = 1, col: int = 1) -> Problem:
    return Problem(rule, display, Location(display, line, col), message)


def test_the_waivers_of_the_file_are_read_at_their_lines_and_columns(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(f"waivers:\n  - {ENTRY}\n  -   {ENTRY.replace('checkout', ' search ')}\n")
    assert read_file(tmp_path / "w.yaml", "w.yaml", tmp_path) == (
        [central(line=2, col=5), central(service="search", line=3, col=7)], []
    )
    assert read_file(tmp_path / "w.yaml", "w.yaml") == read_file(tmp_path / "w.yaml", "w.yaml", tmp_path)


def test_a_central_waiver_without_a_service_names_none(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("waivers:\n- {rule: SL301}\n")
    missing = "missing service, reason, approved_by, ticket, expires"
    empty = Waiver("SL301", "", "", "", "", None, "w.yaml:2", "", "waiver")
    assert read_file(tmp_path / "w.yaml", "w.yaml", tmp_path) == ([Declared(empty, 2, 3, "w.yaml", missing)], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{}\n", ([], [])),
        ("", ([], [])),
        ("# no waivers yet\n", ([], [])),
        ("waivers: []\n", ([], [])),
        ("waivers:\n", ([], [problem("SL901", SHAPE)])),
        ("waivers: {a: 1}\n", ([], [problem("SL901", SHAPE)])),
        ("- 1\n", ([], [problem("SL901", SHAPE)])),
        ("waivers: []\nother: 1\n", ([], [problem("SL901", SHAPE)])),
        ("waivers: [\n", ([], [problem("SL901", "waiver file: invalid YAML: did not find expected node content "
                                       "(while parsing a flow node)", line=2)])),
        ("waivers: []\nwaivers: []\n", ([], [problem("SL901", "waiver file: duplicate key 'waivers' (first defined "
                                                  "on line 1, column 1); keep one of them", line=2)])),
        ("waivers:\n  - {a: 1}}\n", ([], [problem("SL901", "waiver file: invalid YAML: did not find expected '-' "
                                            "indicator (while parsing a block collection); this line breaks a list: "
                                            "indent it like the list's other `- ` items", line=2, col=11)])),
    ],
)
def test_a_waiver_file_of_another_shape_is_one_sl901_problem(tmp_path: Path, text: str, expected: tuple) -> None:
    (tmp_path / "w.yaml").write_text(text)
    assert read_file(tmp_path / "w.yaml", "w.yaml", tmp_path) == expected


def test_a_waiver_file_that_is_not_a_file_is_one_problem(tmp_path: Path) -> None:
    assert read_file(tmp_path, "dir.yaml", tmp_path) == (
        [], [problem("SL901", "waiver file: not a regular file", "dir.yaml")]
    )


def test_a_waiver_file_linked_from_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "repo-evil"
    repo.mkdir()
    elsewhere.mkdir()
    (elsewhere / "w.yaml").write_text(f"waivers:\n  - {ENTRY}\n")
    (repo / "w.yaml").symlink_to(elsewhere / "w.yaml")
    refused = problem("SL901", "the waiver file is a symlink that leads outside the repository; it was not read")
    assert read_file(repo / "w.yaml", "w.yaml", repo) == ([], [refused])
    assert read_file(repo / "w.yaml", "w.yaml", elsewhere) == ([central()], [])  # its target is inside that root
    assert read_file(repo / "w.yaml", "w.yaml") == ([central()], [])  # no root: nothing to stay inside


def test_a_waiver_is_read_field_by_field_and_stripped() -> None:
    entry = {"rule": " SL301 ", "service": "checkout\n", "reason": " r", "approved_by": "board", "ticket": "RISK-1",
             "expires": "2027-01-31", "path": " spec.continuity ", "note": 3}  # fmt: skip
    [declared] = inline("ignored", "m.yaml", [entry], [(7, 9)])
    assert declared == Declared(
        Waiver("SL301", "ignored", "r", "board", "RISK-1", dt.date(2027, 1, 31), "m.yaml:7", "spec.continuity",
               "inline"), 7, 9, "m.yaml", "")  # fmt: skip


def test_an_inline_waiver_needs_no_ticket_and_takes_its_manifests_service() -> None:
    entries = [{"rule": "SL301", "reason": "r", "approved_by": "board", "expires": "2027-01-31"}, "x", {}]
    first, second, third = inline("checkout", "m.yaml", entries, [(3, 7), (4, 7), (5, 7), (6, 7)])
    assert first == Declared(Waiver("SL301", "checkout", "r", "board", "", dt.date(2027, 1, 31), "m.yaml:3", "",
                                    "inline"), 3, 7, "m.yaml", "")  # fmt: skip
    empty = Waiver("", "checkout", "", "", "", None, "m.yaml:4", "", "inline")
    assert second == Declared(empty, 4, 7, "m.yaml", "a waiver is a mapping of rule, reason, approved_by, expires")
    assert third == Declared(empty._replace(source="m.yaml:5"), 5, 7, "m.yaml",
                             "missing rule, reason, approved_by, expires")  # fmt: skip
    assert inline("checkout", "m.yaml", {"rule": "SL301"}, [(3, 7)]) == []


def declare(fields: dict, kind: str = "waiver") -> Declared:
    from shiftleft.governance.waivers import _declared

    required = _CENTRAL_FIELDS if kind == "waiver" else _INLINE_FIELDS
    return _declared(fields, required, "" if kind == "waiver" else "checkout", "w.yaml", 2, 5, kind)


COMPLETE = {"rule": "SL301", "service": "checkout", "reason": "r", "approved_by": "board", "ticket": "RISK-1",
            "expires": "2027-01-31"}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "kind", "expected"),
    [
        ({}, "waiver", ""),
        ({"reason": "  ", "ticket": None}, "waiver", "missing reason, ticket"),
        ({"service": 5, "approved_by": ""}, "waiver", "missing service, approved_by"),
        ({"expires": dt.date(2027, 1, 31)}, "waiver", "missing expires"),
        ({"path": 3}, "waiver", "not text: path"),
        ({"path": ["a"], "service": 3}, "inline", "not text: path, service"),
        ({"ticket": 7}, "inline", "not text: ticket"),
        ({"path": "", "ticket": ""}, "inline", ""),
        ({"path": 3, "reason": ""}, "waiver", "missing reason"),
        ({"expires": "2027-02-30"}, "waiver", "expires: '2027-02-30' is not a calendar date"),
        ({"expires": "31.01.2027"}, "waiver", "expires: '31.01.2027' is not a date; write YYYY-MM-DD"),
    ],
)
def test_what_an_incomplete_waiver_lacks(changes: dict, kind: str, expected: str) -> None:
    declared = declare({**COMPLETE, **changes}, kind)
    assert declared.problem == expected
    assert declared.waiver.expires == (None if expected else dt.date(2027, 1, 31))


def test_an_incomplete_central_waiver_keeps_what_it_says() -> None:
    declared = declare({**COMPLETE, "reason": 4, "ticket": 5})
    assert declared == Declared(Waiver("SL301", "checkout", "", "board", "", None, "w.yaml:2", "", "waiver"), 2, 5,
                                "w.yaml", "missing reason, ticket")  # fmt: skip
    assert declare({"rule": "SL301"}).waiver.service == ""


JUDGE = Judge(
    today=dt.date(2026, 11, 25),
    severities={"SL301": Severity.HIGH, "SL315": Severity.MEDIUM, "SL120": Severity.CRITICAL},
    services=frozenset({"checkout", "search"}),
    inline_limit=Severity.MEDIUM,
    max_days={**DEFAULT_MAX_DAYS, Severity.HIGH: 90, Severity.MEDIUM: 180},
)


def judged(declared: Declared, rules: Judge = JUDGE) -> tuple[bool, str | None]:
    accepts, found = judge(declared, rules)
    if found is not None:
        assert found.location == Location(declared.file, declared.line, declared.col, "")
        return accepts, f"{found.rule} {found.service}: {found.message}"
    return accepts, None


def test_a_waiver_is_judged_in_a_fixed_order_and_every_refusal_says_why() -> None:
    assert judged(central()) == (True, None)
    incomplete = central(problem="missing reason")
    assert judged(incomplete) == (False, "SL901 checkout: waiver for SL301 on checkout: missing reason; it accepts "
                                  "nothing until complete")  # fmt: skip
    nameless = central(rule="", service="", problem="missing rule, service")
    assert judged(nameless) == (False, "SL901 w.yaml: waiver for ? on ?: missing rule, service; it accepts nothing "
                                "until complete")  # fmt: skip
    assert judged(central(rule="SL999")) == (False, "SL902 checkout: waiver for SL999 on checkout: no rule SL999 in "
                                             "the catalog; it accepts nothing")  # fmt: skip
    assert judged(central(service="payments")) == (False, "SL902 payments: waiver for SL301 on payments: no service "
                                                   "'payments' in the catalog; it accepts nothing")  # fmt: skip
    assert judged(central(expires=None)) == (False, "SL901 checkout: waiver for SL301 on checkout: no expiry date")
    assert judged(central(expires=dt.date(2026, 11, 25))) == (
        True, "SL905 checkout: waiver for SL301 on checkout expires on 2026-11-25, in 0 days")
    assert judged(central(expires=dt.date(2026, 11, 24))) == (
        False, "SL904 checkout: waiver for SL301 on checkout expired on 2026-11-24; it no longer accepts the risk")
    assert judged(central(expires=dt.date(2027, 2, 24))) == (
        False, "SL903 checkout: waiver for SL301 on checkout expires 2027-02-24, 91 days away; high findings may be "
        "waived for at most 90 days")  # fmt: skip
    assert judged(central(expires=dt.date(2027, 2, 23))) == (True, None)
    assert judged(central(expires=dt.date(2026, 12, 25))) == (
        True, "SL905 checkout: waiver for SL301 on checkout expires on 2026-12-25, in 30 days")
    assert judged(central(expires=dt.date(2026, 12, 26))) == (True, None)


def test_the_limit_is_the_rules_own_severity() -> None:
    medium = central(rule="SL315", expires=dt.date(2027, 5, 24))  # 180 days away: medium allows 180
    assert judged(medium) == (True, None)
    assert judged(central(expires=dt.date(2027, 5, 24)))[1] == (
        "SL903 checkout: waiver for SL301 on checkout expires 2027-05-24, 180 days away; high findings may be waived "
        "for at most 90 days")  # fmt: skip


def test_an_inline_waiver_accepts_up_to_the_inline_limit() -> None:
    def inline_waiver(rule: str) -> Declared:
        return central(rule=rule, kind="inline")

    assert judged(inline_waiver("SL315")) == (True, None)  # medium: at the limit
    assert judged(inline_waiver("SL301")) == (False, "SL906 checkout: waiver for SL301 on checkout: SL301 is high and "
                                              "inline waivers accept up to medium; record it in the central waiver "
                                              "file")  # fmt: skip
    off = JUDGE._replace(inline_limit=None)
    assert judged(inline_waiver("SL315"), off) == (False, "SL906 checkout: waiver for SL315 on checkout: inline "
                                                   "waivers are off (inline_waivers in configuration); record it in "
                                                   "the central waiver file")  # fmt: skip
    assert judged(central(rule="SL315"), off) == (True, None)  # the central file is not inline
    critical = central(rule="SL120", kind="inline", expires=dt.date(2026, 12, 25))  # critical: 30 days at most
    assert judged(critical, JUDGE._replace(inline_limit=Severity.CRITICAL)) == (
        True, "SL905 checkout: waiver for SL120 on checkout expires on 2026-12-25, in 30 days")


def test_the_maximum_length_is_a_number_or_a_table_by_severity() -> None:
    assert max_days({}, "c.toml") == DEFAULT_MAX_DAYS
    assert max_days({}, "c.toml") is not DEFAULT_MAX_DAYS
    assert max_days({"waiver_max_days": None}, "c.toml") == DEFAULT_MAX_DAYS
    assert max_days({"waiver_max_days": 0}, "c.toml") == dict.fromkeys(Severity, 0)
    assert max_days({"waiver_max_days": 45}, "c.toml") == dict.fromkeys(Severity, 45)
    table = max_days({"waiver_max_days": {"HIGH": 10, "info": 0}}, "c.toml")
    assert table == {**DEFAULT_MAX_DAYS, Severity.HIGH: 10, Severity.INFO: 0}
    assert max_days({"waiver_max_days": {}}, "c.toml") == DEFAULT_MAX_DAYS
    assert DEFAULT_MAX_DAYS == {Severity.CRITICAL: 30, Severity.HIGH: 90, Severity.MEDIUM: 180, Severity.LOW: 365,
                                Severity.INFO: 365}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "org.waiver_max_days: a number of days, or a table of severity to days"),
        (-1, "org.waiver_max_days: a number of days, or a table of severity to days"),
        ("30", "org.waiver_max_days: a number of days, or a table of severity to days"),
        ([30], "org.waiver_max_days: a number of days, or a table of severity to days"),
        ({"urgent": 3}, "org.waiver_max_days: unknown severity 'urgent' (choose from critical, high, medium, low, "
                        "info)"),
        ({"high": True}, "org.waiver_max_days.high: must be a whole number of days"),
        ({"high": -1}, "org.waiver_max_days.high: must be a whole number of days"),
        ({"low": 3, "high": "30"}, "org.waiver_max_days.high: must be a whole number of days"),
        ({"high": 2.5}, "org.waiver_max_days.high: must be a whole number of days"),
    ],
)
def test_a_maximum_of_another_kind_is_a_configuration_error(value: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        max_days({"waiver_max_days": value}, "c.toml")
    assert (str(caught.value), caught.value.file) == (f"c.toml: {message}", "c.toml")
