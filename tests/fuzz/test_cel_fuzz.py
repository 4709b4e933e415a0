"""The CEL binding: what the loader hands CEL compares as Python does, and no input escapes as a crash."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shiftleft.manifest import values
from shiftleft.policy import cel

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
SCALARS = st.one_of(
    st.none(), st.booleans(), INT64, st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)
LESS = cel.compile_expression("spec.a < spec.b")
EQUAL = cel.compile_expression("spec.a == spec.b")
DURATIONS = cel.compile_expression("duration(spec.a) <= duration(spec.b)")
TIMES = cel.compile_expression("timestamp(spec.a) < timestamp(spec.b)")
READS = [cel.compile_expression(e) for e in (
    "has(spec.x) && spec.x == 1", "size(spec) > 0", "spec.exists(k, k == 'x')",
    "spec.x.y.z == 'a'", "spec.all(k, spec[k] != null)",
)]  # fmt: skip


def run(program: cel.Program, spec: object) -> tuple[object, str | None]:
    return program.run(cel.activation({"spec": spec, "now": dt.datetime(2026, 11, 25, tzinfo=dt.UTC)}))


@given(INT64, INT64)
def test_integers_compare_as_in_python(a: int, b: int) -> None:
    assert run(LESS, {"a": a, "b": b}) == (a < b, None)
    assert run(EQUAL, {"a": a, "b": b}) == (a == b, None)


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False))
def test_doubles_compare_as_in_python(a: float, b: float) -> None:
    assert run(LESS, {"a": a, "b": b}) == (a < b, None)


@given(st.integers(0, values.MAX_SECONDS * 1000), st.integers(0, values.MAX_SECONDS * 1000))
def test_normalised_durations_compare_as_seconds(a: int, b: int) -> None:
    sa, sb = (m / 1000 if m % 1000 else m // 1000 for m in (a, b))
    got = run(DURATIONS, {"a": values.cel_duration(sa), "b": values.cel_duration(sb)})
    assert got == (a <= b, None)


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.dates(min_value=dt.date(1000, 1, 1)))
def test_normalised_dates_compare_as_dates(a: dt.date, b: dt.date) -> None:
    got = run(TIMES, {"a": values.cel_timestamp(a), "b": values.cel_timestamp(b)})
    assert got == (a < b, None)


@given(DATA)
@pytest.mark.parametrize("index", range(len(READS)))
def test_any_data_is_a_value_or_an_error_text(index: int, data: object) -> None:
    value, error = run(READS[index], data)
    assert error is None or (isinstance(error, str) and "\n" not in error and error)
    assert error is not None or isinstance(value, bool | str)


@given(st.text(max_size=60))
def test_any_source_compiles_or_is_a_cel_error_with_a_column(source: str) -> None:
    try:
        program = cel.compile_expression(source)
    except cel.CelError as e:
        assert e.column >= 1 and "\n" not in str(e)
        return
    _value, error = run(program, {})
    assert error is None or "\n" not in error
