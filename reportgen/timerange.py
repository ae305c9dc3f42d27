"""Time windows: the reference instant (`--at`), the report zone (`--tz`) and ranges.

Every build has one reference instant and one zone (design D7). Relative ranges (`-24h`, `-7d`,
`-1d -12h`, `today`, `yesterday`, `all`) resolve once against the instant; the result is a
`Window` of aware UTC datetimes, `[start, end)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from reportgen.errors import Span, UsageError, suggestion


@dataclass(frozen=True)
class Window:
    """A query's time range `[start, end)` (aware datetimes, UTC) and the report zone, an IANA
    name such as "UTC" or "Europe/Paris", to which timeslices align."""

    start: datetime
    end: datetime
    tz: str = "UTC"

    def label(self) -> str:
        """The range as people read it, in the report zone:
        `2026-11-13 00:00 – 2026-11-20 23:59 UTC`."""
        zone = zone_info(self.tz)
        start = self.start.astimezone(zone)
        end = self.end.astimezone(zone)
        return f"{_short(start)} – {_short(end)} {self.tz}"


def _short(moment: datetime) -> str:
    if moment.second or moment.microsecond:
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


_UNITS = {
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
_DURATION_PART = re.compile(r"\s*([+-]?)(\d+)([a-zA-Z]+)\s*")
_RELATIVE = re.compile(r"(\s*[+-]\d+[a-zA-Z]+)+\s*")
RANGE_WORDS = ("all", "today", "yesterday")
RANGE_HELP = "expected a relative range such as -24h, -7d, -1d -12h, or one of: " + ", ".join(
    RANGE_WORDS
)


def _where(option: str) -> str:
    return f" ({option})" if option else ""


def zone_info(name: str, option: str = "--tz") -> ZoneInfo:
    """The zone called `name` ("UTC", "Europe/Paris"), or a UsageError with a suggestion."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = suggestion(name, available_timezones())
        raise UsageError(f"unknown time zone '{name}' ({option})", hint=hint) from None


def parse_duration(text: str, option: str = "--range") -> timedelta:
    """`-24h`, `7d`, `-1d -12h` -> a timedelta (negative for ranges into the past)."""
    total = timedelta()
    pos = 0
    stripped = text.strip()
    if not stripped:
        raise UsageError(f"empty time range{_where(option)}", hint=RANGE_HELP)
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if match is None or match.end() == pos:
            span = Span.at(text, pos, len(text.rstrip()), source=option)
            raise UsageError(
                f"invalid time range '{text}'{_where(option)} at column {pos + 1}",
                span,
                hint=RANGE_HELP,
                text=text,
            )
        sign, count, unit = match.groups()
        if unit not in _UNITS:
            start = match.start(3)
            span = Span.at(text, start, match.end(3), source=option)
            hint = suggestion(unit, _UNITS) or "units are s, m, h, d, w"
            raise UsageError(
                f"unknown time unit '{unit}' in '{text}'{_where(option)}",
                span,
                hint=hint,
                text=text,
            )
        amount = int(count) * _UNITS[unit]
        total += -amount if sign == "-" else amount
        pos = match.end()
    return total


def parse_instant(
    text: str, tz: str = "UTC", *, at: datetime | None = None, option: str = "--at"
) -> datetime:
    """An absolute ISO 8601 date or date-time (`2026-11-20`, `2026-11-20T10:00:00Z`; without an
    offset it is read in `tz`), `now` (= `at`), or a relative offset from `at` (`-2h`)."""
    value = text.strip()
    if value.lower() == "now" and at is not None:
        return at
    if at is not None and _RELATIVE.fullmatch(value):
        return at + parse_duration(value, option)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"invalid time '{text}' ({option})",
            hint="expected ISO 8601 such as 2026-11-20, 2026-11-20T10:00:00Z or "
            "2026-11-20T10:00:00+01:00" + (", now, or an offset like -2h" if at else ""),
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone_info(tz))
    return moment.astimezone(UTC)


def resolve_range(
    text: str,
    at: datetime,
    tz: str,
    *,
    earliest: datetime | None = None,
    option: str = "--range",
) -> tuple[datetime, datetime]:
    """`[start, end)` for a range expression relative to `at`.

    `all` spans from `earliest` (the snapshot's first message) to `at`; `today` and `yesterday`
    follow midnight in `tz`; anything else is a duration into the past (`-24h`).
    """
    word = text.strip().lower()
    zone = zone_info(tz)
    if word == "all":
        return (earliest if earliest is not None and earliest < at else at - timedelta(days=1)), at
    if word in ("today", "yesterday"):
        local_day: date = at.astimezone(zone).date()
        midnight = datetime.combine(local_day, time(), tzinfo=zone).astimezone(UTC)
        if word == "today":
            return midnight, at
        previous = datetime.combine(local_day - timedelta(days=1), time(), tzinfo=zone)
        return previous.astimezone(UTC), midnight
    delta = parse_duration(text, option)
    if delta >= timedelta():
        raise UsageError(
            f"time range '{text}' ({option}) points into the future",
            hint="write it as an offset into the past, e.g. -" + text.strip().lstrip("+"),
        )
    return at + delta, at


def default_at(latest: datetime | None) -> datetime:
    """The reference instant when `--at` is not given: the start of the minute after the
    snapshot's latest message, so that message falls inside `[start, at)`."""
    if latest is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    floor = latest.astimezone(UTC).replace(second=0, microsecond=0)
    return floor + timedelta(minutes=1)
