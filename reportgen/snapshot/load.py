"""Load planned files into a table with DuckDB: two workers, each a group of files at a time.

Consecutive files are loaded in groups (`file_groups`), chunk by chunk. Each worker takes the
next group and loads it on a cursor of its own (DuckDB runs their statements at the same time,
so both cores are busy), in one transaction that `reportgen.snapshot.commits.InOrder` commits
in group order while the worker goes on with the next group. While a worker's statements run on
one chunk, a reader thread of its file (`reportgen.snapshot.reader`) decompresses, hashes and
decodes the next, so a single large file keeps two cores busy too. Memory stays bounded: a
worker holds at most three chunks of its file, and finished groups waiting for their turn to
commit about PENDING_BYTES at most. The statements are those of `reportgen.snapshot.sql`.

A file whose first lines are all record starts of its format has its chunks inserted directly,
each in one statement, until a chunk turns out to hold a line that is not a whole record with a
time: that chunk and the rest of the file are staged (counted, joined, filled). Files with
multi-line records are staged from the start.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from reportgen.errors import SnapshotError
from reportgen.snapshot import reader, sql, storage, textio
from reportgen.snapshot.commits import InOrder
from reportgen.snapshot.formats import FORMATS, detect
from reportgen.snapshot.model import add_problems
from reportgen.snapshot.plan import FilePlan
from reportgen.snapshot.prefetch import prefetch
from reportgen.snapshot.reader import Boundary, Chunk, FileStream

WORKERS = 2
"""Files loaded at the same time (the development and CI machines have two cores)."""
COMMIT_BYTES = 256 << 20
"""The first group outstanding commits every this many bytes of text (bounding its
transaction)."""
GROUP_BYTES = 48 << 20
"""Consecutive files are loaded in groups of at least this many bytes of text, one transaction
each: DuckDB commits a transaction of more than a row group (122,880 rows) by moving its rows
over, a smaller one by copying them (0.7 s CPU on 2M lines of files of 50,000 lines)."""
LOOKAHEAD = 4
"""A worker takes the largest of the next this many groups (a large file left for last would
keep one worker busy alone at the end), or the first when finished groups are crowded."""
PENDING_BYTES = 256 << 20
"""Bytes of text of finished groups that may wait for their turn to commit (see `InOrder`)."""
GZIP_RATIO = 8
_GO_TRACE = re.compile(sql.GO_TRACE, re.ASCII)

Progress = Callable[[int, int, int], None]


FileDone = Callable[[duckdb.DuckDBPyConnection, FilePlan], None]


class Loader:
    """Loads FilePlans into the tables of the log view `name` (which must exist, see
    `reportgen.snapshot.storage`) over cursors of `con`.

    Each group of files is loaded in a transaction of a cursor of its own, committed in file
    order (see `InOrder`), and `on_file` runs in it after each file's rows (the ingest cache
    records the file there). `serial` loads on `con` itself, one file after another, without
    transactions of its own (for a connection inside an open transaction, whose tables other
    cursors cannot see).
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        name: str,
        fields: tuple[str, ...] = (),
        progress: Progress | None = None,
        *,
        on_file: FileDone | None = None,
        serial: bool = False,
    ) -> None:
        self.con = con
        self.records = storage.records_table(name)
        self.files = storage.files_table(name)
        self.fields = fields
        self.progress = progress
        self.on_file = on_file
        self.serial = serial
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._done = [0, 0, 0]  # files, bytes, lines
        self._order = InOrder(PENDING_BYTES)

    def load(self, plans: list[FilePlan]) -> None:
        """Load every plan, filling in its counts, problems, time span and digest."""
        todo = sorted(plans, key=lambda plan: plan.fid)
        if self.serial:
            for plan in todo:
                self._load_file(self.con, plan, None)
            return
        groups = list(enumerate(file_groups(todo)))
        self._order = InOrder(PENDING_BYTES)
        errors: list[BaseException] = []
        if len(groups) < 2:
            self._work(groups, errors)
        else:
            workers = [
                threading.Thread(target=self._work, args=(groups, errors), daemon=True)
                for _ in range(WORKERS)
            ]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        if errors:
            raise errors[0]

    def _work(self, todo: list[tuple[int, list[FilePlan]]], errors: list[BaseException]) -> None:
        try:
            while not self._stop.is_set():
                with self._lock:
                    if not todo:
                        return
                    first = todo[0][0]
                self._order.wait_for_room(first)
                with self._lock:
                    if not todo:
                        return
                    crowded = self._order.crowded()
                    index, group = todo.pop(0 if crowded else _largest(todo[:LOOKAHEAD]))
                self._load_group(index, group)
        except BaseException as error:
            self._stop.set()
            errors.append(error)
            self._order.stop()

    def _load_group(self, index: int, group: list[FilePlan]) -> None:
        """Load consecutive files in one transaction of a cursor of their own, handed to
        `InOrder` to be committed in turn (so the table fills in file order)."""
        cur = self.con.cursor()
        try:
            cur.begin()
            for plan in group:
                self._load_file(cur, plan, index)
        except BaseException:
            cur.rollback()
            cur.close()
            raise
        self._order.finish(index, cur, sum(map(text_bytes, group)))

    def _load_file(self, cur: duckdb.DuckDBPyConnection, plan: FilePlan, group: int | None) -> None:
        stream = FileStream(
            plan.path,
            plan.gz,
            max_line_bytes=4 * plan.cut + 4,
            limit=textio.MAX_FILE_BYTES,
            chunk_bytes=reader.CHUNK_BYTES,
        )
        try:
            sample = stream.sample()
        except OSError:
            plan.problems["unreadable"] = 1
            plan.format = ""
        else:
            if plan.format == "auto":
                plan.format = detect(sample)
            self._load_chunks(cur, plan, stream, group, self._direct_first(plan, sample))
            add_problems(plan.problems, stream.problems)
            plan.sha256 = stream.sha256
            if plan.lines == 0:
                plan.format = ""
                if "binary_file" not in plan.problems:
                    plan.problems["empty_file"] = 1
        if plan.format:
            cur.execute(sql.file_row_sql(self.files, self.fields), plan.file_row(self.fields))
        if self.on_file is not None:
            self.on_file(cur, plan)
        with self._lock:
            self._done[0] += 1

    def _load_chunks(
        self,
        cur: duckdb.DuckDBPyConnection,
        plan: FilePlan,
        stream: FileStream,
        group: int | None,
        direct: bool,
    ) -> None:
        params = {"mtime": plan.mtime, "file": plan.file}
        handle, scratch = tempfile.mkstemp(prefix="reportgen-chunk-", suffix=".txt")
        os.close(handle)
        try:
            self._load_chunks_via(cur, plan, stream, group, Path(scratch), params, direct)
        finally:
            os.unlink(scratch)
        cur.execute(f"DROP TABLE IF EXISTS {sql.STAGE}")

    def _lines(self, chunk: Chunk, scratch: Path, params: dict[str, Any]) -> str:
        """The query of the chunk's lines: through the CSV reader when the chunk is raw bytes
        (written to `scratch`), else from its text (put in `params`)."""
        if chunk.raw is not None:
            with scratch.open("wb") as out:
                out.write(chunk.raw)
            return sql.csv_lines(str(scratch), len(chunk.raw))
        params["text"] = chunk.text
        return sql.TEXT_LINES

    @staticmethod
    def _execute(
        cur: duckdb.DuckDBPyConnection, plan: FilePlan, statement: str, params: dict[str, Any]
    ) -> duckdb.DuckDBPyConnection:
        """Run a statement that parses a chunk of `plan`'s file, naming the file on error."""
        try:
            return cur.execute(statement, params)
        except duckdb.Error as error:
            message = f"cannot parse {plan.name} as {plan.format}: {error}"
            raise SnapshotError(message) from error

    def _direct(
        self, cur: duckdb.DuckDBPyConnection, plan: FilePlan, lines: str, params: dict[str, Any]
    ) -> tuple[int, Any, Any, Any] | None:
        """Insert the chunk's lines as records (`sql.direct_sql`): its line count, earliest,
        latest and last time; None (rows taken back) when a line is not a complete record."""
        statement = sql.direct_sql(
            self.records, plan.format, plan.tz, plan.multiline, plan.start, lines
        )
        keys = {"file": params["file"], "first": params["first"]}
        values = {**self._stage_params(plan), **keys}
        if "text" in params:
            values["text"] = params["text"]
        inserted = self._execute(cur, plan, statement, values).fetchone()
        table = sql.quote_ident(self.records)
        row = cur.execute(sql.CHUNK_SQL.format(table=table), keys).fetchone()
        assert inserted is not None and row is not None
        untimed, low, high, last = row
        if untimed:
            cur.execute(sql.DELETE_CHUNK_SQL.format(table=table), keys)
            return None
        return int(inserted[0]), low, high, last

    def _staged(
        self,
        cur: duckdb.DuckDBPyConnection,
        plan: FilePlan,
        lines: str,
        params: dict[str, Any],
        prev: datetime | None,
    ) -> tuple[int, Any, Any, Any]:
        """Parse the chunk into the stage, count it and insert its records, joining lines and
        filling times as needed: its line count, earliest, latest and last time."""
        first = params["first"]
        statement = sql.stage_sql(plan.format, plan.tz, plan.multiline, plan.start, lines)
        values = self._stage_params(plan)
        if "text" in params:
            values["text"] = params["text"]
        self._execute(cur, plan, statement, values)
        row = cur.execute(sql.COUNTS_SQL, {"first": first}).fetchone()
        assert row is not None
        count, starts, bad, cont, blank, long, lead, low, high, last = row
        plan.records += starts + int(lead)
        found = {"bad_timestamp": bad + int(lead), "blank_line": blank, "long_line": long}
        add_problems(plan.problems, found)
        fill = bad > 0 or bool(lead)
        insert = sql.insert_sql(self.records, cont > 0, fill)
        keys = {"mtime": params["mtime"], "file": params["file"], "first": first}
        cur.execute(insert, {**keys, "prev": prev} if fill else keys)
        if fill and low is None and prev is None:
            low = high = plan.mtime  # every record of the chunk took the file's mtime
        return count, low, high, last

    @staticmethod
    def _direct_first(plan: FilePlan, sample: list[str]) -> bool:
        """Whether to insert the file's chunks directly (see `sql.direct_sql`): when every line
        of its head is a record start of its format (else most chunks would be staged)."""
        fmt = FORMATS[plan.format]
        if sample and sample[-1] == "":
            sample = sample[:-1]  # the end of a file shorter than the sample
        return bool(sample) and all(fmt.matches(line) for line in sample)

    def _load_chunks_via(
        self,
        cur: duckdb.DuckDBPyConnection,
        plan: FilePlan,
        stream: FileStream,
        group: int | None,
        scratch: Path,
        params: dict[str, Any],
        direct: bool,
    ) -> None:
        prev: datetime | None = None
        uncommitted = 0
        for chunk in prefetch(stream.chunks(self._boundary(cur, plan)), self._stop):
            if self._stop.is_set():
                raise SnapshotError("stopped: another file failed")
            chunk_params = {**params, "first": plan.lines + 1}
            lines_sql = self._lines(chunk, scratch, chunk_params)
            done = self._direct(cur, plan, lines_sql, chunk_params) if direct else None
            if done is None:
                # Some line is not a whole record with a time: stage the rest of the file.
                direct = False
                done = self._staged(cur, plan, lines_sql, chunk_params, prev)
            else:
                plan.records += done[0]
            lines, low, high, last = done
            plan.lines += lines
            plan.span(low, high)
            prev = last if last is not None else prev
            self._progress(chunk, lines)
            uncommitted += len(chunk.raw if chunk.raw is not None else chunk.text or "")
            if group is not None and uncommitted >= COMMIT_BYTES and self._order.is_next(group):
                # The first group outstanding bounds its transaction by committing as it goes.
                cur.commit()
                cur.begin()
                uncommitted = 0

    @staticmethod
    def _stage_params(plan: FilePlan) -> dict[str, Any]:
        return {
            "y0": plan.limit.year,
            "lim_md": plan.limit.strftime("%m-%d %H:%M:%S"), "cut": plan.cut,
        }  # fmt: skip

    def _progress(self, chunk: Chunk, lines: int) -> None:
        if self.progress is None:
            return
        with self._lock:  # one line on the terminal: the workers draw it in turn
            self._done[1] += len(chunk.raw if chunk.raw is not None else chunk.text or "")
            self._done[2] += lines
            self.progress(*self._done)

    def _boundary(self, cur: duckdb.DuckDBPyConnection, plan: FilePlan) -> Boundary | None:
        """Which lines may start a chunk: those that start a record (so no record is split)."""
        fmt = FORMATS[plan.format]
        if plan.multiline == "none":
            return None
        if plan.multiline == "header":
            return fmt.matches
        if plan.multiline == "start":
            pattern = plan.start or ""

            def starts(line: str) -> bool:
                row = cur.execute("SELECT regexp_matches(?, ?)", [line, pattern]).fetchone()
                return bool(line.strip()) and bool(row and row[0])

            return starts

        def auto(line: str) -> bool:
            if not line.strip():
                return False
            return fmt.matches(line) or not (line[0] in " \t" or _GO_TRACE.match(line))

        return auto


def file_groups(plans: list[FilePlan]) -> list[list[FilePlan]]:
    """`plans` (in file order) cut into runs of consecutive files of at least GROUP_BYTES of
    text (but the last run), estimated by `text_bytes`."""
    groups: list[list[FilePlan]] = [[]]
    size = 0
    for plan in plans:
        if size >= GROUP_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(plan)
        size += text_bytes(plan)
    return [group for group in groups if group]


def text_bytes(plan: FilePlan) -> int:
    """A file's bytes of text, estimated before reading it (gzip text compresses about 8:1)."""
    return plan.size * GZIP_RATIO if plan.gz else plan.size


def _largest(groups: list[tuple[int, list[FilePlan]]]) -> int:
    sizes = [sum(map(text_bytes, group)) for _, group in groups]
    return sizes.index(max(sizes))
