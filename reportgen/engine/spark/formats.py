"""The line formats of reportgen.snapshot.formats in Spark SQL: one statement per (format, zone,
multiline rule) stages the lines of the files read that way.

The header regexes are the snapshot package's own (written in the syntax Python, RE2 and Java
share); what differs from DuckDB is the spelling: one `regexp_extract` per capture group,
`try_parse_json`/`variant_get` for JSON lines, `to_utc_timestamp` for local times (the session
zone is UTC, so a parsed wall-clock time is that time in UTC until converted). The stage's rows
and their `kind` follow reportgen.snapshot.sql exactly: 0 record start with a time, 1 record
start without one, 2 continuation, 3 blank; 4 marks a row that holds no line.
"""

from __future__ import annotations

from reportgen.query.sql.spark import SparkDialect
from reportgen.snapshot.formats import FORMATS, ISO, MONTHS, TIME_KEYS, ZONE, LineFormat
from reportgen.snapshot.sql import GO_TRACE

SQL = SparkDialect()
lit = SQL.string


def iso_time_sql(naive: str, zone: str, tz: str) -> str:
    """The instant of a wall-clock TIMESTAMP `naive` with a zone suffix `zone` ('' when absent,
    `Z`, `+hh`, `+hhmm`, `+hh:mm`); without one it is read in zone `tz`."""
    sign = f"(CASE WHEN startswith({zone}, '-') THEN -1 ELSE 1 END)"
    minutes = f"(CASE WHEN length({zone}) > 3 THEN try_cast(right({zone}, 2) AS INT) ELSE 0 END)"
    offset = f"{sign} * (try_cast(substr({zone}, 2, 2) AS INT) * 60 + {minutes})"
    return (
        f"CASE WHEN {zone} = '' THEN to_utc_timestamp({naive}, {lit(tz)}) "
        f"WHEN {zone} IN ('Z', 'z') THEN {naive} "
        f"ELSE timestamp_micros(unix_micros({naive}) - CAST({offset} AS BIGINT) * 60000000) END"
    )


def naive_sql(text: str) -> str:
    """A wall-clock TIMESTAMP from ISO text (`T` or space, `.` or `,` before fractions)."""
    return f"try_cast(replace({text}, ',', '.') AS TIMESTAMP)"


def epoch_sql(text: str) -> str:
    """The instant of an epoch number in text: seconds (with fractions), or whole milliseconds,
    microseconds or nanoseconds, told apart by magnitude."""
    value = f"try_cast({text} AS DOUBLE)"
    scale = (
        f"CASE WHEN abs({value}) >= 1e17 THEN 1e9 WHEN abs({value}) >= 1e14 THEN 1e6 "
        f"WHEN abs({value}) >= 1e11 THEN 1e3 ELSE 1 END"
    )
    return f"timestamp_micros(try_cast({value} / ({scale}) * 1e6 AS BIGINT))"


def _column(group: str) -> str:
    return f"h_{group}"


def extract_columns(fmt: LineFormat) -> list[str]:
    """The columns of `h`: the header's capture groups ('' when the line is not a header); for
    JSON lines, `h_t`: the time text of a JSON object line (NULL when the line is none)."""
    if fmt.pattern is None:
        keys = ", ".join(f"variant_get(j, {lit(_json_path(key))}, 'string')" for key in TIME_KEYS)
        return [f"CASE WHEN j IS NOT NULL THEN coalesce({keys}, '') END AS h_t"]
    pattern = lit(fmt.pattern)
    return [
        f"regexp_extract(line, {pattern}, {index}) AS {_column(group)}"
        for index, group in enumerate(fmt.groups, start=1)
    ]


def header_sql(fmt: LineFormat) -> str:
    if fmt.pattern is None:
        return "h_t IS NOT NULL"
    if fmt.epoch:
        return f"({_column(fmt.groups[0])} <> '' OR {_column(fmt.groups[-1])} <> '')"
    return f"{_column(fmt.groups[0])} <> ''"


def derive_columns(fmt: LineFormat) -> list[str]:
    """The columns of `d`: the local time (year-less syslog, ISO), or a JSON time's parts."""
    if fmt.name == "rfc3164":
        months = f"array({', '.join(lit(month) for month in MONTHS)})"
        key = (
            f"lpad(CAST(array_position({months}, h_mon) AS STRING), 2, '0') || '-' || "
            f"lpad(h_day, 2, '0') || ' ' || h_time"
        )
        year = f"(y0 - CAST(({key}) > lim_md AS INT))"
        leap = f"({year} - CASE WHEN {year} % 4 = 0 THEN 4 ELSE {year} % 4 END)"

        def local(y: str) -> str:
            return f"try_to_timestamp(CAST({y} AS STRING) || '-' || {key}, 'yyyy-MM-dd HH:mm:ss')"

        fallback = f"CASE WHEN startswith({key}, '02-29') THEN {local(leap)} END"
        return [f"coalesce({local(year)}, {fallback}) AS d"]
    if fmt.pattern is None:
        iso = lit("^" + ISO + " ?" + ZONE + "?$")
        return [f"regexp_extract(h_t, {iso}, 1) AS d_dt", f"regexp_extract(h_t, {iso}, 2) AS d_z"]
    return [f"{naive_sql('h_dt')} AS d"]


