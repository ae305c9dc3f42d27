"""Load one chunk of a file's lines into the records table: directly, or through the stage.
(`insert_whole` loads a clean file whole, as one direct chunk the database reads itself.)

A chunk goes *directly* (`insert_direct`, one statement) when every line of it is a record
start with a readable time, which `insert_direct` finds out after the fact (and then takes its
rows back); otherwise it is *staged* (`insert_staged`): parsed into the stage, counted, and
inserted with its continuation lines joined and missing times filled. The statements are those
of `reportgen.snapshot.sql`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from reportgen.errors import SnapshotError
from reportgen.snapshot import sql, whole
from reportgen.snapshot.formats import FORMATS
from reportgen.snapshot.model import add_problems
from reportgen.snapshot.plan import FilePlan
from reportgen.snapshot.reader import Chunk
from reportgen.snapshot.whole import Whole


class Loaded(NamedTuple):
    """What a chunk held: its lines, its earliest and latest time, and the time of its last
    record with one (the `$prev` of the file's next chunk)."""

    lines: int
    low: datetime | None
    high: datetime | None
    last: datetime | None


def lines_sql(chunk: Chunk, scratch: Path, params: dict[str, Any]) -> str:
    """The query of the chunk's lines: through the CSV reader when the chunk is raw bytes
    (written to `scratch`), else from its text (put in `params` as `text`)."""
    if chunk.raw is not None:
        with scratch.open("wb") as out:
            out.write(chunk.raw)
        return sql.csv_lines(str(scratch), len(chunk.raw))
    params["text"] = chunk.text
    return sql.TEXT_LINES


def parse_params(plan: FilePlan) -> dict[str, Any]:
    """The parameters every parse of `plan`'s lines takes (see `sql.parse_sql`)."""
    return {
        "y0": plan.limit.year,
        "lim_md": plan.limit.strftime("%m-%d %H:%M:%S"), "cut": plan.cut,
    }  # fmt: skip


def run(
    cur: duckdb.DuckDBPyConnection, plan: FilePlan, statement: str, params: dict[str, Any]
) -> duckdb.DuckDBPyConnection:
    """Run a statement that parses `plan`'s lines, naming the file when it fails."""
    try:
        return cur.execute(statement, params)
    except duckdb.Error as error:
        raise SnapshotError(f"cannot parse {plan.name} as {plan.format}: {error}") from error


def direct_first(plan: FilePlan, sample: list[str]) -> bool:
    """Whether to insert the file's chunks directly: when every line of its head (`sample`,
    see `reader.FileStream.sample`) is a record start of its format; else most of its chunks
    would be staged anyway."""
    fmt = FORMATS[plan.format]
    if sample and sample[-1] == "":
        sample = sample[:-1]  # the end of a file shorter than the sample
    return bool(sample) and all(fmt.matches(line) for line in sample)


def insert_direct(
    cur: duckdb.DuckDBPyConnection, records: str, plan: FilePlan, lines: str, first: int,
    text: str | None = None,
) -> Loaded | None:  # fmt: skip
    """Insert the lines (`lines_sql`) of the chunk starting at line `first` as records, one per
    line; None, with the rows taken back, when a line is not a record start with a time."""
    statement = sql.direct_sql(records, plan.format, plan.tz, plan.multiline, plan.start, lines)
    keys = {"file": plan.file, "first": first}
    values = {**parse_params(plan), **keys}
    if text is not None:
        values["text"] = text
    inserted = run(cur, plan, statement, values).fetchone()
    table = sql.quote_ident(records)
    row = cur.execute(sql.CHUNK_SQL.format(table=table), keys).fetchone()
    assert inserted is not None and row is not None
    untimed, low, high, last = row
    if untimed:
        cur.execute(sql.DELETE_CHUNK_SQL.format(table=table), keys)
        return None
    plan.records += int(inserted[0])
    return Loaded(int(inserted[0]), low, high, last)


def insert_whole(
    cur: duckdb.DuckDBPyConnection, records: str, plan: FilePlan, found: Whole
) -> Loaded | None:
    """Insert every line of a clean file (`found`, see `reportgen.snapshot.whole`) as records,
    the database reading the file itself; None, with the rows taken back, unless every line
    is a record start with a time, the lines read and their line ends make up the file's
    bytes (none was skipped) and the file has not changed since it was checked."""
    done = insert_direct(cur, records, plan, sql.file_lines(str(plan.path), plan.cut), 1)
    if done is None:
        return None
    table = sql.quote_ident(records)
    row = cur.execute(sql.FILE_BYTES_SQL.format(table=table), {"file": plan.file}).fetchone()
    read = int(row[0] or 0) + done.lines - (not found.final_newline) if row else -1
    try:
        same = whole.identity(plan.path) == found.stat
    except OSError:
        same = False
    if same and read == found.stat[0]:
        return done
    plan.records -= done.lines
    cur.execute(sql.DELETE_CHUNK_SQL.format(table=table), {"file": plan.file, "first": 1})
    return None


def insert_staged(
    cur: duckdb.DuckDBPyConnection, records: str, plan: FilePlan, lines: str, first: int,
    prev: datetime | None, text: str | None = None,
) -> Loaded:  # fmt: skip
    """Parse the chunk into the stage, count it (records and problems go into `plan`) and
    insert its records, joining lines and filling times as needed. `prev` is the time of the
    file's last record before the chunk."""
    statement = sql.stage_sql(plan.format, plan.tz, plan.multiline, plan.start, lines)
    values = parse_params(plan)
    if text is not None:
        values["text"] = text
    run(cur, plan, statement, values)
    row = cur.execute(sql.COUNTS_SQL, {"first": first}).fetchone()
    assert row is not None
    count, starts, bad, cont, blank, long, lead, low, high, last = row
    plan.records += starts + int(lead)
    found = {"bad_timestamp": bad + int(lead), "blank_line": blank, "long_line": long}
    add_problems(plan.problems, found)
    fill = bad > 0 or bool(lead)
    insert = sql.insert_sql(records, cont > 0, fill)
    keys = {"mtime": plan.mtime, "file": plan.file, "first": first}
    cur.execute(insert, {**keys, "prev": prev} if fill else keys)
    if fill and low is None and prev is None:
        low = high = plan.mtime  # every record of the chunk took the file's mtime
    return Loaded(count, low, high, last)
