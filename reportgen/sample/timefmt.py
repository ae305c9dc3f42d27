"""Fast timestamp formatting for the sample generator.

Every time in the generator is an integer count of nanoseconds since the Unix epoch (UTC). The
formatters below avoid `datetime` per line: the date parts are computed once per day and cached,
the clock parts with integer arithmetic, so formatting stays cheap for millions of lines.
"""

from __future__ import annotations

from datetime import UTC, datetime

NS = 1_000_000_000
MS = 1_000_000
DAY_S = 86_400

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# day number since the epoch -> (ISO date "2026-11-05", BSD syslog date "Nov  5")
_DAYS: dict[int, tuple[str, str]] = {}


def _day(day: int) -> tuple[str, str]:
    hit = _DAYS.get(day)
    if hit is None:
        date = datetime.fromtimestamp(day * DAY_S, UTC)
        hit = (f"{date:%Y-%m-%d}", f"{_MONTHS[date.month - 1]} {date.day:2d}")
        _DAYS[day] = hit
    return hit


def _split(ns: int) -> tuple[int, int, int, int, int]:
    """(day, hour, minute, second, nanoseconds) of an epoch-ns time."""
    sec, frac = divmod(ns, NS)
    day, sod = divmod(sec, DAY_S)
    hour, rest = divmod(sod, 3600)
    minute, second = divmod(rest, 60)
    return day, hour, minute, second, frac


def go_stamp(ns: int) -> str:
    """Go local-log time, milliseconds, no zone: `2026-11-20T10:00:01.123`."""
    day, hh, mm, ss, frac = _split(ns)
    return f"{_day(day)[0]}T{hh:02d}:{mm:02d}:{ss:02d}.{frac // MS:03d}"


def rfc3339_nano(ns: int) -> str:
    """Go `time.RFC3339Nano` in UTC: trailing zeros of the fraction are dropped, as Go does."""
    day, hh, mm, ss, frac = _split(ns)
    tail = f".{frac:09d}".rstrip("0") if frac else ""
    return f"{_day(day)[0]}T{hh:02d}:{mm:02d}:{ss:02d}{tail}Z"


def rfc3339_seconds(ns: int) -> str:
    """Second-precision RFC 3339 as Go's network syslog writes it: `2026-11-20T14:37:50Z`."""
    day, hh, mm, ss, _ = _split(ns)
    return f"{_day(day)[0]}T{hh:02d}:{mm:02d}:{ss:02d}Z"


def bsd_stamp(ns: int) -> str:
    """RFC 3164 file-syslog time, no year, day space-padded: `Nov  5 08:01:02`."""
    day, hh, mm, ss, _ = _split(ns)
    return f"{_day(day)[1]} {hh:02d}:{mm:02d}:{ss:02d}"


def to_ns(when: datetime) -> int:
    """Epoch nanoseconds of an aware datetime (exact for whole microseconds)."""
    if when.tzinfo is None:
        raise ValueError("the end time must be timezone-aware")
    delta = when - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * DAY_S + delta.seconds) * NS + delta.microseconds * 1000


def from_ns(ns: int) -> datetime:
    """Aware UTC datetime of epoch nanoseconds (truncated to microseconds)."""
    sec, frac = divmod(ns, NS)
    return datetime.fromtimestamp(sec, UTC).replace(microsecond=frac // 1000)


def ceil_second(ns: int) -> int:
    """`ns` rounded up to a whole second, still in nanoseconds."""
    return -(-ns // NS) * NS


def hour_of_day(ns: int) -> float:
    """Fractional UTC hour of the day, 0 <= h < 24."""
    return (ns // NS % DAY_S) / 3600


def weekday(ns: int) -> int:
    """Day of the week in UTC, Monday = 0 (1970-01-01 was a Thursday)."""
    return (ns // NS // DAY_S + 3) % 7


class Stamps:
    """The formatters above for time-ordered input: the date, hour and minute part is computed
    once per minute, which makes formatting millions of sorted times several times cheaper."""

    __slots__ = ("_bsd", "_iso", "_minute")

    def __init__(self) -> None:
        self._minute = -1
        self._iso = self._bsd = ""

    def _load(self, minute: int) -> None:
        day, rest = divmod(minute, 1440)
        hh, mm = divmod(rest, 60)
        iso, bsd = _day(day)
        self._minute = minute
        self._iso = f"{iso}T{hh:02d}:{mm:02d}:"
        self._bsd = f"{bsd} {hh:02d}:{mm:02d}:"

    def go(self, ns: int) -> str:
        """Like `go_stamp`."""
        sec, frac = divmod(ns, NS)
        minute, ss = divmod(sec, 60)
        if minute != self._minute:
            self._load(minute)
        return f"{self._iso}{ss:02d}.{frac // MS:03d}"

    def syslog(self, ns: int) -> tuple[str, str]:
        """`bsd_stamp` and `rfc3339_nano` of the same time."""
        sec, frac = divmod(ns, NS)
        minute, ss = divmod(sec, 60)
        if minute != self._minute:
            self._load(minute)
        tail = f".{frac:09d}".rstrip("0") if frac else ""
        return f"{self._bsd}{ss:02d}", f"{self._iso}{ss:02d}{tail}Z"

    def relay(self, ns: int) -> tuple[str, str]:
        """`rfc3339_seconds` and `rfc3339_nano` of the same time."""
        sec, frac = divmod(ns, NS)
        minute, ss = divmod(sec, 60)
        if minute != self._minute:
            self._load(minute)
        tail = f".{frac:09d}".rstrip("0") if frac else ""
        return f"{self._iso}{ss:02d}Z", f"{self._iso}{ss:02d}{tail}Z"
