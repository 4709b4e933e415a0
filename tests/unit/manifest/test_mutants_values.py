"""Typed-value invariants that mutation testing asked for (docs/mutation.md, group `manifest`).

Durations, dates, percentages and intervals of `shiftleft.manifest.values`, each at its limits: exactly at a
limit passes, one past it fails with the exact message.
"""

from __future__ import annotations

import datetime as dt

import pytest

from shiftleft.manifest import values

NOT_A_DURATION = "is not a duration; write a number and a unit ms, s, m, h, d or w (for example 4h or 1h30m)"
CENTURY = 100 * 365 * 86400


def fails(call: object, *args: object) -> str:
    with pytest.raises(ValueError) as info:
        call(*args)  # type: ignore[operator]
    return str(info.value)


# ------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0s", 0),
        ("1ms", 0.001),
        ("1s", 1),
        ("1m", 60),
        ("1h", 3600),
        ("1d", 86400),
        ("1w", 604800),
        ("1w1d1h1m1s1ms", 694861.001),
        ("3000ms", 3),
        ("36500d", CENTURY),  # exactly a century
        ("0" * 14 + "1h", 3600),  # 15 digits are still read
    ],
)
def test_each_unit_and_the_century_limit(text: str, seconds: float) -> None:
    value = values.parse_duration(text)
    assert value == seconds
    assert isinstance(value, int) == (seconds == int(seconds))


def test_a_duration_one_second_over_a_century_fails() -> None:
    assert values.parse_duration(f"{CENTURY}s") == CENTURY
    assert fails(values.parse_duration, f"{CENTURY + 1}s") == f"'{CENTURY + 1}s' is longer than 100 years"
    assert fails(values.parse_duration, "36500d1ms") == "'36500d1ms' is longer than 100 years"


def test_a_number_of_16_digits_is_refused_before_it_is_multiplied() -> None:
    text = "1" + "0" * 15 + "ms"
    assert fails(values.parse_duration, text) == f"{text[:40]!r}... is longer than 100 years"
    long = "9" * 50 + "w"
    assert fails(values.parse_duration, long) == f"{long[:40]!r}... is longer than 100 years"


@pytest.mark.parametrize("text", ["", "4", "h", "4 h", "4H", "1.5h", "-1h", "4hx", "x4h", "4y", "1h 30m"])
def test_what_is_not_a_duration(text: str) -> None:
    assert fails(values.parse_duration, text) == f"{text!r} {NOT_A_DURATION}"


@pytest.mark.parametrize("value", [4, 4.5, None, True])
def test_a_non_string_is_not_a_duration(value: object) -> None:
    assert fails(values.parse_duration, value) == f"{value!r} {NOT_A_DURATION}"


@pytest.mark.parametrize("text", ["30m1h", "1h1h", "1s1m", "1ms1s", "1d1w"])
def test_units_repeated_or_out_of_order(text: str) -> None:
    assert fails(values.parse_duration, text) == (
        f"{text!r} repeats a unit or is out of order; write each unit once, largest first (1h30m)"
    )


@pytest.mark.parametrize(
    ("seconds", "cel"), [(0, "0s"), (90, "90s"), (1.5, "1500ms"), (0.001, "1ms"), (2.0, "2s"), (0.0015, "2ms")]
)
def test_cel_durations(seconds: float, cel: str) -> None:
    assert values.cel_duration(seconds) == cel


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (0.0004, "0s"),
        (0.001, "1ms"),
        (1, "1s"),
        (60, "1m"),
        (3600, "1h"),
        (86400, "1d"),
        (604800, "1w"),
        (694861.001, "1w1d1h1m1s1ms"),
        (5400, "1h30m"),
        (1209600, "2w"),
    ],
)
def test_format_seconds_is_the_shortest_exact_spelling(seconds: float, shown: str) -> None:
    assert values.format_seconds(seconds) == shown


# ------------------------------------------------------------------ dates


def test_dates() -> None:
    assert values.parse_date("2026-09-14") == dt.date(2026, 9, 14)
    assert values.parse_date("2028-02-29") == dt.date(2028, 2, 29)
    assert values.cel_timestamp(dt.date(2026, 9, 4)) == "2026-09-04T00:00:00Z"
    assert fails(values.parse_date, "2026-02-29") == "'2026-02-29' is not a calendar date"
    assert fails(values.parse_date, "2026-13-01") == "'2026-13-01' is not a calendar date"
    for text in ("2026-9-14", "2026-09-14T00:00", "26-09-14", "x2026-09-14", "2026/09/14", ""):
        assert fails(values.parse_date, text) == f"{text!r} is not a date; write YYYY-MM-DD"
    assert fails(values.parse_date, 20260914) == "20260914 is not a date; write YYYY-MM-DD"


