"""Load planned files into the `logs` table with DuckDB, in chunks of consecutive files.

Files (in name order) are loaded in chunks of up to CHUNK_BYTES with the statements of
`reportgen.snapshot.sql`: split, stage per format, counts, insert. Rows go to a building table
that replaces the target only at the end. A file DuckDB cannot read as UTF-8 is transcoded by
Python (`textio.transcode`) and retried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from reportgen.errors import SnapshotError
from reportgen.snapshot import sql
from reportgen.snapshot.model import LOG_COLUMNS, add_problems
from reportgen.snapshot.sql import META, META_COLUMNS, STAGE, quote_ident
from reportgen.snapshot.textio import transcode

CHUNK_BYTES = 256 << 20
"""Files are loaded together until their (decompressed) sizes add up to this."""


@dataclass
class FilePlan:
    """How to load one file. `read_path` is what DuckDB reads (the file, or its decompressed or
    repaired copy); `limit` is the local time (in `tz`) that year-less lines must not pass."""

    fid: int
    name: str
    read_path: Path
    format: str
    tz: str
    mtime: datetime
    limit: datetime
    host: str | None
    default_host: str
    category: str
    source: str
    collector: str | None
    cut: int = 1 << 20
    multiline: str = "auto"
    start: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    records: int = 0

    @property
    def rule(self) -> str:
        """The multiline rule as one text (mode NUL start regex), a key of the stage."""
        return f"{self.multiline}\0{self.start or ''}"

    def meta_row(self, fields: tuple[str, ...]) -> tuple[object, ...]:
        """The file's row of the metadata table (see sql.META_COLUMNS), then its `fields`."""
        return (
            self.fid, self.format, self.tz, self.mtime, self.limit.year,
            self.limit.strftime("%m-%d %H:%M:%S"), self.host, self.default_host, self.category,
            self.name, self.source, self.collector, self.cut, self.rule,
            *(self.fields.get(name) for name in fields),
        )  # fmt: skip


