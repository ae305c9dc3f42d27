"""Spark SQL's spelling of what the generator writes (Spark 4; ANSI mode on or off).

What differs from DuckDB (`Dialect`):

- String literals: Spark's parser processes backslash escapes, how it reads `''` changed
  between versions, and `${name}` is replaced before parsing (variable substitution), so a text
  with a quote, `${` or a trailing backslash is written as UTF-8 bytes (`CAST(X'..' AS
  STRING)`), one with backslashes as a raw literal (`r'\\d+'`), any other in plain quotes: each
  spelling is exact for its texts whatever the parser settings.
- Regexes are Java's, the flavour queries are written in: patterns are used as written.
  Replacements are Java's too (`$1`).
- Time: the session zone is UTC (the engine sets it); wall-clock times are computed with
  `from_utc_timestamp`/`to_utc_timestamp`, which depend on no session setting.
- Ordered picks (`first`, `most_recent`, transpose cells) use `min_by`/`max_by` over a row
  number, since Spark's aggregates take no ORDER BY.
- JSON goes through VARIANT (`try_parse_json`, `variant_get`): a JSON null is found, a missing
  key is not, as on DuckDB.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from reportgen.query.regex import java_pattern, participation_pattern
from reportgen.query.sql.dialect import DAY_MS, OFFSET_DIRECTIVE, TIME_BUCKET_ORIGIN_MS, Dialect

# strftime directive (the intermediate form of date patterns, see dates.py) -> Java letters
_JAVA_LETTERS = {
    "%Y": "yyyy",
    "%y": "yy",
    "%-m": "M",
    "%m": "MM",
    "%b": "MMM",
    "%B": "MMMM",
    "%-d": "d",
    "%d": "dd",
    "%-H": "H",
    "%H": "HH",
    "%-I": "h",
    "%I": "hh",
    "%-M": "m",
    "%M": "mm",
    "%-S": "s",
    "%S": "ss",
    "%g": "SSS",
    "%p": "a",
    "%a": "EEE",
    "%A": "EEEE",
    "%-j": "D",
    "%j": "DDD",
    "%z": "Z",
    "%X1": "X",
    "%X2": "XX",
    "%X3": "XXX",
}
_DIRECTIVE = re.compile(r"%X[123]|%-?[A-Za-z%]")
_NAMED_REF = re.compile(r"(?<!\\)\$\{([A-Za-z][A-Za-z0-9_]*)\}")
_JSON_KEY = re.compile(r'\.(?:"((?:[^"\\]|\\.)*)"|([^."\[]+))|\[(\d+|\*)\]')
_SAFE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
JSON_DEPTH = 12
"""How deep `json auto` looks into documents on Spark (DuckDB's json_tree has no limit)."""


def java_date_pattern(strftime: str) -> str:
    """A strftime pattern (as dates.py writes it) as a Java/Spark datetime pattern; literal text
    is quoted."""
    out: list[str] = []
    position = 0
    for match in _DIRECTIVE.finditer(strftime):
        out.append(_quoted(strftime[position : match.start()]))
        token = match.group(0)
        out.append(_quoted("%") if token == "%%" else _JAVA_LETTERS[token])
        position = match.end()
    out.append(_quoted(strftime[position:]))
    return "".join(out)


def _quoted(text: str) -> str:
    if not text:
        return ""
    if re.fullmatch(r"[^A-Za-z']+", text):
        return text
    return "'" + text.replace("'", "''") + "'"


def spark_json_path(path: str) -> str:
    """DuckDB's JSON path (`$."a b".c[0]`) as Spark's (`$['a b'].c[0]`)."""
    out = "$"
    for match in _JSON_KEY.finditer(path, 1):
        quoted, plain, index = match.groups()
        if index is not None:
            out += f"[{index}]"
            continue
        key = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else plain or ""
        out += f".{key}" if _SAFE_KEY.fullmatch(key) else f"['{key}']"
    return out


class SparkDialect(Dialect):
    """Spark SQL (Java regexes, `:name` parameters, unix_millis/from_utc_timestamp time)."""

    name = "spark"
    text_type = "STRING"
    timestamp_type = "TIMESTAMP"
    numbered_picks = True

    # --- literals, names, parameters ------------------------------------------------------------

    def string(self, text: str) -> str:
        if "${" in text or "'" in text or text.endswith("\\"):
            # `${...}` is also replaced by Spark's variable substitution, before any parsing
            return f"CAST(X'{text.encode('utf-8').hex().upper()}' AS STRING)"
        return f"r'{text}'" if "\\" in text else f"'{text}'"

    def ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def param(self, name: str) -> str:
        return f":{name}"

    def timestamp(self, moment: datetime) -> str:
        delta = moment - datetime.fromtimestamp(0, moment.tzinfo)
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return f"timestamp_micros({micros})"

    # --- regular expressions --------------------------------------------------------------------

    def regex_text(self, java: str) -> str:
        return java_pattern(java)

    def find(self, subject: str, pattern: str) -> str:
        return f"rlike({subject}, {pattern})"

    def full_match(self, subject: str, regex: str) -> str:
        anchored = "^(?:" + regex + ")\\z"
        return f"rlike({subject}, {self.string(anchored)})"

    def regex_group(self, subject: str, java: str, index: int) -> str:
        # Spark gives "" for a group that takes no part: a second pattern tells (see
        # participation_pattern), only when the value is ""
        pattern = self.regex(java)
        value = f"regexp_extract({subject}, {pattern}, {index})"
        test, behind, ahead = participation_pattern(self.regex_text(java), index)
        took = " || ".join(
            f"regexp_extract({subject}, {self.string(test)}, {n})" for n in (behind, ahead)
        )
        return f"CASE WHEN {value} <> '' THEN {value} WHEN {took} <> '' THEN '' END"

    def regex_group_all(self, subject: str, java: str, index: int) -> str:
        values = f"regexp_extract_all({subject}, {self.regex(java)}, {index})"
        test, behind, ahead = participation_pattern(self.regex_text(java), index)
        took = [f"regexp_extract_all({subject}, {self.string(test)}, {n})" for n in (behind, ahead)]
        flags = f"zip_with({took[0]}, {took[1]}, (a, b) -> a || b)"
        return f"zip_with({values}, {flags}, (v, f) -> CASE WHEN f <> '' THEN v END)"

    def replace_all(self, subject: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({subject}, {pattern}, {replacement})"

    def replacement(self, java: str, groups: Sequence[str]) -> str:
        # Java's replacement syntax, but Spark's regexp_replace knows no `${name}`: numbered
        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            return f"${groups.index(name) + 1}" if name in groups else ""

        return _NAMED_REF.sub(number, java)

    def group_ref(self, number: int) -> str:
        return f"${number}"

    # --- text and numbers -----------------------------------------------------------------------

    def like(self, subject: str, pattern: str, case_insensitive: bool = False) -> str:
        return f"{subject} {'ILIKE' if case_insensitive else 'LIKE'} {pattern}"  # escape: `\`

    def url_decode(self, text: str) -> str:
        return f"try_url_decode({text})"  # Java's URLDecoder: `+` is a space

    def url_encode(self, text: str) -> str:
        return f"url_encode({text})"  # Java's URLEncoder

    def base64_decode(self, text: str) -> str:
        # bytes as a string are not checked until validated: invalid UTF-8 gives NULL
        return f"try_validate_utf8(CAST(try_to_binary({text}, 'base64') AS STRING))"

    def base64_encode(self, text: str) -> str:
        return f"base64(encode({text}, 'UTF-8'))"

    def binary(self, text: str) -> str:
        return text  # strings compare by their UTF-8 bytes: code point order

    def math(self, name: str, x: str) -> str:
        if name in ("floor", "ceil"):
            return f"CAST({name}({x}) AS DOUBLE)"  # Spark's are BIGINT
        if name == "isinf":
            return f"(abs({x}) = CAST('Infinity' AS DOUBLE))"
        return f"{name}({x})"

    def hex_to_long(self, digits: str) -> str:
        return f"CAST(conv({digits}, 16, -10) AS BIGINT)"  # a negative base: signed

    def to_long(self, x: str) -> str:
        return f"try_cast({x} AS BIGINT)"

    def format_number(
        self, flags: str, width: str, precision: str | None, kind: str, x: str
    ) -> str:
        # Spark's format_string is Java's String.format: the conversion as written
        if kind == "b":  # Java's %b is a boolean: binary digits come from bin()
            digits = f"bin(try_cast({x} AS BIGINT))"
            if not width:
                return digits
            pad = "rpad" if "-" in flags else "lpad"
            fill = "'0'" if "0" in flags and "-" not in flags else "' '"
            return f"{pad}({digits}, {int(width)}, {fill})"
        digits = f".{precision}" if precision is not None else ""
        target = "BIGINT" if kind in "dxXo" else "DOUBLE"
        spec = f"%{flags}{width}{digits}{kind}"
        return f"format_string({self.string(spec)}, try_cast({x} AS {target}))"

    # --- time -----------------------------------------------------------------------------------

    def epoch_ms(self, timestamp: str) -> str:
        return f"unix_millis({timestamp})"

    def from_epoch_ms(self, ms: str) -> str:
        return f"timestamp_micros(try_cast(CAST({ms} AS DOUBLE) * 1000 AS BIGINT))"

    def local_epoch_ms(self, timestamp: str, zone: str) -> str:
        return f"unix_millis(from_utc_timestamp({timestamp}, {self.string(zone)}))"

    def interval_ms(self, ms: int) -> str:
        return f"INTERVAL {ms} MILLISECONDS"

    def day_bucket(self, column: str, days: int, tz: str) -> str:
        local = self.local_epoch_ms(column, tz)
        day = f"CAST(floor(({local} - {TIME_BUCKET_ORIGIN_MS}) / {DAY_MS}.0) AS BIGINT)"
        start = f"{TIME_BUCKET_ORIGIN_MS} + ({day} - pmod({day}, {days})) * {DAY_MS}"
        return f"unix_millis(to_utc_timestamp(timestamp_millis({start}), {self.string(tz)}))"

    def wall_clock(self, instant: str, zone: str) -> str:
        return f"from_utc_timestamp({instant}, {self.string(zone)})"

    def strftime(self, local: str, pattern: str) -> str:
        return f"date_format({local}, {self.string(java_date_pattern(pattern))})"

    def offset_seconds(self, local: str, instant: str) -> str:
        return f"CAST((unix_millis({local}) - unix_millis({instant})) / 1000 AS BIGINT)"

    def concat(self, parts: Sequence[str]) -> str:
        return f"concat({', '.join(parts)})"

    def int_div(self, x: str, divisor: int | str) -> str:
        return f"{x} div {divisor}"

    def parse_date(
        self, text: str, strftime: str, prefix_regex: str, zone: str, utc_regex: str | None = None
    ) -> str:
        # Java's patterns read offsets themselves (`X` also reads `Z`): utc_regex is not needed
        prefix = f"regexp_extract({text}, {self.string(prefix_regex)}, 0)"
        parsed = f"try_to_timestamp({prefix}, {self.string(java_date_pattern(strftime))})"
        if OFFSET_DIRECTIVE.search(strftime):
            return f"unix_millis({parsed})"
        return f"unix_millis(to_utc_timestamp({parsed}, {self.string(zone)}))"

    # --- aggregates and lists -------------------------------------------------------------------

    def fsum(self, x: str) -> str:
        return f"sum({x})"

    def favg(self, x: str) -> str:
        return f"avg({x})"

    def quantile(self, x: str, fraction: float) -> str:
        return f"percentile({x}, {fraction!r})"

    def pick(self, last: bool, value: str, order: str, where: str) -> str:
        if not order:
            return f"{'last' if last else 'first'}({value}) FILTER (WHERE {where})"
        return f"{'max_by' if last else 'min_by'}({value}, {order}) FILTER (WHERE {where})"

    def sorted_texts(self, text: str, limit: int) -> str:
        return f"array_join(slice(array_sort(collect_set({text})), 1, {limit}), char(10))"

    def list_combine(self, func: str, items: Sequence[str]) -> str:
        values = f"array({', '.join(f'CAST({item} AS DOUBLE)' for item in items)})"
        if func in ("min", "max"):
            return f"array_{func}({values})"
        present = f"filter({values}, v -> v IS NOT NULL)"
        return (
            f"CASE WHEN size({present}) > 0 THEN "
            f"aggregate({present}, CAST(0 AS DOUBLE), (a, v) -> a + v) / size({present}) END"
        )

    def list_at(self, items: str, index: int) -> str:
        return f"try_element_at({items}, {index})"

    def list_position(self, items: str, value: str) -> str:
        return f"CAST(nullif(array_position({items}, {value}), 0) AS INT)"

    def list_element(self, items: str, index: str) -> str:
        return f"try_element_at({items}, {index})"

    def list_size(self, items: str) -> str:
        return f"size({items})"

    def last_ignore_nulls(self, value: str) -> str:
        return f"last_value({value}, true)"

    # --- set-returning functions ----------------------------------------------------------------

    def series(self, start: str, last: str, step_ms: int, column: str) -> str:
        return f"SELECT explode(sequence({start}, {last}, {self.interval_ms(step_ms)})) AS {column}"

    def explode_lists(self, source: str, lists: Sequence[str], names: Sequence[str]) -> str:
        others = [
            f"try_element_at({items}, __rg_pos + 1) AS {name}"
            for items, name in zip(lists[1:], names[1:], strict=True)
        ]
        return (
            f"SELECT *{''.join(', ' + other for other in others)} FROM ({source}) AS __rg_s "
            f"LATERAL VIEW OUTER posexplode({lists[0]}) __rg_x AS __rg_pos, {names[0]}"
        )

    # --- JSON -----------------------------------------------------------------------------------

    def json_document(self, text: str) -> str:
        tail = f"substr({text}, instr({text}, '{{'))"
        return (
            f"coalesce(try_parse_json({text}), "
            f"CASE WHEN instr({text}, '{{') > 0 THEN try_parse_json({tail}) END)"
        )

    def json_found(self, doc: str, path: str) -> str:
        return f"(variant_get({doc}, {self.string(spark_json_path(path))}) IS NOT NULL)"

    def json_text(self, doc: str, path: str) -> str:
        return f"variant_get({doc}, {self.string(spark_json_path(path))}, 'string')"

    def json_matches(self, doc: str, path: str) -> tuple[str, str]:
        # Spark's JSON path wildcard returns a lone match without its brackets: wrap it back
        found = f"get_json_object(to_json({doc}), {self.string(spark_json_path(path))})"
        return f"({found} IS NOT NULL)", f"to_json(from_json({found}, 'array<string>'))"

    def json_leaf_paths(self, source: str, doc: str, limit: int) -> str:
        # One row per root-to-leaf path: a chain of outer explodes, JSON_DEPTH deep (a leaf
        # explodes to nulls, so the deeper steps of its row are null)
        steps = []
        joins = []
        for level in range(1, JSON_DEPTH + 1):
            parent = "s.__rg_j" if level == 1 else f"e{level - 1}.value"
            joins.append(f"LATERAL variant_explode_outer({parent}) AS e{level}")
            escaped = f"replace(replace(e{level}.key, {self.string(chr(92))}, "
            escaped += f"{self.string(chr(92) * 2)}), '\"', {self.string(chr(92) + chr(34))})"
            steps.append(
                f"CASE WHEN e{level}.key IS NOT NULL THEN concat('.\"', {escaped}, '\"') "
                f"WHEN e{level}.pos IS NOT NULL THEN concat('[', e{level}.pos, ']') ELSE '' END"
            )
        leaf = "coalesce(" + ", ".join(f"e{n}.value" for n in range(JSON_DEPTH, 0, -1))
        leaf += ", s.__rg_j)"
        kind = f"schema_of_variant({leaf})"
        return (
            f"SELECT DISTINCT concat('$', {', '.join(steps)}) AS v\n"
            f"FROM (SELECT {doc} AS __rg_j FROM {source}) AS s,\n  " + ",\n  ".join(joins) + "\n"
            f"WHERE s.__rg_j IS NOT NULL AND (NOT ({kind} LIKE 'OBJECT%' OR {kind} LIKE 'ARRAY%')"
            f" OR to_json({leaf}) IN ('{{}}', '[]') OR e{JSON_DEPTH}.value IS NOT NULL)\n"
            f"ORDER BY v\nLIMIT {limit}"
        )
