"""Sumo Logic time ranges -> dashboard `time_range` values.

Sumo Logic writes a range as `BeginBoundedTimeRange` (a `from` boundary and an optional `to`) or
`CompleteLiteralTimeRange` (`yesterday`, `previous_week`...). Boundaries are relative (`-1d`,
`-2w5d3h`), epoch milliseconds, ISO 8601 or literal (`now`, `today`, `week`...). reportgen ranges
end at `--at`: `-24h`, `today`, `yesterday`, or an absolute `{from, to}`. What cannot be said that
way is kept as a note and the panel inherits the dashboard's range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reportgen.errors import did_you_mean
from reportgen.importers.sumo.read import Node

TimeRangeValue = str | dict[str, str]
RANGE_TYPES = ("BeginBoundedTimeRange", "CompleteLiteralTimeRange")
BOUNDARY_TYPES = (
    "RelativeTimeRangeBoundary",
    "EpochTimeRangeBoundary",
    "Iso8601TimeRangeBoundary",
    "LiteralTimeRangeBoundary",
)
_RELATIVE = re.compile(r"([+-]?)((?:\d+[wdhms])+)")
_PART = re.compile(r"(\d+)([wdhms])")


@dataclass(frozen=True)
class Converted:
    """`value` is the reportgen range (None: none to set); `notes` say what was not kept."""

    value: TimeRangeValue | None
    notes: list[str] = field(default_factory=list)
    shown: str = ""


def convert_range(node: Node) -> Converted:
    """The reportgen range for the Sumo Logic range at `node` (absent: Converted(None))."""
    if node.value is None:
        return Converted(None)
    node.require_object("a time range")
    kind = node.get("type", str, required=True)
    if kind == "CompleteLiteralTimeRange":
        name = node.get("rangeName", str, required=True) or ""
        if name.lower() in ("today", "yesterday"):
            return Converted(name.lower(), shown=name)
        return Converted(None, [_lost(name, f"the whole '{name}' period has no equivalent")], name)
    if kind != "BeginBoundedTimeRange":
        close = did_you_mean(kind or "", RANGE_TYPES)
        why = f"unknown time range type '{kind}'" + (f" (did you mean '{close}'?)" if close else "")
        return Converted(None, [f"time range not carried over: {why}"], str(kind))
    if node.child("from").value is None:
        raise node.missing("from")
    start = _boundary(node.child("from"))
    end = _boundary(node.child("to"))
    return _combine(start, end)


@dataclass(frozen=True)
class _Boundary:
    kind: str  # relative | absolute | literal | now | unknown
    value: str
    shown: str


def _boundary(node: Node) -> _Boundary:
    if node.value is None:
        return _Boundary("now", "now", "now")
    node.require_object("a time range boundary")
    kind = node.get("type", str, required=True)
    if kind == "RelativeTimeRangeBoundary":
        text = (node.get("relativeTime", str, required=True) or "").replace(" ", "")
        return _relative(text)
    if kind == "EpochTimeRangeBoundary":
        millis = node.get("epochMillis", float, required=True) or 0
        try:
            moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
        except (OverflowError, ValueError, OSError):
            raise node.child("epochMillis").fail(f"{millis} is out of range") from None
        return _Boundary("absolute", _iso(moment), _iso(moment))
    if kind == "Iso8601TimeRangeBoundary":
        text = node.get("iso8601Time", str, required=True) or ""
        try:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            raise node.child("iso8601Time").fail(
                f"invalid ISO 8601 time '{text}'", "expected e.g. 2026-11-20T10:00:00Z"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return _Boundary("absolute", _iso(moment), text)
    if kind == "LiteralTimeRangeBoundary":
        name = (node.get("rangeName", str, required=True) or "").lower()
        return _Boundary("now" if name == "now" else "literal", name, name)
    close = did_you_mean(kind or "", BOUNDARY_TYPES)
    hint = f"did you mean '{close}'?" if close else "expected one of " + ", ".join(BOUNDARY_TYPES)
    raise node.child("type").fail(f"unknown time range boundary type '{kind}'", hint)


def _relative(text: str) -> _Boundary:
    match = _RELATIVE.fullmatch(text)
    if match is None or match.group(1) == "+" or not match.group(1):
        return _Boundary("unknown", text, text)
    # Sumo Logic's `-2w5d3h` is one offset; reportgen sums space-separated parts: -2w -5d -3h.
    parts = [f"-{count}{unit}" for count, unit in _PART.findall(match.group(2))]
    return _Boundary("relative", " ".join(parts), text)


def _combine(start: _Boundary, end: _Boundary) -> Converted:
    shown = start.shown if end.kind == "now" else f"{start.shown} to {end.shown}"
    if start.kind == "relative":
        if end.kind == "now":
            return Converted(start.value, shown=shown)
        note = _lost(shown, f"reportgen ranges end at --at, so it is kept as {start.value}")
        return Converted(start.value, [note], shown)
    if start.kind == "literal" and start.value == "today" and end.kind == "now":
        return Converted("today", shown=shown)
    if start.kind == "absolute" and end.kind == "absolute":
        return Converted({"from": start.value, "to": end.value}, shown=shown)
    if start.kind == "absolute":
        return Converted(None, [_lost(shown, "an absolute range needs an end")], shown)
    if start.kind == "literal":
        why = f"'{start.value}' (since the start of the current {start.value}) has no equivalent"
        return Converted(None, [_lost(shown, why)], shown)
    return Converted(None, [_lost(shown, "not a relative time into the past")], shown)


def _lost(shown: str, why: str) -> str:
    return f"time range {shown} not carried over: {why}"


def _iso(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    text = text.replace(".000+00:00", "+00:00")
    return text.replace("+00:00", "Z")
