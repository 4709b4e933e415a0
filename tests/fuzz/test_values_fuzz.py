"""The duration, date and percent parsers: round trips, order, and nothing but ValueError on bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shiftleft.manifest import values

SECONDS = st.integers(min_value=0, max_value=values.MAX_SECONDS)
MILLIS = st.integers(min_value=0, max_value=values.MAX_SECONDS * 1000)
ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40),
    st.from_regex(r"[0-9]{1,20}(ms|[smhdw]|%| ?months?)?", fullmatch=True),
    st.from_regex(r"(?:[0-9]{1,6}(?:ms|[smhdw])){1,4}", fullmatch=True),
)  # fmt: skip


@given(MILLIS)
def test_duration_round_trip(millis: int) -> None:
    seconds = millis / 1000 if millis % 1000 else millis // 1000
    text = values.format_seconds(seconds)
    assert values.parse_duration(text) == seconds
    assert values.format_seconds(values.parse_duration(text)) == text  # the shortest spelling is a fixed point


@given(SECONDS, SECONDS)
def test_duration_order_is_the_order_of_seconds(a: int, b: int) -> None:
    pa, pb = values.parse_duration(values.format_seconds(a)), values.parse_duration(values.format_seconds(b))
    assert (pa < pb) == (a < b) and (pa == pb) == (a == b)
    assert values.cel_duration(pa) == f"{a}s"


@given(ANYTHING)
def test_parsers_raise_only_value_error(value: object) -> None:
    for parse in (values.parse_duration, values.parse_date, values.parse_percent, values.parse_interval):
        try:
            result = parse(value)  # type: ignore[arg-type]
        except ValueError as e:
            assert "\n" not in str(e)  # one line: it becomes a finding's message
            continue
        if parse is values.parse_duration:
            assert 0 <= result <= values.MAX_SECONDS  # type: ignore[operator]
        if parse is values.parse_percent:
            assert isinstance(result, float)


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_date_round_trip_and_cel_order(day: dt.date) -> None:
    assert values.parse_date(day.isoformat()) == day
    stamp = values.cel_timestamp(day)
    assert dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date() == day


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.dates(min_value=dt.date(1000, 1, 1)))
def test_cel_timestamps_sort_as_dates(a: dt.date, b: dt.date) -> None:
    assert (values.cel_timestamp(a) < values.cel_timestamp(b)) == (a < b)


@given(st.floats(min_value=0, max_value=100))
def test_percent_round_trip(number: float) -> None:
    assert values.parse_percent(f"{number!r}%") == number
    assert values.parse_percent(number) == number


@given(st.floats(allow_nan=False).filter(lambda x: not 0 <= x <= 100))
def test_percent_outside_0_to_100_is_refused(number: float) -> None:
    with pytest.raises(ValueError, match="not between 0% and 100%"):
        values.parse_percent(f"{number!r}%")


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 1, 1)), st.integers(1, 1200))
def test_months_before_is_earlier_and_at_most_a_month_off(day: dt.date, months: int) -> None:
    assume(day.year * 12 + day.month - months > 12)
    earlier = values.months_before(day, months)
    assert earlier < day
    assert (day.year * 12 + day.month) - (earlier.year * 12 + earlier.month) == months