# ------------------------------------------------------------------ percentages


@pytest.mark.parametrize(
    ("value", "number"),
    [(99.9, 99.9), (5, 5.0), (0, 0.0), ("5%", 5.0), ("0%", 0.0), ("100%", 100.0), ("99.95%", 99.95)],
)
def test_percentages(value: object, number: float) -> None:
    result = values.parse_percent(value)
    assert result == number and isinstance(result, float)


@pytest.mark.parametrize("value", ["100.01%", "-0.5%", "101%"])
def test_a_percentage_out_of_range(value: str) -> None:
    assert fails(values.parse_percent, value) == f"{value!r} is not between 0% and 100%"


@pytest.mark.parametrize("value", ["5", "five%", "%", "5 %x", None, [5]])
def test_not_a_percentage(value: object) -> None:
    assert fails(values.parse_percent, value) == (
        f"{value!r} is not a percentage; write a number like 99.9 or a string like 5%"
    )


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_percentage(value: bool) -> None:
    assert fails(values.parse_percent, value) == f"{value!r} is not a percentage"


# ------------------------------------------------------------------ intervals and months


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("6 months", (6, 0)),
        ("6months", (6, 0)),
        ("1 month", (1, 0)),
        ("12mo", (12, 0)),
        ("1200 months", (1200, 0)),
        ("92d", (0, 92 * 86400)),
        ("1500ms", (0, 1)),
    ],
)
def test_intervals(text: str, interval: tuple[int, int]) -> None:
    assert values.parse_interval(text) == interval


@pytest.mark.parametrize("text", ["0 months", "1201 months"])
def test_an_interval_of_months_out_of_range(text: str) -> None:
    assert fails(values.parse_interval, text) == f"{text!r} is not between 1 and 1200 months"


@pytest.mark.parametrize("value", ["6 weeks", "months", "6  months", "half a year", 6])
def test_not_an_interval(value: object) -> None:
    assert fails(values.parse_interval, value) == (
        f"{value!r} is not an interval; write `6 months`, `12 months` or a duration such as 92d"
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2028, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15)),
        (dt.date(2026, 12, 31), 12, dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 31), 2, dt.date(2025, 11, 30)),
        (dt.date(2026, 5, 10), 0, dt.date(2026, 5, 10)),
        (dt.date(2026, 11, 30), 1, dt.date(2026, 10, 30)),
        (dt.date(2, 12, 15), 12, dt.date(1, 12, 15)),  # December of the first year: the month after is in year 2
    ],
)
def test_months_before_clamps_to_the_months_end(day: dt.date, months: int, expected: dt.date) -> None:
    assert values.months_before(day, months) == expected


def test_interval_start() -> None:
    now = dt.date(2026, 8, 31)
    assert values.interval_start(now, (6, 0)) == dt.date(2026, 2, 28)
    assert values.interval_start(now, (0, 92 * 86400)) == dt.date(2026, 5, 31)
    assert values.interval_start(now, (0, 86400 * 2 - 1)) == dt.date(2026, 8, 30)  # whole days only
    assert values.interval_start(now, (0, 0)) == now


# ------------------------------------------------------------------ fallbacks


@pytest.mark.parametrize(
    "text", ["", "none", "NONE.", "n/a", "na", "N/A!", "tbd", "TBA", "todo", "to do", "---", "??", "...", "no", "nil"]
)
def test_placeholder_words(text: str) -> None:
    assert values.placeholder(text) is True
    assert values.placeholder(f"  {text}  ") is True
    assert values.real_fallback(text) is False


@pytest.mark.parametrize("text", ["none yet", "cached rates", "no-op", "n/a: queue", "later today"])
def test_sentences_are_not_placeholders(text: str) -> None:
    assert values.placeholder(text) is False
    assert values.real_fallback(text) is True


def test_structured_and_other_fallbacks() -> None:
    assert values.real_fallback({"kind": "cache", "provides": "rates"}) is True
    assert values.real_fallback({"kind": "", "provides": "rates"}) is False
    assert values.real_fallback({"kind": "cache", "provides": ""}) is False
    assert values.real_fallback({"provides": "rates"}) is False
    assert values.real_fallback({}) is False
    assert values.real_fallback(None) is False
    assert values.real_fallback(3) is False