def time_sql(fmt: LineFormat, tz: str) -> str:
    """The record's instant, NULL when it cannot be read."""
    if fmt.name == "rfc3164":
        return f"to_utc_timestamp(d, {lit(tz)})"
    if fmt.pattern is None:
        return (
            f"CASE WHEN d_dt <> '' THEN {iso_time_sql(naive_sql('d_dt'), 'd_z', tz)} "
            f"ELSE {epoch_sql('h_t')} END"
        )
    if fmt.epoch:
        last = _column(fmt.groups[-1])
        iso = iso_time_sql("d", "h_z", tz)
        return f"CASE WHEN {last} <> '' THEN {epoch_sql(last)} ELSE {iso} END"
    return iso_time_sql("d", "h_z", tz)


def host_sql(fmt: LineFormat) -> str:
    if not fmt.has_host:
        return "CAST(NULL AS STRING)"
    return "CASE WHEN h_host IN ('', '-') THEN NULL ELSE h_host END"


def starts_sql(multiline: str, start: str | None) -> str:
    """True on lines that start a record, for a `multiline` mode."""
    if multiline == "none":
        return "TRUE"
    if multiline == "header":
        return "hdr"
    if multiline == "start":
        return f"rlike(line, {lit(start or '')})"
    return f"(hdr OR NOT (lead_ws OR rlike(line, {lit(GO_TRACE)})))"


def stage_sql(
    lines: str, meta: str, format_name: str, tz: str, multiline: str, start: str | None
) -> str:
    """The staged lines (fid, n, line, long, bad_utf8, region, ts, host, kind) of the files of
    one format, zone and multiline rule: `lines` holds (fid, n, raw, bad_utf8, region; see
    text.lines_sql), `meta` the files. Kind 4 rows hold no line (the start of a binary region
    that kept none)."""
    fmt = FORMATS[format_name]
    json_line = (
        ", CASE WHEN startswith(line, '{') THEN try_parse_json(line) END AS j"
        if fmt.pattern is None
        else ""
    )
    blank = "(line = '' OR (lead_ws AND rlike(line, '^[ \\t]*$')))"
    return f"""
WITH m AS (SELECT fid, y0, lim_md, cut FROM {meta}
           WHERE format = {lit(format_name)} AND tz = {lit(tz)}
             AND multiline = {lit(multiline)} AND coalesce(start, '') = {lit(start or "")}),
crlf AS (SELECT /*+ BROADCAST(m) */ m.fid, m.y0, m.lim_md, m.cut, x.n, x.bad_utf8, x.region,
                CASE WHEN endswith(x.raw, char(13)) THEN substr(x.raw, 1, length(x.raw) - 1)
                     ELSE x.raw END AS raw
         FROM {lines} AS x JOIN m ON m.fid = x.fid),
l AS (SELECT fid, y0, lim_md, n, bad_utf8, region, length(raw) > cut AS long,
             CASE WHEN length(raw) > cut THEN substr(raw, 1, cut) ELSE raw END AS line
      FROM crlf),
w AS (SELECT *, startswith(line, ' ') OR startswith(line, char(9)) AS lead_ws{json_line} FROM l),
hx AS (SELECT *, {", ".join(extract_columns(fmt))} FROM w),
dx AS (SELECT *, {", ".join(derive_columns(fmt))} FROM hx),
tx AS (SELECT fid, n, line, long, bad_utf8, region, lead_ws, {header_sql(fmt)} AS hdr,
              {time_sql(fmt, tz)} AS ts, {host_sql(fmt)} AS host FROM dx)
SELECT fid, n, line, coalesce(long, false) AS long, bad_utf8, region,
       CASE WHEN hdr THEN ts END AS ts, CASE WHEN hdr THEN host END AS host,
       CASE WHEN line IS NULL THEN 4
            WHEN {blank} THEN 3
            WHEN {starts_sql(multiline, start)}
            THEN CASE WHEN hdr AND ts IS NOT NULL THEN 0 ELSE 1 END
            ELSE 2 END AS kind
FROM tx
"""


def _json_path(key: str) -> str:
    return f"$.{key}" if key.isalnum() else f"$['{key}']"
