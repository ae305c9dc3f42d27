"""How an ingested snapshot is stored: a narrow table of records, a row per file, and a view.

The log table of design D2 is a view (`logs`) over two tables:

- `<name>__records`: one row per record with only what varies from record to record
  (`_messagetime`, `_raw`, the host named in the record's header, `_size`, `_messagecount`) and
  `_file`, the id of its file;
- `<name>__files`: one row per file with everything that is the same for all its records
  (`_receipttime`, the host rules, `_sourcecategory`, `_sourcename`, `_source`, `_collector`,
  `_format`, the sources.yaml `fields`).

Copying the per-file values into every record cost more than half of each insert (measured on
2M lines) and as much memory again as the text; looking them up by `_file` costs a query
little. It also lets the cache rename a rotated file by changing one row.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from reportgen.snapshot.model import LOG_COLUMNS
from reportgen.snapshot.sql import quote_ident

RECORD_COLUMNS = (
    ("_messagetime", "TIMESTAMPTZ"),
    ("_raw", "VARCHAR"),
    ("_host", "VARCHAR"),
    ("_size", "BIGINT"),
    ("_messagecount", "BIGINT"),
    ("_file", "INTEGER"),
)
FILE_COLUMNS = (
    ("file", "INTEGER"),
    ("mtime", "TIMESTAMPTZ"),
    ("host", "VARCHAR"),
    ("dhost", "VARCHAR"),
    ("category", "VARCHAR"),
    ("sourcename", "VARCHAR"),
    ("source", "VARCHAR"),
    ("collector", "VARCHAR"),
    ("format", "VARCHAR"),
)
"""Per file: its id, modification time, host override (sources.yaml `host`), default host (for
records whose header names none), category, name, source, collector and format."""


def records_table(name: str) -> str:
    """The records table behind the log view `name`."""
    return f"{name}__records"


def files_table(name: str) -> str:
    """The per-file table behind the log view `name`."""
    return f"{name}__files"


def create_tables(
    con: duckdb.DuckDBPyConnection, name: str, fields: tuple[str, ...], *, if_missing: bool = False
) -> None:
    """Create the (empty) records and files tables of the log view `name`; `fields` are the
    sources.yaml field names (columns of the files table)."""
    create = "CREATE TABLE IF NOT EXISTS" if if_missing else "CREATE OR REPLACE TABLE"
    records = ", ".join(f"{column} {kind}" for column, kind in RECORD_COLUMNS)
    files = [f"{column} {kind}" for column, kind in FILE_COLUMNS]
    files += [f"{quote_ident(field)} VARCHAR" for field in fields]
    con.execute(f"{create} {quote_ident(records_table(name))} ({records})")
    con.execute(f"{create} {quote_ident(files_table(name))} ({', '.join(files)})")


INLINE_FILES = 1000
"""Up to this many files, the view holds the per-file values as literals (see `create_view`)."""


def lists_table(name: str) -> str:
    """The one-row table of per-file value lists behind the log view `name`, when it has more
    than INLINE_FILES files."""
    return f"{name}__lists"


def create_view(
    con: duckdb.DuckDBPyConnection,
    view: str,
    tables: str,
    fields: tuple[str, ...],
    files: list[int] | None = None,
    *,
    temp: bool = False,
) -> None:
    """(Re)create the log view `view` (the columns of LOG_COLUMNS, then `fields`) over the
    tables of `tables`; with `files`, only the records of those file ids.

    The per-file values are lists indexed by `_file` rather than joined: a join may hand rows
    back in any order, an expression keeps the table's (file and line) order, and a list of a
    few values costs a scan next to nothing. Up to INLINE_FILES files the lists are literals in
    the view; beyond, every query would spend time binding them (0.3 s at 20,000 files), so they
    are kept in a one-row table (`lists_table`) read by scalar subqueries (5 ms). Literals stay
    the rule below that: DuckDB can filter on them in the scan, before a keyword's `ILIKE`,
    where a subquery's value comes after it (the overview's panels took half again the CPU)."""
    names = [column for column, _ in FILE_COLUMNS[1:]] + list(fields)
    rows = con.execute(
        f"SELECT file, {', '.join(quote_ident(name) for name in names)} "
        f"FROM {quote_ident(files_table(tables))} ORDER BY file"
    ).fetchall()
    size = max((row[0] for row in rows), default=0)
    lists: dict[str, list[object]] = {name: [None] * size for name in names}
    for file, *values in rows:
        for name, value in zip(names, values, strict=True):
            lists[name][file - 1] = value
    kinds = {name: "TIMESTAMPTZ[]" if name == "mtime" else "VARCHAR[]" for name in lists}
    table = quote_ident(lists_table(view))
    con.execute(f"DROP TABLE IF EXISTS {table}")
    inline = size <= INLINE_FILES

    def at(name: str) -> str:
        if inline:
            items = ", ".join(_literal(value) for value in lists[name])
            return f"CAST([{items}] AS {kinds[name]})[r._file]"
        return f"(SELECT {quote_ident(name)} FROM {table})[r._file]"

    where = ""
    if not inline:
        shown: list[object] = [files is None] * size
        for file in files or ():
            if 0 < file <= size:
                shown[file - 1] = True
        columns = {**lists, "__shown": shown}
        kinds["__shown"] = "BOOLEAN[]"
        select = ", ".join(f"CAST(? AS {kinds[name]}) AS {quote_ident(name)}" for name in columns)
        kind = "TEMP TABLE" if temp else "TABLE"
        con.execute(f"CREATE {kind} {table} AS SELECT {select}", list(columns.values()))
        where = "" if files is None else f" WHERE {at('__shown')}"
    elif files is not None:
        where = " WHERE r._file IN (" + ", ".join(map(str, files or [-1])) + ")"
    expressions = {
        "_messagetime": "r._messagetime",
        "_receipttime": at("mtime"),
        "_raw": "r._raw",
        "_sourcehost": f"coalesce({at('host')}, r._host, {at('dhost')})",
        "_sourcecategory": at("category"),
        "_sourcename": at("sourcename"),
        "_source": at("source"),
        "_collector": at("collector"),
        "_size": "r._size",
        "_messagecount": "r._messagecount",
        "_format": at("format"),
    }
    columns_sql = [f"{expressions[column]} AS {column}" for column, _ in LOG_COLUMNS]
    columns_sql += [f"{at(field)} AS {quote_ident(field)}" for field in fields]
    kind = "TEMP VIEW" if temp else "VIEW"
    con.execute(
        f"CREATE OR REPLACE {kind} {quote_ident(view)} AS SELECT {', '.join(columns_sql)} "
        f"FROM {quote_ident(records_table(tables))} AS r{where}"
    )


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop the log view `name` and its tables, if they exist."""
    con.execute(f"DROP VIEW IF EXISTS {quote_ident(name)}")
    con.execute(f"DROP TABLE IF EXISTS {quote_ident(lists_table(name))}")
    con.execute(f"DROP TABLE IF EXISTS {quote_ident(records_table(name))}")
    con.execute(f"DROP TABLE IF EXISTS {quote_ident(files_table(name))}")


def rename(con: duckdb.DuckDBPyConnection, old: str, new: str, fields: tuple[str, ...]) -> None:
    """Give the tables of the log view `old` to a view `new` (replacing any), dropping `old`."""
    drop(con, new)
    con.execute(f"DROP VIEW IF EXISTS {quote_ident(old)}")
    con.execute(f"DROP TABLE IF EXISTS {quote_ident(lists_table(old))}")
    for table in (records_table, files_table):
        con.execute(f"ALTER TABLE {quote_ident(table(old))} RENAME TO {quote_ident(table(new))}")
    create_view(con, new, new, fields)
