"""The SQL that loads log text: parse one chunk of lines, count it, insert its records.

Every statement works on one chunk of one file (`reportgen.snapshot.reader`), given as
parameters: `$text` (whole lines joined by LF) or a scratch file for the CSV reader, `$first`
(the number of its first line) and the file's metadata. Each line is parsed by its format's SQL
(`reportgen.snapshot.formats`, the one place that knows the formats) in `parse_sql`. A chunk
goes one of two ways (see `reportgen.snapshot.load`):

- *direct* (`direct_sql`), the common case: every line is inserted into the final table (see
  `reportgen.snapshot.storage`) as a record of its own, in line order; a line that is not a
  complete record start with a readable time gets a NULL time. `CHUNK_SQL` then reads the
  chunk's time span back, and finding a NULL time takes the chunk's rows back
  (`DELETE_CHUNK_SQL`) to stage it instead: a single pass over the text, no copy.
- *staged*, for chunks with continuation, blank or long lines or unreadable times:
  1. *stage* (`stage_sql`): truncate long lines, parse and classify each line (`kind`):
     0 = record start with a time, 1 = record start without one, 2 = continuation, 3 = blank.
     The stage holds one chunk (bounded), never a file;
  2. *counts* (`COUNTS_SQL`): line, record and problem counts, and the chunk's time span;
  3. *insert* (`insert_sql`): the records into the final table, in line order, without a sort
     of the table. Continuation lines are joined only when the chunk has any (gaps and islands
     over those lines only); records without a time are filled only when there are any: from
     the record before, else the chunk before (`$prev`), else the next readable record, else
     the file's modification time.
"""

from __future__ import annotations

from reportgen.snapshot.formats import FORMATS, sql_string

STAGE = "_reportgen_stage"
GO_TRACE = (
    r"^(?:goroutine \d+ \[[^\]]*\]:|\[signal |created by |exit status \d+$|"
    r"[\w.*/()\[\]-]+\(.*\)$)"
)
"""Unindented lines that continue a Go panic (`multiline: auto`): goroutine headers, the signal
line, stack frames (`main.main()`, `pkg.(*T).M(...)`), `created by ...`, `exit status N`."""