class Loader:
    """Loads FilePlans into `table` over one connection; `workdir` holds repaired copies.

    The rows go to a building table first, which replaces `table` only once every file is
    loaded: a failed ingest leaves the previous table as it was.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table: str,
        workdir: Path,
        fields: tuple[str, ...] = (),
        progress: Callable[[int, int, int], None] | None = None,
    ) -> None:
        self.con = con
        self.progress = progress
        self.fields = fields
        self.table = table
        self.building = f"{table}__reportgen_building"
        self.workdir = workdir

    def load(self, plans: list[FilePlan]) -> None:
        """Load all `plans` (sorted by name) into the table and fill in their counts and
        problems."""
        extra = [(quote_ident(name), "VARCHAR") for name in self.fields]
        columns = ", ".join(f"{name} {kind}" for name, kind in (*LOG_COLUMNS, *extra))
        building = quote_ident(self.building)
        self.con.execute(f"CREATE OR REPLACE TABLE {building} ({columns})")
        meta = ", ".join(f"{name} {kind}" for name, kind in (*META_COLUMNS, *extra))
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {META} ({meta})")
        setting = self.con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
        done = False
        try:
            if plans:
                rows = [plan.meta_row(self.fields) for plan in plans]
                values = [list(column) for column in zip(*rows, strict=True)]
                unnests = ", ".join("unnest(?)" for _ in rows[0])
                self.con.execute(f"INSERT INTO {META} SELECT {unnests}", values)
            files = size = lines = 0
            for chunk in chunks(plans):
                self._load_chunk(chunk)
                if self.progress is not None:
                    files += len(chunk)
                    size += sum(plan.read_path.stat().st_size for plan in chunk)
                    lines += sum(plan.lines for plan in chunk)
                    self.progress(files, size, lines)
            done = True
        finally:
            self._preserve_order(bool(setting[0]) if setting else True)
            for name in (META, STAGE, sql.LINES):
                self.con.execute(f"DROP TABLE IF EXISTS {name}")
            if not done:
                self.con.execute(f"DROP TABLE IF EXISTS {building}")
        self._swap_in()

    def _swap_in(self) -> None:
        """Replace the table by the building one (two quick statements, no data copied)."""
        self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(self.table)}")
        self.con.execute(
            f"ALTER TABLE {quote_ident(self.building)} RENAME TO {quote_ident(self.table)}"
        )

    def _preserve_order(self, on: bool) -> None:
        # Off while splitting and staging (rows carry their line numbers; parallel inserts are
        # faster), on for the final INSERT ... ORDER BY, restored afterwards.
        self.con.execute(f"SET preserve_insertion_order = {'true' if on else 'false'}")

    def _load_chunk(self, chunk: list[FilePlan]) -> None:
        self._preserve_order(False)
        self._split(chunk)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE} ({sql.STAGE_COLUMNS})")
        groups = dict.fromkeys((p.format, p.tz, p.multiline, p.start) for p in chunk)
        for key in groups:
            format_name = key[0]
            try:
                self.con.execute(sql.stage_sql(*key))
            except duckdb.Error as error:
                where = _names([p for p in chunk if (p.format, p.tz, p.multiline, p.start) == key])
                raise SnapshotError(f"cannot parse {where} as {format_name}: {error}") from error
        self.con.execute(f"DROP TABLE {sql.LINES}")
        by_fid = {plan.fid: plan for plan in chunk}
        join = fill = False
        counts = self.con.execute(sql.COUNTS_SQL).fetchall()
        for fid, lines, starts, bad, cont, blank, long, lead in counts:
            plan = by_fid[fid]
            plan.lines = lines
            plan.records = starts + int(lead)
            found = {"bad_timestamp": bad + int(lead), "blank_line": blank, "long_line": long}
            add_problems(plan.problems, found)
            join = join or cont > 0
            fill = fill or bad > 0 or bool(lead)
        self._preserve_order(True)
        self.con.execute(sql.insert_sql(self.building, join, fill, self.fields))

    def _split(self, chunk: list[FilePlan]) -> None:
        try:
            self.con.execute(sql.split_sql(*_files(chunk)))
            return
        except duckdb.Error as error:
            if not self._repair(chunk):
                raise SnapshotError(f"cannot read {_names(chunk)}: {error}") from error
        try:
            self.con.execute(sql.split_sql(*_files(chunk)))
        except duckdb.Error as error:
            raise SnapshotError(f"cannot read {_names(chunk)}: {error}") from error

    def _repair(self, chunk: list[FilePlan]) -> bool:
        """Transcode the files of `chunk` that DuckDB cannot read; whether any was."""
        repaired = False
        for plan in chunk:
            try:
                self.con.execute("SELECT strlen(content) FROM read_text(?)", [str(plan.read_path)])
                continue
            except duckdb.Error:
                pass
            dest = self.workdir / f"{plan.fid}.utf8"
            bad = transcode(plan.read_path, dest)
            if not bad:
                continue
            add_problems(plan.problems, {"invalid_utf8": bad})
            plan.read_path = dest
            repaired = True
        return repaired


def chunks(plans: list[FilePlan]) -> list[list[FilePlan]]:
    """Consecutive runs of plans whose (decompressed) sizes add up to at most CHUNK_BYTES (a
    larger file is a chunk of its own)."""
    out: list[list[FilePlan]] = []
    size = 0
    for plan in plans:
        bytes_ = plan.read_path.stat().st_size
        if out and size + bytes_ <= CHUNK_BYTES:
            out[-1].append(plan)
            size += bytes_
        else:
            out.append([plan])
            size = bytes_
    return out


def _names(chunk: list[FilePlan]) -> str:
    names = [plan.name for plan in chunk]
    return ", ".join(names[:5]) + (f" (and {len(names) - 5} more)" if len(names) > 5 else "")


def _files(chunk: list[FilePlan]) -> tuple[list[str], list[int]]:
    return [str(plan.read_path) for plan in chunk], [plan.fid for plan in chunk]
