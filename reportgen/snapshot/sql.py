"""The SQL that loads log files: split them into lines, parse the lines, insert the records.

Per chunk of files (see `reportgen.snapshot.load`):

1. *split* (`split_sql`): `read_text` the files and split them into numbered lines (`LINES`);
   the unnest of a file runs on one thread, so it is kept apart from the parsing, which scans
   `LINES` in parallel;
2. *stage* (`stage_sql`), once per (format, zone): strip a trailing CR, truncate long lines,
   parse each line with the format's SQL (`reportgen.snapshot.formats`) and classify it
   (`kind`): 0 = record start with a time, 1 = record start without one, 2 = continuation,
   3 = blank, 4 = the empty piece after the final newline;
3. *counts* (`COUNTS_SQL`): per file line, record and problem counts from the stage;
4. *insert* (`insert_sql`): the records in (file, line) order. Continuation lines are found as
   runs of kind 2/3 lines (gaps and islands over those few lines only); a run belongs to the
   start just before it. Missing times are filled with a window over the records only when
   there are any.
"""

from __future__ import annotations

from reportgen.snapshot.formats import FORMATS, sql_string

LINES = "_reportgen_lines"
STAGE = "_reportgen_stage"
META = "_reportgen_meta"
GO_TRACE = (
    r"^(?:goroutine \d+ \[[^\]]*\]:|\[signal |created by |exit status \d+$|"
    r"[\w.*/()\[\]-]+\(.*\)$)"
)
"""Unindented lines that continue a Go panic (`multiline: auto`): goroutine headers, the signal
line, stack frames (`main.main()`, `pkg.(*T).M(...)`), `created by ...`, `exit status N`."""

META_COLUMNS = (
    ("fid", "INTEGER"),
    ("format", "VARCHAR"),
    ("tz", "VARCHAR"),
    ("mtime", "TIMESTAMPTZ"),
    ("y0", "INTEGER"),
    ("lim_md", "VARCHAR"),
    ("host", "VARCHAR"),
    ("dhost", "VARCHAR"),
    ("category", "VARCHAR"),
    ("sourcename", "VARCHAR"),
    ("source", "VARCHAR"),
    ("collector", "VARCHAR"),
    ("cut", "INTEGER"),
    ("rule", "VARCHAR"),
)
"""The per-file metadata table the statements join to (one row per file, keyed by `fid`)."""
STAGE_COLUMNS = (
    "fid INTEGER, n BIGINT, line VARCHAR, long BOOLEAN, ts TIMESTAMPTZ, host VARCHAR, kind UTINYINT"
)


def quote_ident(name: str) -> str:
    """`name` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def split_sql(paths: list[str], fids: list[int]) -> str:
    """The statement that (re)creates the table of the numbered lines of the files at `paths`
    (file ids `fids`)."""
    files = "[" + ", ".join(sql_string(path) for path in paths) + "]"
    ids = "[" + ", ".join(str(fid) for fid in fids) + "]"
    return f"""
CREATE OR REPLACE TEMP TABLE {LINES} AS
SELECT fid, unnest(s) AS raw, generate_subscripts(s, 1) AS n, len(s) AS total
FROM (SELECT {ids}[list_position({files}, filename)] AS fid,
             string_split(content, chr(10)) AS s
      FROM read_text({files}))
"""


def starts_sql(multiline: str, start: str | None) -> str:
    """SQL (over `line`, `lead_ws`, `hdr`) true on lines that start a record, for a `multiline`
    mode (see reportgen.snapshot.sources)."""
    if multiline == "none":
        return "TRUE"
    if multiline == "header":
        return "hdr"
    if multiline == "start":
        return f"regexp_matches(line, {sql_string(start or '')})"
    return f"(hdr OR NOT (lead_ws OR regexp_matches(line, {sql_string(GO_TRACE)})))"


def stage_sql(format_name: str, tz: str, multiline: str = "auto", start: str | None = None) -> str:
    """The statement that adds to the stage the lines of the files of one format, zone and
    multiline rule (`start` is the boundary regex of mode `start`)."""
    fmt = FORMATS[format_name]
    blank = "(line = '' OR (lead_ws AND ltrim(line, E' \\t') = ''))"
    rule = f"{sql_string(multiline)} || chr(0) || {sql_string(start or '')}"
    return f"""
INSERT INTO {STAGE}
WITH m AS (SELECT fid, y0, lim_md, cut FROM {META}
           WHERE format = {sql_string(format_name)} AND tz = {sql_string(tz)}
             AND rule = {rule}),