def quote_ident(name: str) -> str:
    """`name` as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


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


TEXT_LINES = """(SELECT CASE WHEN ends_with(raw, chr(13)) THEN left(raw, -1) ELSE raw END AS raw
 FROM (SELECT unnest(string_split($text, chr(10))) AS raw))"""
"""The lines of a chunk given as text (`$text`), in order, without a trailing CR."""


def csv_lines(path: str, size: int) -> str:
    """The lines of a chunk of `size` bytes in the file at `path`, read by the CSV reader, which
    is several times cheaper than splitting a text: one column, no quoting, so every byte but
    the line ends is kept (the reader makes sure the chunk has no CR, NUL or 0x01 byte)."""
    return f"(SELECT coalesce(line, '') AS raw FROM {_read_csv(path, size, {'line': 'VARCHAR'})})"


def file_lines(path: str, max_line_bytes: int) -> str:
    """The lines of a whole log file, read by the CSV reader as `csv_lines` does, skipping any
    it cannot read rather than failing (see `reportgen.snapshot.whole`: the file was found
    clean, and the loader checks that the lines read add up to its bytes)."""
    read = _read_csv(path, max_line_bytes, {"line": "VARCHAR"}, buffer=FILE_BUFFER, skip=True)
    return f"(SELECT coalesce(line, '') AS raw FROM {read})"


FILE_BUFFER = 16 << 20
"""Bytes the CSV reader reads at a time from a whole file (`file_lines`)."""


def _read_csv(
    path: str, size: int, columns: dict[str, str], *, buffer: int = 0, skip: bool = False
) -> str:
    """DuckDB's CSV reader over the file at `path` (no line longer than `size` bytes, read
    `buffer` bytes at a time, at least a line's worth) splitting lines only: no header, no
    quoting, 0x01 between `columns`, never decompressing (whatever the file's name says: a
    plain `x.log.gz` is read as it is); with `skip`, lines it cannot read are left out."""
    size = max(size + 1024, 1 << 20)
    names = ", ".join(f"{sql_string(name)}: {sql_string(kind)}" for name, kind in columns.items())
    errors = ", ignore_errors = true" if skip else ""
    return f"""read_csv({sql_string(path)}, columns = {{{names}}}, header = false, delim = chr(1),
               quote = '', escape = '', auto_detect = false, strict_mode = false, null_padding =
               true, compression = 'none', max_line_size = {size},
               buffer_size = {max(size, buffer)}{errors})"""


def stage_sql(
    format_name: str,
    tz: str,
    multiline: str = "auto",
    start: str | None = None,
    lines: str = TEXT_LINES,
) -> str:
    """The statement that (re)creates the stage with the parsed `lines` of one chunk of a file of
    this format, zone and multiline rule, in line order (the stage's rowids number them, see
    NUMBERED). Parameters: `$y0` and `$lim_md` (year-less syslog, see formats), `$cut`
    (max_line_chars), and those of `lines`."""
    parsed = parse_sql(format_name, tz, multiline, start, lines)
    return f"CREATE OR REPLACE TEMP TABLE {STAGE} AS {parsed}"


def direct_sql(
    table: str,
    format_name: str,
    tz: str,
    multiline: str = "auto",
    start: str | None = None,
    lines: str = TEXT_LINES,
    *,
    batch: bool = False,
) -> str:
    """The statement that inserts every line of one chunk straight into the records table
    `table`, one record per line, its time NULL on any line that is not a complete record
    start with a readable time (a continuation, a blank or long line, an unreadable time).

    This is the common case, at a quarter less CPU than staging: when the chunk turns out to
    hold a NULL time, the caller deletes its rows (`DELETE_CHUNK_SQL`) and stages it instead.
    Parameters: those of `stage_sql`, `$first` and `$file`. With `batch`, `lines` are those of
    `batch_lines` (whole files, each line with its file's index from 1) and the per-file
    parameters are lists indexed by it: `$files`, `$starts` (the number of lines before the
    file), `$y0s` and `$lim_mds`."""
    if batch:
        source = f"(SELECT row_number() OVER () AS g, fidx, raw FROM {lines})"
        numbers = "g - $starts[fidx] AS i, $files[fidx] AS file, $y0s[fidx] AS y0, "
        numbers += "$lim_mds[fidx] AS lim_md"
    else:
        source = f"(SELECT row_number() OVER () AS g, raw FROM {lines})"
        numbers = "$first - 1 + g AS i, $file AS file, $y0 AS y0, $lim_md AS lim_md"
    parsed = parse_sql(format_name, tz, multiline, start, f"SELECT {numbers}, raw FROM {source}",
                       direct=True)  # fmt: skip
    return f"""
INSERT INTO {quote_ident(table)}
SELECT ts, line, host, strlen(line), i, file FROM ({parsed})
"""


def batch_lines(path: str, size: int) -> str:
    """The lines of many small files in the file at `path` (`size` bytes), each line written
    as its file's index, a 0x01 byte and the line (see `reportgen.snapshot.batch`)."""
    columns = {"fidx": "INTEGER", "line": "VARCHAR"}
    return f"(SELECT fidx, coalesce(line, '') AS raw FROM {_read_csv(path, size, columns)})"


def parse_sql(
    format_name: str,
    tz: str,
    multiline: str = "auto",
    start: str | None = None,
    lines: str = TEXT_LINES,
    *,
    direct: bool = False,
) -> str:
    """The query of the parsed `lines` of one chunk, in line order: for the stage (`line`,
    `long`, `ts`, `host`, `kind`) or, `direct`, for `direct_sql`: `lines` then also has the
    columns `i` (the line's number), `file`, `y0` and `lim_md`, and the query gives `i`,
    `file`, `line`, `host` and `ts` (NULL unless the line is a complete record start with a
    readable time)."""
    fmt = FORMATS[format_name]
    long = "strlen(raw) > $cut AND length(raw) > $cut"
    if direct:
        # `lines` numbers the lines itself (see direct_sql). A long line sends the chunk to the
        # stage, which truncates it: no need to here. A blank line is never a header (every
        # format's header starts with a non-blank text).
        first = f"SELECT i, file, y0, lim_md, {long} AS long, raw AS line FROM ({lines})"
        starts = "" if multiline != "start" else f" AND {starts_sql(multiline, start)}"
        select = (
            "SELECT i, file, line, host,\n"
            f"       CASE WHEN hdr AND ts IS NOT NULL AND NOT long{starts} THEN ts END AS ts"
        )
    else:
        first = (
            f"SELECT $y0 AS y0, $lim_md AS lim_md, {long} AS long,\n"
            "       CASE WHEN long THEN left(raw, $cut) ELSE raw END AS line,\n"
            "       starts_with(line, ' ') OR starts_with(line, chr(9)) AS lead_ws\n"
            f"FROM {lines}"
        )
        blank = "(line = '' OR (lead_ws AND ltrim(line, E' \\t') = ''))"
        select = f"""SELECT line, long, CASE WHEN hdr THEN ts END AS ts,
       CASE WHEN hdr THEN host END AS host,
       CAST(CASE WHEN {blank} THEN 3
                 WHEN {starts_sql(multiline, start)}
                 THEN CASE WHEN hdr AND ts IS NOT NULL THEN 0 ELSE 1 END
                 ELSE 2 END AS UTINYINT) AS kind"""
    carried = "i, file, line, long" if direct else "line, long, lead_ws"
    return f"""
WITH l AS ({first}),
hx AS (SELECT *, {fmt.extract_sql("line")} AS h FROM l),
kx AS (SELECT *, {fmt.key_sql()} AS k FROM hx),
dx AS (SELECT *, {fmt.derive_sql()} AS d FROM kx),
tx AS (SELECT {carried}, {fmt.header_sql()} AS hdr,
              {fmt.time_sql(tz)} AS ts, {fmt.host_sql()} AS host FROM dx)
{select}
FROM tx
"""


NUMBERED = f"(SELECT rowid - (SELECT min(rowid) FROM {STAGE}) + $first AS n, * FROM {STAGE})"
"""The stage with line numbers (`$first`: the number of the chunk's first line): a table's rowids
count its rows in the order they were inserted (from an offset inside a transaction)."""

COUNTS_SQL = f"""
SELECT count(*),
       count(*) FILTER (WHERE kind < 2),
       count(*) FILTER (WHERE kind = 1),
       count(*) FILTER (WHERE kind = 2),
       count(*) FILTER (WHERE kind = 3),
       count(*) FILTER (WHERE long),
       coalesce(min(n) FILTER (WHERE kind = 2) < min(n) FILTER (WHERE kind < 2),
                min(n) FILTER (WHERE kind = 2) IS NOT NULL),
       min(ts) FILTER (WHERE kind = 0),
       max(ts) FILTER (WHERE kind = 0),
       arg_max(ts, n) FILTER (WHERE kind = 0)
FROM {NUMBERED}
"""
"""Per chunk: lines, record starts, starts without a time, continuation lines, blank lines, long
lines, whether it starts with continuation lines (an orphan record), the earliest and latest
readable time and the time of its last readable record (`$prev` of the next chunk)."""

_JOINED = f"""
WITH s AS {NUMBERED},
runs AS (SELECT n, line, kind, n - row_number() OVER (ORDER BY n) AS grp
         FROM s WHERE kind IN (2, 3)),
tails AS (SELECT min(n) - 1 AS owner, min(n) FILTER (WHERE kind = 2) AS first,
                 string_agg(line, chr(10) ORDER BY n) FILTER (WHERE kind = 2) AS tail
          FROM runs GROUP BY grp HAVING count(*) FILTER (WHERE kind = 2) > 0)
SELECT s.n, CASE WHEN t.tail IS NULL THEN s.line ELSE s.line || chr(10) || t.tail END AS raw,
       s.ts, s.host
FROM s LEFT JOIN tails AS t ON t.owner = s.n
WHERE s.kind < 2
UNION ALL
SELECT first, tail, NULL::TIMESTAMPTZ, NULL::VARCHAR FROM tails WHERE owner < $first
"""


def insert_sql(table: str, join: bool, fill: bool) -> str:
    """The statement that inserts the staged records into the records table `table` (see
    `reportgen.snapshot.storage`), joining continuation lines (`join`) and filling missing
    times (`fill`) only when needed. Parameters: `$first`, `$mtime`, `$file` and, with
    `fill`, `$prev`."""
    records = _JOINED if join else f"SELECT n, line AS raw, ts, host FROM {NUMBERED} WHERE kind < 2"
    time = "r.ts"
    if fill:
        time = (
            "coalesce(r.ts, last_value(r.ts IGNORE NULLS) OVER (ORDER BY r.n ROWS BETWEEN "
            "UNBOUNDED PRECEDING AND CURRENT ROW), $prev, first_value(r.ts IGNORE NULLS) OVER "
            "(ORDER BY r.n ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING))"
        )
    # Joins and windows may shuffle rows: sort the chunk (a few thousand rows, in memory) so
    # the table keeps line order; a plain chunk keeps it by itself.
    order = "\nORDER BY r.n" if join or fill else ""
    return f"""
INSERT INTO {quote_ident(table)}
SELECT coalesce({time}, $mtime), r.raw, r.host, strlen(r.raw), r.n, $file
FROM ({records}) AS r{order}
"""


CHUNK_SQL = """
SELECT count(*) FILTER (WHERE _messagetime IS NULL), min(_messagetime), max(_messagetime),
       arg_max(_messagetime, _messagecount)
FROM {table} WHERE _file = $file AND _messagecount >= $first
"""
"""Per chunk inserted by `direct_sql`: its lines without a time (none: the chunk is done), the
earliest and latest time and the time of its last line (`$prev` of the next chunk)."""

BATCH_SQL = """
SELECT _file, count(*), count(*) FILTER (WHERE _messagetime IS NULL), max(_messagecount),
       min(_messagetime), max(_messagetime)
FROM {table} WHERE _file IN (SELECT unnest($files)) GROUP BY _file
"""
"""Per file of a batch inserted by `direct_sql`: its lines, those without a time, its last
line number, and its earliest and latest time."""

FILE_BYTES_SQL = "SELECT sum(_size) FROM {table} WHERE _file = $file"
"""The bytes of a file's records without their line ends (of a file inserted whole: its lines)."""

DELETE_FILES_SQL = "DELETE FROM {table} WHERE _file IN (SELECT unnest($files))"
"""Take back the rows of files of a batch, to load them one by one instead."""

DELETE_CHUNK_SQL = "DELETE FROM {table} WHERE _file = $file AND _messagecount >= $first"
"""Take back the rows of a chunk inserted by `direct_sql`, to stage it instead."""


def insert_rows_sql(table: str, width: int) -> str:
    """The statement that adds rows of `width` values to `table`, given one list parameter per
    column (a row per item): a list per column binds ten times as fast as a `?` per value."""
    return f"INSERT INTO {quote_ident(table)} SELECT " + ", ".join(["unnest(?)"] * width)
