"""Line formats: how to recognise a record's first line and read its time and host.

Each format is one header regex, written in the subset shared by Python's `re` and RE2, so the
same pattern votes in Python (detection on a file's first lines) and runs in DuckDB
(`regexp_extract` into a struct, one field per capture group). The SQL fragments here are
evaluated per line by `reportgen.snapshot.load` inside this chain of CTEs:

- `h`: the format's extract (`regexp_extract(line, ...)`, or JSON access) of the line;
- `k`: for year-less syslog, the header's 'MM-DD HH:MM:SS' (else NULL);
- `d`: a derived value (the local timestamp, or the parts of a JSON time string);
- `ts`: a TIMESTAMPTZ (the UTC instant) or NULL when the line has no readable time.

Formats: `rfc3164` (`Jul 30 18:51:32 host tag[pid]: msg`, optional `<PRI>`, no year),
`go-syslog` (`<142>2019-07-24T14:37:50Z host tag[pid]: msg`), `rfc5424`
(`<142>1 2019-07-24T14:37:50.767Z host app procid msgid sd msg`), `golog`
(` ERRO 2022-05-03T13:12:56.335 defender.go:932  msg`, optional ANSI colours, no zone), `json`
(one object per line with a `time`/`timestamp`/`@timestamp`/`ts` key), `plain` (a line starting
with an ISO 8601 timestamp or an epoch number; covers CRI `2026-11-20T10:00:00.123456789Z stdout F
msg` lines).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

ISO = r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)"
ZONE = r"(Z|z|[+-]\d{2}(?::?\d{2})?)"
EPOCH = r"(\d{10}(?:\.\d{1,9})?|\d{13}|\d{16}|\d{19})"
"""Epoch seconds (2001-2286, optional fraction) or milliseconds, microseconds, nanoseconds."""
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TIME_KEYS = ("time", "timestamp", "@timestamp", "ts")
DETECT_LINES = 20
"""How many non-blank lines from the top of a file vote on its format."""

_ANSI = r"(?:\x1b\[[0-9;]*m)?"
_HOST = r"(?:([^\s:\[\]]+)(?: |$))?"


def sql_string(text: str) -> str:
    """`text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def iso_time_sql(naive: str, zone: str, tz: str) -> str:
    """SQL for the UTC instant of a naive TIMESTAMP `naive` with a zone suffix `zone` ('' when
    absent, `Z`, `+hh`, `+hhmm`, `+hh:mm`); a zone-less time is read in the zone `tz`."""
    sign = f"(CASE WHEN starts_with({zone}, '-') THEN -1 ELSE 1 END)"
    minutes = (
        f"(CASE WHEN length({zone}) > 3 THEN try_cast(right({zone}, 2) AS INTEGER) ELSE 0 END)"
    )
    offset = f"{sign} * (try_cast({zone}[2:3] AS INTEGER) * 60 + {minutes})"
    return (
        f"CASE WHEN {zone} = '' THEN {local_time_sql(naive, tz)} "
        f"WHEN {zone} IN ('Z', 'z') THEN {utc_sql(naive)} "
        f"ELSE make_timestamptz(epoch_us({naive}) - CAST({offset} AS BIGINT) * 60000000) END"
    )


def utc_sql(naive: str) -> str:
    """SQL for the instant of a naive TIMESTAMP read in UTC: the same microseconds, without the
    time zone machinery of `timezone()` (half the cost of parsing a time)."""
    return f"make_timestamptz(epoch_us({naive}))"


def local_time_sql(naive: str, tz: str) -> str:
    """SQL for the instant of a naive TIMESTAMP read in the zone `tz`."""
    return utc_sql(naive) if tz == "UTC" else f"timezone({sql_string(tz)}, {naive})"


def naive_sql(text: str) -> str:
    """SQL for a naive TIMESTAMP from ISO text (`T` or space, `.` or `,` before fractions)."""
    comma = f"CASE WHEN contains({text}, ',') THEN replace({text}, ',', '.') ELSE {text} END"
    return f"try_cast({comma} AS TIMESTAMP)"


@dataclass(frozen=True)
class LineFormat:
    """One line format. `pattern` (None for JSON) is anchored at the start of the line and its
    first group is non-empty exactly on header lines; `groups` names its capture groups."""

    name: str
    pattern: str | None
    groups: tuple[str, ...]
    has_host: bool = False
    epoch: bool = False  # the last group is an alternative header: epoch seconds/ms/us/ns

    def matches(self, line: str) -> bool:
        """Whether `line` is a header (a record's first line) in this format."""
        if self.pattern is None:
            return _json_header(line)
        match = _compiled(self.pattern).match(line)
        return bool(match and (match.group(1) or (self.epoch and match.group(len(self.groups)))))

    def extract_sql(self, line: str) -> str:
        """SQL for `h`: a struct of the capture groups ('' when the line is not a header)."""
        if self.pattern is None:
            keys = ", ".join(
                f"json_extract_string({line}, {sql_string(_json_path(k))})" for k in TIME_KEYS
            )
            return (
                f"CASE WHEN starts_with({line}, '{{') AND json_valid({line}) "
                f"THEN coalesce({keys}, '') END"
            )
        names = ", ".join(sql_string(group) for group in self.groups)
        return f"regexp_extract({line}, {sql_string(self.pattern)}, [{names}])"

    def header_sql(self) -> str:
        """SQL (over `h`) true on header lines."""
        if self.pattern is None:
            return "h IS NOT NULL"
        if self.epoch:
            return f"(h.{self.groups[0]} <> '' OR h.{self.groups[-1]} <> '')"
        return f"h.{self.groups[0]} <> ''"

    def key_sql(self) -> str:
        """SQL for `k` (over `h`): the 'MM-DD HH:MM:SS' of a year-less header, else NULL."""
        return _rfc3164_key() if self.name == "rfc3164" else "NULL::VARCHAR"

    def derive_sql(self) -> str:
        """SQL for `d` (over `h`, `k` and the file's metadata `y0`, `lim_md`)."""
        if self.name == "rfc3164":
            return _rfc3164_local()
        if self.pattern is None:
            return f"regexp_extract(h, {sql_string('^' + ISO + ' ?' + ZONE + '?$')}, ['dt', 'z'])"
        return naive_sql("h.dt")

    def time_sql(self, tz: str) -> str:
        """SQL for the record's instant (over `h` and `d`), NULL when it cannot be read."""
        if self.name == "rfc3164":
            return local_time_sql("d", tz)
        if self.pattern is None:
            return (
                f"CASE WHEN d.dt <> '' THEN {iso_time_sql(naive_sql('d.dt'), 'd.z', tz)} "
                f"ELSE {epoch_sql('h')} END"
            )
        if self.epoch:
            return (
                f"CASE WHEN h.{self.groups[-1]} <> '' THEN {epoch_sql('h.' + self.groups[-1])} "
                f"ELSE {iso_time_sql('d', 'h.z', tz)} END"
            )
        return iso_time_sql("d", "h.z", tz)

    def host_sql(self) -> str:
        """SQL for the host named in the header, NULL when the format has none."""
        if not self.has_host:
            return "NULL::VARCHAR"
        return "CASE WHEN h.host IN ('', '-') THEN NULL ELSE h.host END"


def epoch_sql(text: str) -> str:
    """SQL for the instant of an epoch number in text: seconds (with fractions), or whole
    milliseconds, microseconds or nanoseconds, told apart by magnitude."""
    value = f"try_cast({text} AS DOUBLE)"
    scale = (
        f"CASE WHEN abs({value}) >= 1e17 THEN 1e9 WHEN abs({value}) >= 1e14 THEN 1e6 "
        f"WHEN abs({value}) >= 1e11 THEN 1e3 ELSE 1 END"
    )
    return f"try(to_timestamp({value} / ({scale})))"


def _rfc3164_key() -> str:
    months = "[" + ", ".join(sql_string(month) for month in MONTHS) + "]"
    month = f"lpad(CAST(list_position({months}, h.mon) AS VARCHAR), 2, '0')"
    return f"{month} || '-' || lpad(h.day, 2, '0') || ' ' || h.time"


def _rfc3164_local() -> str:
    # The year is the newest that keeps the line at or before the file's mtime (plus a grace
    # period, see ingest.YEAR_GRACE): compare 'MM-DD HH:MM:SS' with the same key of that limit.
    year = "(y0 - CAST(k > lim_md AS INTEGER))"
    leap = f"({year} - CASE WHEN {year} % 4 = 0 THEN 4 ELSE {year} % 4 END)"

    def local(y: str) -> str:
        return f"try_cast(CAST({y} AS VARCHAR) || '-' || k AS TIMESTAMP)"

    return f"coalesce({local(year)}, CASE WHEN starts_with(k, '02-29') THEN {local(leap)} END)"


FORMATS: dict[str, LineFormat] = {
    fmt.name: fmt
    for fmt in (
        LineFormat("rfc5424", rf"^<(\d{{1,3}})>\d{{1,2}} (?:-|{ISO}{ZONE}) (\S+) ",
                   ("pri", "dt", "z", "host"), has_host=True),
        LineFormat("go-syslog", rf"^<(\d{{1,3}})>{ISO}{ZONE}? (\S+)(?: |$)",
                   ("pri", "dt", "z", "host"), has_host=True),
        LineFormat("rfc3164", rf"^(?:<\d{{1,3}}>)?([A-Z][a-z]{{2}}) {{1,2}}(\d{{1,2}}) "
                   rf"(\d{{2}}:\d{{2}}:\d{{2}}) {_HOST}",
                   ("mon", "day", "time", "host"), has_host=True),
        LineFormat("golog", rf"^{_ANSI} ?([A-Z]{{4,5}}) +{ISO}{ZONE}?(?: |$)",
                   ("level", "dt", "z")),
        LineFormat("json", None, ("t",)),
        LineFormat("plain", rf"^(?:{ISO} ?{ZONE}?|{EPOCH})(?:\s|$)", ("dt", "z", "ep"),
                   epoch=True),
    )
}  # fmt: skip
FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)
"""Format names, in the order that breaks ties when detecting."""


def detect(lines: Iterable[str]) -> str:
    """The format most of the first `DETECT_LINES` non-blank `lines` are headers of (ties go to
    the earlier of FORMAT_NAMES); `plain` when no line matches any format."""
    votes = dict.fromkeys(FORMAT_NAMES, 0)
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        for name, fmt in FORMATS.items():
            if fmt.matches(line):
                votes[name] += 1
        seen += 1
        if seen >= DETECT_LINES:
            break
    best = max(FORMAT_NAMES, key=lambda name: (votes[name], -FORMAT_NAMES.index(name)))
    return best if votes[best] else "plain"


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _COMPILED:
        _COMPILED[pattern] = re.compile(pattern, re.ASCII)
    return _COMPILED[pattern]


def _json_path(key: str) -> str:
    return f'$."{key}"' if not key.isalnum() else f"$.{key}"


def _json_header(line: str) -> bool:
    if not line.startswith("{"):
        return False
    try:
        value = json.loads(line)
    except ValueError:
        return False
    return isinstance(value, dict)