crlf AS (SELECT m.fid, m.y0, m.lim_md, m.cut, x.n, x.total,
                CASE WHEN ends_with(x.raw, chr(13)) THEN left(x.raw, -1) ELSE x.raw END AS raw
         FROM {LINES} AS x JOIN m ON m.fid = x.fid),
l AS (SELECT fid, y0, lim_md, n, total,
             strlen(raw) > cut AND length(raw) > cut AS long,
             CASE WHEN long THEN left(raw, cut) ELSE raw END AS line,
             starts_with(line, ' ') OR starts_with(line, chr(9)) AS lead_ws
      FROM crlf),
hx AS (SELECT *, {fmt.extract_sql("line")} AS h FROM l),
kx AS (SELECT *, {fmt.key_sql()} AS k FROM hx),
dx AS (SELECT *, {fmt.derive_sql()} AS d FROM kx),
tx AS (SELECT fid, n, total, line, long, lead_ws, {fmt.header_sql()} AS hdr,
              {fmt.time_sql(tz)} AS ts, {fmt.host_sql()} AS host FROM dx)
SELECT fid, n, line, long, CASE WHEN hdr THEN ts END, CASE WHEN hdr THEN host END,
       CASE WHEN line = '' AND n = total THEN 4
            WHEN {blank} THEN 3
            WHEN {starts_sql(multiline, start)}
            THEN CASE WHEN hdr AND ts IS NOT NULL THEN 0 ELSE 1 END
            ELSE 2 END
FROM tx
"""


COUNTS_SQL = f"""
SELECT fid,
       count(*) FILTER (WHERE kind < 4),
       count(*) FILTER (WHERE kind < 2),
       count(*) FILTER (WHERE kind = 1),
       count(*) FILTER (WHERE kind = 2),
       count(*) FILTER (WHERE kind = 3),
       count(*) FILTER (WHERE long),
       coalesce(min(n) FILTER (WHERE kind = 2) < min(n) FILTER (WHERE kind < 2),
                min(n) FILTER (WHERE kind = 2) IS NOT NULL)
FROM {STAGE} GROUP BY fid
"""

_JOINED = f"""
WITH runs AS (SELECT fid, n, line, kind, n - row_number() OVER (PARTITION BY fid ORDER BY n) AS grp
              FROM {STAGE} WHERE kind IN (2, 3)),
tails AS (SELECT fid, min(n) - 1 AS owner, min(n) FILTER (WHERE kind = 2) AS first,
                 string_agg(line, chr(10) ORDER BY n) FILTER (WHERE kind = 2) AS tail
          FROM runs GROUP BY fid, grp HAVING count(*) FILTER (WHERE kind = 2) > 0)
SELECT s.fid, s.n, CASE WHEN t.tail IS NULL THEN s.line ELSE s.line || chr(10) || t.tail END AS raw,
       s.ts, s.host
FROM {STAGE} AS s LEFT JOIN tails AS t ON t.fid = s.fid AND t.owner = s.n
WHERE s.kind < 2
UNION ALL
SELECT fid, first, tail, NULL::TIMESTAMPTZ, NULL::VARCHAR FROM tails WHERE owner = 0
"""


def insert_sql(table: str, join: bool, fill: bool, fields: tuple[str, ...] = ()) -> str:
    """The statement that inserts the staged records, joining continuation lines (`join`) and
    giving records without a time the previous record's (`fill`) only when needed; `fields` are
    the extra columns (sources.yaml `fields`), read from the same columns of the metadata."""
    records = (
        _JOINED if join else f"SELECT fid, n, line AS raw, ts, host FROM {STAGE} WHERE kind < 2"
    )
    time = "r.ts"
    if fill:
        time = (
            "last_value(r.ts IGNORE NULLS) OVER (PARTITION BY r.fid ORDER BY r.n "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        )
    extra = "".join(f", m.{quote_ident(name)}" for name in fields)
    return f"""
INSERT INTO {quote_ident(table)}
SELECT coalesce({time}, m.mtime), m.mtime, r.raw, coalesce(m.host, r.host, m.dhost),
       m.category, m.sourcename, m.source, m.collector, strlen(r.raw), r.n, m.format{extra}
FROM ({records}) AS r JOIN {META} AS m ON m.fid = r.fid
ORDER BY r.fid, r.n
"""
