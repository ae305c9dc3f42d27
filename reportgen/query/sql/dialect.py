"""How one engine spells the SQL the generator writes (design D11: SQL is generated once, for
a dialect, never copied per engine).

`Dialect` is DuckDB's spelling; another engine subclasses it and overrides what differs (string
literals, parameters, the regex flavour, time functions...). Operators never write such
constructs themselves: they ask the generator (`gen.string(...)`, `gen.regex(...)`,
`gen.param(...)`, `gen.bucket_sql(...)`), which asks its dialect.
"""

from __future__ import annotations

import re
from datetime import datetime

from reportgen.query.plan.schema import OrderTerm
from reportgen.query.regex import re2_pattern
from reportgen.timerange import Window

DAY_MS = 86_400_000
TIME_BUCKET_ORIGIN_MS = 946_857_600_000  # 2000-01-03T00:00:00Z, a Monday
_STRING = re.compile(r"'(?:[^']|'')*'")
UTC_NAMES = {"utc", "etc/utc", "gmt", "etc/gmt", "z", "zulu", "universal", "etc/universal"}


class Dialect:
    """DuckDB's SQL (RE2 regexes, `$name` parameters, epoch_ms/time_bucket time functions)."""

    name = "duckdb"

    def string(self, text: str) -> str:
        """A string literal holding `text` exactly."""
        return "'" + text.replace("'", "''") + "'"

    def ident(self, name: str) -> str:
        """A quoted identifier."""
        return '"' + name.replace('"', '""') + '"'

    def table(self, name: str) -> str:
        """A table name, `schema.table` allowed."""
        return ".".join(self.ident(part) for part in name.split("."))

    def param(self, name: str) -> str:
        """A named query parameter (`start`, `end`: the window)."""
        return f"${name}"

    def timestamp(self, moment: datetime) -> str:
        """A timestamp literal of an aware datetime."""
        return f"CAST('{moment.isoformat()}' AS TIMESTAMPTZ)"

    def bind_window(self, sql: str, window: Window) -> str:
        """`sql` with the window parameters replaced by literals of `window` (outside string
        literals): the same SQL over another range."""
        start, end = self.timestamp(window.start), self.timestamp(window.end)
        parts = []
        last = 0
        for match in _STRING.finditer(sql):
            parts.append(_bind_code(sql[last : match.start()], start, end))
            parts.append(match.group(0))
            last = match.end()
        parts.append(_bind_code(sql[last:], start, end))
        return "".join(parts)

    def regex_text(self, java: str) -> str:
        """A Java regular expression (the flavour queries are written in) as this engine's."""
        return re2_pattern(java)

    def regex(self, java: str) -> str:
        """A string literal of a Java regular expression in this engine's flavour."""
        return self.string(self.regex_text(java))

    def order_term(self, term: OrderTerm) -> str:
        collate = ' COLLATE "binary"' if term.text else ""
        direction = "DESC" if term.descending else "ASC"
        return f"{term.col}{collate} {direction} NULLS LAST"

    def bucket(self, column: str, width_ms: int, tz: str) -> str:
        """The start (epoch ms) of the `width_ms` bucket of timestamp `column`, aligned in zone
        `tz` (spec §6.2): days and weeks follow local midnight (weeks start on Monday); shorter
        widths use `t - ((local(t) mod W) + W) mod W`, i.e. the zone offset at `t`."""
        zone = self.string(tz)
        utc = f"epoch_ms({column})"
        in_utc = tz.lower() in UTC_NAMES
        if width_ms % DAY_MS == 0 and not in_utc:
            return f"epoch_ms(time_bucket(INTERVAL '{width_ms // DAY_MS} days', {column}, {zone}))"
        # Integer arithmetic (much faster than time_bucket); day widths count from time_bucket's
        # origin, Monday 2000-01-03, so `1w` starts on Monday in every zone.
        origin = TIME_BUCKET_ORIGIN_MS if width_ms % DAY_MS == 0 else 0
        local = utc if in_utc else f"epoch_ms(timezone({zone}, {column}))"
        shifted = f"({local} - {origin})" if origin else local
        return f"({utc} - (({shifted} % {width_ms}) + {width_ms}) % {width_ms})"


def _bind_code(code: str, start: str, end: str) -> str:
    return re.sub(r"\$start\b", start, re.sub(r"\$end\b", end, code))


DUCKDB = Dialect()
