"""Typed scalar values: durations, dates and percentages as written in manifests.

CEL (see `shiftleft.policy.cel`) takes durations and timestamps as strings,
and `duration()` knows no days, so every duration is normalised to whole
seconds (`"3600s"`) and every date to RFC 3339 (`"2026-09-14T00:00:00Z"`).
"""

from __future__ import annotations

import datetime as dt
import re

_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_DURATION = re.compile(r"(?:[0-9]+(?:ms|[smhdw]))+\Z")
_PART = re.compile(r"([0-9]+)(ms|[smhdw])")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
MAX_SECONDS = 100 * 365 * 86400
"""Durations above a century are certainly typos; CEL durations also have a range."""


def parse_duration(text: str) -> float:
    """Seconds in `250ms`, `30s`, `15m`, `4h`, `1h30m`, `30d`, `2w`. Raises ValueError.

    Whole seconds come back as an int; only a duration with a millisecond
    part (`1500ms`) is fractional, so most arithmetic stays exact.
    """
    if not isinstance(text, str) or not _DURATION.match(text):
        raise ValueError(
            f"{text!r} is not a duration; write a number and a unit ms, s, m, h, d or w (for example 4h or 1h30m)"
        )
    parts = _PART.findall(text)
    units = [u for _n, u in parts]
    if units != sorted(set(units), key=lambda u: -_UNITS_MS[u]):
        raise ValueError(f"{text!r} repeats a unit or is out of order; write each unit once, largest first (1h30m)")
    if any(len(n) > 15 for n, _u in parts):  # a century is 3,153,600,000,000 ms: 13 digits
        raise ValueError(f"{text[:40]!r}... is longer than 100 years")
    millis = sum(int(n) * _UNITS_MS[u] for n, u in parts)
    seconds: float = millis // 1000 if millis % 1000 == 0 else millis / 1000
    if seconds > MAX_SECONDS:
        raise ValueError(f"{text!r} is longer than 100 years")
    return seconds


def parse_date(text: str) -> dt.date:
    """An ISO `YYYY-MM-DD` calendar date. Raises ValueError."""
    if not isinstance(text, str) or not _DATE.match(text):
        raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def parse_percent(value: object) -> float:
    """99.95 or "5%" as a float. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a percentage")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.endswith("%"):
        try:
            number = float(value[:-1])
        except ValueError:
            pass
        else:
            if 0 <= number <= 100:
                return number
            raise ValueError(f"{value!r} is not between 0% and 100%")
    raise ValueError(f"{value!r} is not a percentage; write a number like 99.9 or a string like 5%")


def cel_duration(seconds: float) -> str:
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{round(seconds * 1000)}ms"


def cel_timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def format_seconds(seconds: float) -> str:
    """The shortest exact spelling: 3600 -> 1h, 5400 -> 1h30m, 1.5 -> 1s500ms."""
    millis = round(seconds * 1000)
    if millis == 0:
        return "0s"
    out = []
    for unit, size in _UNITS_MS_DESCENDING:
        if millis >= size:
            n, millis = divmod(millis, size)
            out.append(f"{n}{unit}")
    return "".join(out)


_UNITS_MS_DESCENDING = sorted(_UNITS_MS.items(), key=lambda kv: -kv[1])


_MONTHS = re.compile(r"([0-9]+) ?(?:mo|months?)\Z")


def parse_interval(text: str) -> tuple[int, int]:
    """A "how often" interval: `(months, 0)` for `6 months` / `6mo`, `(0, seconds)` for a duration."""
    match = _MONTHS.match(text) if isinstance(text, str) else None
    if match:
        months = int(match.group(1))
        if not 0 < months <= 1200:
            raise ValueError(f"{text!r} is not between 1 and 1200 months")
        return months, 0
    try:
        return 0, int(parse_duration(text))
    except ValueError:
        raise ValueError(
            f"{text!r} is not an interval; write `6 months`, `12 months` or a duration such as 92d"
        ) from None


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier, clamped to the month's end (31 Aug - 6 -> 28 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def interval_start(now: dt.date, interval: tuple[int, int]) -> dt.date:
    """The earliest date that is still within `interval` of `now` (calendar months when in months)."""
    months, seconds = interval
    if months:
        return months_before(now, months)
    return now - dt.timedelta(days=seconds // 86400)


PLACEHOLDER = (
    r"(?i)^\s*(none|n/?a|tbd|tba|todo|to do|-+|\?+|\.+|no|nothing|null|nil|unknown|not applicable|later)?\s*[.!]*\s*$"
)
"""Words that say there is no fallback. Rules ask with the CEL function `placeholder(text)` (SL711, SL716,
SL717), so the rules and the graph judge a fallback with the same pattern and the same regex engine."""
_PLACEHOLDER = re.compile(PLACEHOLDER)


def placeholder(text: str) -> bool:
    """Whether `text` says there is no fallback (`none`, `n/a`, `TBD`, `-`, ...)."""
    return _PLACEHOLDER.match(text) is not None


def real_fallback(value: object) -> bool:
    """A fallback that can be checked: a structured one, or text that is not a placeholder (decision 0010)."""
    if isinstance(value, dict):
        return bool(value.get("kind")) and bool(value.get("provides"))
    return isinstance(value, str) and not _PLACEHOLDER.match(value)
