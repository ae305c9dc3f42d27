"""How one engine spells the SQL the generator writes (design D11: SQL is generated once, for
a dialect, never copied per engine).

`Dialect` is DuckDB's spelling; another engine subclasses it and overrides what differs
(`reportgen.query.sql.spark.SparkDialect`). Everything the generator writes that two engines
spell differently goes through a method here: literals, identifiers and parameters, regexes
(flavour, matching, extraction, replacement), time functions and buckets, the text type,
ordered and list aggregates, JSON access and set-returning functions. Operators never write
such constructs themselves: they ask the generator (`gen.string(...)`, `gen.regex(...)`,
`gen.dialect.<hook>(...)`), expressions ask their compiler's dialect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from reportgen.query.plan.schema import OrderTerm
from reportgen.query.regex import re2_pattern
from reportgen.timerange import Window

DAY_MS = 86_400_000
TIME_BUCKET_ORIGIN_MS = 946_857_600_000  # 2000-01-03T00:00:00Z, a Monday
_STRING = re.compile(r"'(?:[^']|'')*'")
UTC_NAMES = {"utc", "etc/utc", "gmt", "etc/gmt", "z", "zulu", "universal", "etc/universal"}
_INT64_TOP = 9223372036854775808  # 2^63
OFFSET_DIRECTIVE = re.compile(r"(%z|%X[123])")
"""The zone offsets of a strftime pattern as dates.py writes it (`%X1`... are Java's `X`...)."""
_GROUP_REF = re.compile(r"\\\$|\$\{([A-Za-z][A-Za-z0-9_]*)\}|\$(\d)|\\")


class Dialect:
    """DuckDB's SQL (RE2 regexes, `$name` parameters, epoch_ms/time_bucket time functions)."""

    name = "duckdb"
    text_type = "VARCHAR"
    timestamp_type = "TIMESTAMPTZ"

    # --- literals, names, parameters ------------------------------------------------------------

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
        return self.bind(sql, {"start": window.start, "end": window.end})

    def bind(self, sql: str, params: Mapping[str, datetime]) -> str:
        """`sql` with its parameters replaced by timestamp literals (outside string literals)."""
        literals = {self.param(name): self.timestamp(moment) for name, moment in params.items()}
        if not literals:
            return sql
        marker = re.compile("|".join(re.escape(m) + r"\b" for m in literals))
        parts = []
        last = 0
        for match in _STRING.finditer(sql):
            code = sql[last : match.start()]
            parts.append(marker.sub(lambda m: literals[m.group(0)], code))
            parts.append(match.group(0))
            last = match.end()
        parts.append(marker.sub(lambda m: literals[m.group(0)], sql[last:]))
        return "".join(parts)

    def window_bound(self, name: str) -> str:
        """The window bound `start` or `end` as a timestamp."""
        return f"CAST({self.param(name)} AS {self.timestamp_type})"

    def text(self, sql: str) -> str:
        """Any value as text."""
        return f"CAST({sql} AS {self.text_type})"

    def type_name(self, kind: str) -> str:
        """The SQL type of a field type (`string`, `number`, `time`, `bool`)."""
        return {"string": self.text_type, "number": "DOUBLE", "time": "BIGINT"}.get(kind, "BOOLEAN")

    # --- regular expressions --------------------------------------------------------------------

    def regex_text(self, java: str) -> str:
        """A Java regular expression (the flavour queries are written in) as this engine's."""
        return re2_pattern(java)

    def regex(self, java: str) -> str:
        """A string literal of a Java regular expression in this engine's flavour."""
        return self.string(self.regex_text(java))

    def find(self, subject: str, pattern: str) -> str:
        """Whether the regex literal `pattern` matches somewhere in `subject`."""
        return f"regexp_matches({subject}, {pattern})"

    def full_match(self, subject: str, regex: str) -> str:
        """Whether the regex text `regex` (this engine's flavour) matches all of `subject`."""
        return f"regexp_full_match({subject}, {self.string(regex)})"

    def regex_group(self, subject: str, java: str, index: int) -> str:
        """Group `index` of the first match of the Java regex `java`; NULL when there is no
        match or the group takes no part in it (§4.3). `regexp_extract` gives both as "": only
        the rarer empty result pays for a second look."""
        pattern = self.regex(java)
        first = f"nullif(regexp_extract({subject}, {pattern}, {index}), '')"
        every = f"regexp_extract_all({subject}, {pattern}, {index})"
        return f"coalesce({first}, list_extract({every}, 1))"

    def regex_group_all(self, subject: str, java: str, index: int) -> str:
        """The list of group `index` of every match of the Java regex `java`, NULL where the
        group takes no part in a match."""
        return f"regexp_extract_all({subject}, {self.regex(java)}, {index})"

    def replace_all(self, subject: str, pattern: str, replacement: str) -> str:
        """Every match of regex literal `pattern` replaced by the replacement literal."""
        return f"regexp_replace({subject}, {pattern}, {replacement}, 'g')"

    def replacement(self, java: str, groups: Sequence[str]) -> str:
        """A Java replacement (`$1`, `${name}`, `\\$`) in this engine's spelling (RE2: `\\1`);
        `groups` are the pattern's group names in order."""

        def swap(match: re.Match[str]) -> str:
            token = match.group(0)
            if token == "\\$":
                return "$"
            if token == "\\":
                return "\\\\"
            if match.group(1) is not None:
                name = match.group(1)
                return f"\\{groups.index(name) + 1}" if name in groups else ""
            return f"\\{match.group(2)}"

        return _GROUP_REF.sub(swap, java)

    def group_ref(self, number: int) -> str:
        """A replacement text that inserts capture group `number`."""
        return f"\\{number}"

    # --- text -----------------------------------------------------------------------------------

    def like(self, subject: str, pattern: str, case_insensitive: bool = False) -> str:
        """`subject` LIKE the pattern literal (`\\` escapes `%`, `_` and itself)."""
        operator = "ILIKE" if case_insensitive else "LIKE"
        return f"{subject} {operator} {pattern} ESCAPE '\\'"

    def binary(self, text: str) -> str:
        """A text compared by code point (not by a collation)."""
        return f'{text} COLLATE "binary"'

    def url_decode(self, text: str) -> str:
        """Java's URLDecoder (`+` is a space); NULL for a text it rejects."""
        return f"try(url_decode(replace({text}, '+', ' ')))"

    def url_encode(self, text: str) -> str:
        """Java's URLEncoder (a space is `+`)."""
        return f"replace(url_encode({text}), '%20', '+')"

    def base64_decode(self, text: str) -> str:
        """The UTF-8 text of base64; NULL when either is invalid."""
        return f"try(decode(from_base64({text})))"

    def base64_encode(self, text: str) -> str:
        """The base64 of a text's UTF-8 bytes (one line)."""
        return f"to_base64(encode({text}))"

    # --- numbers --------------------------------------------------------------------------------

    def math(self, name: str, x: str) -> str:
        """A one-argument math function (`floor`, `ceil`, `cbrt`, `isinf`...) of a DOUBLE."""
        return f"{name}({x})"

    def hex_to_long(self, digits: str) -> str:
        """1 to 16 hex digits as a BIGINT, two's complement (`FFFFFFFFFFFFFFFF` is -1)."""
        unsigned = f"TRY_CAST('0x' || {digits} AS UBIGINT)"
        return (
            f"CASE WHEN {unsigned} >= {_INT64_TOP} "
            f"THEN CAST({unsigned} - {_INT64_TOP} AS BIGINT) - {_INT64_TOP - 1} - 1 "
            f"ELSE CAST({unsigned} AS BIGINT) END"
        )

    def to_long(self, x: str) -> str:
        """A number truncated toward zero, as BIGINT."""
        return f"CAST(trunc({x}) AS BIGINT)"

    def format_number(
        self, flags: str, width: str, precision: str | None, kind: str, x: str
    ) -> str:
        """Java `String.format` of one numeric conversion (`%,d`, `%.2f`, `%x`...) of `x`."""
        if kind in "dxXob":
            spec = "{:" + flags.replace("(", "") + width + kind + "}"
            return f"format({self.string(spec)}, CAST({x} AS BIGINT))"
        digits = precision if precision is not None else "6"
        spec = "{:" + flags + width + f".{digits}" + ("e" if kind in "eE" else "f") + "}"
        return f"format({self.string(spec)}, CAST({x} AS DOUBLE))"

    # --- time -----------------------------------------------------------------------------------

    def epoch_ms(self, timestamp: str) -> str:
        """Epoch milliseconds of a timestamp."""
        return f"epoch_ms({timestamp})"

    def from_epoch_ms(self, ms: str) -> str:
        """The timestamp of epoch milliseconds (a number, fractions kept)."""
        return f"to_timestamp(CAST({ms} AS DOUBLE) / 1000.0)"

    def local_epoch_ms(self, timestamp: str, zone: str) -> str:
        """The wall-clock time of `timestamp` in `zone`, as if it were UTC, in epoch ms."""
        return f"epoch_ms(timezone({self.string(zone)}, {timestamp}))"

    def interval_ms(self, ms: int) -> str:
        return f"INTERVAL '{ms} milliseconds'"

    def bucket(self, column: str, width_ms: int, tz: str) -> str:
        """The start (epoch ms) of the `width_ms` bucket of timestamp `column`, aligned in zone
        `tz` (spec §6.2): days and weeks follow local midnight (weeks start on Monday); shorter
        widths use `t - ((local(t) mod W) + W) mod W`, i.e. the zone offset at `t`."""
        in_utc = tz.lower() in UTC_NAMES
        if width_ms % DAY_MS == 0 and not in_utc:
            return self.day_bucket(column, width_ms // DAY_MS, tz)
        utc = self.epoch_ms(column)
        # Integer arithmetic (much faster than time_bucket); day widths count from time_bucket's
        # origin, Monday 2000-01-03, so `1w` starts on Monday in every zone.
        origin = TIME_BUCKET_ORIGIN_MS if width_ms % DAY_MS == 0 else 0
        local = utc if in_utc else self.local_epoch_ms(column, tz)
        shifted = f"({local} - {origin})" if origin else local
        return f"({utc} - (({shifted} % {width_ms}) + {width_ms}) % {width_ms})"

    def day_bucket(self, column: str, days: int, tz: str) -> str:
        """The start (epoch ms) of the `days`-day bucket at local midnight in `tz`, counted from
        Monday 2000-01-03."""
        zone = self.string(tz)
        return f"epoch_ms(time_bucket(INTERVAL '{days} days', {column}, {zone}))"

    def format_date(self, ms: str, strftime: str, zone: str) -> str:
        """The text of epoch ms `ms` in `zone` by a strftime pattern, whose zone offsets
        (`%z`: `+0000`; `%X1`, `%X2`, `%X3`: Java's `X`, `XX`, `XXX`) are printed as Java
        prints them."""
        instant = self.from_epoch_ms(ms)
        local = self.wall_clock(instant, zone)
        pieces = OFFSET_DIRECTIVE.split(strftime)
        if len(pieces) == 1:
            return self.strftime(local, strftime)
        # the zone offset at that instant (strftime of a local time has no zone)
        seconds = self.offset_seconds(local, instant)
        parts = [
            self.offset_text(seconds, piece)
            if index % 2
            else (self.strftime(local, piece) if piece else "''")
            for index, piece in enumerate(pieces)
        ]
        return self.concat(parts)

    def wall_clock(self, instant: str, zone: str) -> str:
        """The wall-clock time in `zone` of a timestamp."""
        return f"timezone({self.string(zone)}, {instant})"

    def strftime(self, local: str, pattern: str) -> str:
        """A wall-clock time by a strftime pattern without zone offsets."""
        return f"strftime({local}, {self.string(pattern)})"

    def offset_seconds(self, local: str, instant: str) -> str:
        """The zone offset, in seconds, of the wall-clock time `local` of `instant`."""
        return f"CAST(epoch({local}) - epoch({instant}) AS BIGINT)"

    def concat(self, parts: Sequence[str]) -> str:
        """Texts joined (any null makes null)."""
        return f"({' || '.join(parts)})"

    def int_div(self, x: str, divisor: int | str) -> str:
        """Integer division (toward zero) of a non-negative integer."""
        return f"{x} // {divisor}"

    def offset_text(self, seconds: str, marker: str) -> str:
        """An offset of `seconds` as Java prints it: `%z` -> `+0000`; `%X1` -> `-05`, `%X2` ->
        `-0500`, `%X3` -> `-05:00`, and `Z` for UTC (SimpleDateFormat drops the minutes with
        one X)."""
        sign = f"(CASE WHEN {seconds} < 0 THEN '-' ELSE '+' END)"
        hours = f"lpad({self.text(self.int_div(f'abs({seconds})', 3600))}, 2, '0')"
        minutes = f"lpad({self.text(self.int_div(f'abs({seconds}) % 3600', 60))}, 2, '0')"
        if marker == "%z":
            return f"({sign} || {hours} || {minutes})"
        text = {"%X1": hours, "%X2": f"{hours} || {minutes}", "%X3": f"{hours} || ':' || {minutes}"}
        return f"(CASE WHEN {seconds} = 0 THEN 'Z' ELSE {sign} || {text[marker]} END)"

    def parse_date(
        self, text: str, strftime: str, prefix_regex: str, zone: str, utc_regex: str | None = None
    ) -> str:
        """Epoch ms of the date at the start of `text` (strftime pattern, matched by the regex
        text `prefix_regex`); NULL when it does not fit. Without an offset in the pattern the
        time is in `zone`. `utc_regex` (see dates.utc_offset_regex) finds a `Z` written where
        the pattern's first offset is an ISO one (Java's `X`), which strptime reads as `+00`."""
        prefix = f"regexp_extract({text}, {self.string(prefix_regex)})"
        if OFFSET_DIRECTIVE.search(strftime):
            if utc_regex is not None:
                prefix = f"regexp_replace({prefix}, {self.string(utc_regex)}, '\\1+00')"
            strftime = re.sub(r"%X[123]", "%z", strftime)
        parsed = f"try_strptime({prefix}, {self.string(strftime)})"
        if "%z" in strftime:
            return f"epoch_ms({parsed})"
        return f"epoch_ms(timezone({self.string(zone)}, {parsed}))"

    # --- aggregates and lists -------------------------------------------------------------------

    def fsum(self, x: str) -> str:
        """A DOUBLE sum, as exact as the engine can make it."""
        return f"fsum({x})"

    def favg(self, x: str) -> str:
        return f"favg({x})"

    def quantile(self, x: str, fraction: float) -> str:
        """The exact, linearly interpolated quantile of `x`."""
        return f"quantile_cont({x}, {fraction!r})"

    numbered_picks = False
    """Whether `pick` reads the row order as a column numbering the rows (see `pick`)."""

    def pick(self, last: bool, value: str, order: str, where: str) -> str:
        """The aggregate: `value` of the first (`last`: the last) row in the input's order
        among the rows where `where` holds. `order` is the ORDER BY terms of that order; a
        dialect with `numbered_picks` gets instead the name of a column numbering each group's
        rows in that order (`row_number()`), which the operator adds first. Empty: any order."""
        ordered = f" ORDER BY {order}" if order else ""
        return f"{'last' if last else 'first'}({value}{ordered}) FILTER (WHERE {where})"

    def sorted_texts(self, text: str, limit: int) -> str:
        """The aggregate of the distinct non-null texts, sorted by code point, the first `limit`,
        one per line."""
        listed = f"list_slice(list_sort(list_distinct(list({text}))), 1, {limit})"
        return f"array_to_string({listed}, chr(10))"

    def list_combine(self, func: str, items: Sequence[str]) -> str:
        """`min`, `max` or `avg` of a few values, nulls skipped."""
        return f"list_{func}([{', '.join(items)}])"

    def list_at(self, items: str, index: int) -> str:
        """Element `index` (1-based; negative from the end) of a list; NULL when missing."""
        return f"{items}[{index}]" if index > 0 else f"list_extract({items}, {index})"

    def list_position(self, items: str, value: str) -> str:
        """The 1-based position of the first element equal to `value`; NULL when none is."""
        return f"list_position({items}, {value})"

    def list_element(self, items: str, index: str) -> str:
        """Element `index` (1-based, an SQL number) of a list; NULL when missing."""
        return f"list_extract({items}, {index})"

    def list_size(self, items: str) -> str:
        return f"len({items})"

    def last_ignore_nulls(self, value: str) -> str:
        """`last_value` skipping nulls (a window function; the OVER clause follows)."""
        return f"last_value({value} IGNORE NULLS)"

    # --- set-returning functions ----------------------------------------------------------------

    def series(self, start: str, last: str, step_ms: int, column: str) -> str:
        """A query of one timestamp column `column`: `start` to `last` (inclusive) by steps."""
        every = self.interval_ms(step_ms)
        return f"SELECT unnest(generate_series({start}, {last}, {every})) AS {column}"

    def explode_lists(self, source: str, lists: Sequence[str], names: Sequence[str]) -> str:
        """The rows of query `source` repeated once per element of the lists (zipped, the
        element of list i in column names[i]); a row whose first list is empty is kept once,
        with nulls."""
        unnests = [
            f"unnest(CASE WHEN len({items}) = 0 THEN [NULL] ELSE {items} END) AS {name}"
            for items, name in zip(lists, names, strict=True)
        ]
        return f"SELECT *, {', '.join(unnests)} FROM ({source})"

    # --- JSON -----------------------------------------------------------------------------------

    def json_document(self, text: str) -> str:
        """The JSON document of a text: all of it, or from its first `{` (a syslog prefix);
        NULL when neither is JSON."""
        tail = f"substr({text}, instr({text}, '{{'))"
        return (
            f"CASE WHEN json_valid({text}) THEN {text} "
            f"WHEN instr({text}, '{{') > 0 AND json_valid({tail}) THEN {tail} END"
        )

    def json_found(self, doc: str, path: str) -> str:
        """Whether the JSON path (`$."a"[0]`) exists in `doc` (a JSON null counts)."""
        return f"(json_extract({doc}, {self.string(path)}) IS NOT NULL)"

    def json_text(self, doc: str, path: str) -> str:
        """The value at a JSON path as text (a string unquoted, anything else as JSON)."""
        return f"json_extract_string({doc}, {self.string(path)})"

    def json_matches(self, doc: str, path: str) -> tuple[str, str]:
        """For a path with `[*]`: (found: at least one value, the values as a JSON array)."""
        raw = f"json_extract({doc}, {self.string(path)})"
        return f"coalesce(len({raw}) > 0, false)", f"CAST(to_json({raw}) AS VARCHAR)"

    def json_leaf_paths(self, source: str, doc: str, limit: int) -> str:
        """The distinct paths (`$."a"."b c"[0]`) of every leaf of the documents `doc` of query
        `source` (empty objects and arrays count as leaves), sorted, at most `limit`."""
        return (
            f"SELECT DISTINCT j.fullkey AS v\n"
            f"FROM {source}, json_tree({doc}) AS j\n"
            f"WHERE j.type NOT IN ('OBJECT', 'ARRAY') OR j.value IN ('{{}}', '[]')\n"
            f"ORDER BY v\nLIMIT {limit}"
        )

    # --- order ----------------------------------------------------------------------------------

    def order_term(self, term: OrderTerm) -> str:
        text = self.binary(term.col) if term.text else term.col
        direction = "DESC" if term.descending else "ASC"
        return f"{text} {direction} NULLS LAST"


DUCKDB = Dialect()
