"""Load planned files into a table with DuckDB: two workers, each a group of files at a time.

Consecutive files are loaded in groups (`file_groups`), chunk by chunk. Each worker takes the
next group and loads it on a cursor of its own (DuckDB runs their statements at the same time,
so both cores are busy), in one transaction that `reportgen.snapshot.commits.InOrder` commits
in group order while the worker goes on with the next group. While a worker's statements run on
one chunk, a reader thread of its file (`reportgen.snapshot.reader`) decompresses, hashes and
decodes the next; a large file that is the last work left goes on two cursors at once
(`reportgen.snapshot.split`), so it keeps both cores busy. Memory stays bounded: a
worker holds at most three chunks of its file, and finished groups waiting for their turn to
commit about PENDING_BYTES at most. The statements are those of `reportgen.snapshot.sql`.

A file whose first lines are all record starts of its format has its chunks inserted directly,
each in one statement, until a chunk turns out to hold a line that is not a whole record with a
time: that chunk and the rest of the file are staged (counted, joined, filled). Files with
multi-line records are staged from the start.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from reportgen.errors import SnapshotError
from reportgen.snapshot import batch, chunks, reader, split, sql, storage, textio, whole
from reportgen.snapshot.batch import Batch, Small
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
LOOKAHEAD = 2
"""A worker takes the largest of the next this many groups (a large file left for last would
keep one worker busy alone at the end), or the first when finished groups are crowded. Looking
further ahead leaves the first group for later and fills the room for finished groups, so a
worker waits: on 2M lines, 4 took 1.99 s wall where 2 took 1.71 s (the same CPU)."""
BIG_GROUP = 128 << 20
"""A group of at least this many bytes (a large file) is taken before any other, wherever it
is, when its rows have room to wait for their turn (see `_pick`): left to its turn near the end,
it kept one worker busy alone (10M lines: a 342 MB file, 0.6-0.8 s of 8 s with one core idle)."""
WHOLE_BYTES = 512 << 20
"""Clean plain files of up to this many bytes are read whole by the database (see `whole`); a
larger one streams in chunks, committed as they go when its group is the first outstanding, so
its rows need not all wait in memory for one commit (a file of 5 GB read whole took 58 s, 20 s of
it system time spilling; in chunks 41 s; at 1 GB both ways took the same time)."""
PENDING_BYTES = 512 << 20
"""Bytes of text of finished groups that may wait for their turn to commit (see `InOrder`): room
for a big group taken early (BIG_GROUP) to wait while the groups before it load. Without the
cache they are in memory either way; the cache's file has their full row groups already."""
SPLIT_BYTES = 2 * split.SEGMENT_CHUNKS * reader.CHUNK_BYTES
"""A file read in chunks with at least this many bytes of text goes on two cursors at once
(see `split`) when it is the last work left."""
GZIP_RATIO = 8
_GO_TRACE = re.compile(sql.GO_TRACE, re.ASCII)

Progress = Callable[[int, int, int], None]


FileRow = tuple[str, Callable[[FilePlan], list[Any]]]
"""A table and the row of it to add for each loaded file (the ingest cache's record of it)."""
ROWS_AT_ONCE = 500
"""Rows of the per-file tables inserted by one statement."""


@dataclass(frozen=True)
class Todo:
    """A group of consecutive files not yet started: its index, files and bytes of text."""

    index: int
    group: list[FilePlan]
    size: int


@dataclass
class Run:
    """One cursor's pass over consecutive files: its group's index (None when serial), its
    scratch file, the small files waiting (see `batch`) and the per-file rows waiting, by
    table."""

    cur: duckdb.DuckDBPyConnection
    group: int | None
    scratch: Path
    waiting: Batch = field(default_factory=Batch)
    rows: dict[str, list[list[Any]]] = field(default_factory=dict)


class Loader:
    """Loads FilePlans into the tables of the log view `name` (which must exist, see
    `reportgen.snapshot.storage`) over cursors of `con`.

    Each group of files is loaded in a transaction of a cursor of its own, committed in file
    order (see `InOrder`), which also adds each file's row to `on_file`'s table (the ingest
    cache records the file there). `serial` loads on `con` itself, one file after another, without
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
        on_file: FileRow | None = None,
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
        self._todo: list[Todo] = []
        self._busy = 0  # workers loading a group

    def load(self, plans: list[FilePlan]) -> None:
        """Load every plan, filling in its counts, problems, time span and digest."""
        todo = sorted(plans, key=lambda plan: plan.fid)
        if self.serial:
            self._load_files(self.con, todo, None)
            return
        groups = [
            Todo(index, group, sum(map(text_bytes, group)))
            for index, group in enumerate(file_groups(todo))
        ]
        self._order = InOrder(PENDING_BYTES)
        self._todo = groups
        errors: list[BaseException] = []
        if len(groups) < 2:
            self._work(groups, errors)
        else:
            workers = [
                threading.Thread(target=self._work, args=(groups, errors), daemon=True)
                for _ in range(WORKERS)
            ]
            # Each worker's statements on a thread of their own: DuckDB's own threads on top of
            # two workers cost 7% more CPU (2M lines: 2.84 against 2.56-2.63 s) and no wall time.
            row = self.con.execute("SELECT current_setting('threads')").fetchone()
            self.con.execute("SET threads = 1")
            try:
                for worker in workers:
                    worker.start()
                for worker in workers:
                    worker.join()
            finally:
                self.con.execute(f"SET threads = {int(row[0]) if row else WORKERS}")
        self._order.join(len(groups))  # a failed commit's error first: it stopped the workers
        if errors:
            raise errors[0]

    def _work(self, todo: list[Todo], errors: list[BaseException]) -> None:
        try:
            while not self._stop.is_set():
                with self._lock:
                    if not todo:
                        return
                    first = todo[0].index
                self._order.wait_for_room(first)
                with self._lock:
                    if not todo:
                        return
                    taken = todo.pop(_pick(todo, self._order))
                self._load_group(taken)
        except BaseException as error:
            self._stop.set()
            errors.append(error)
            self._order.stop()

    def _load_group(self, taken: Todo) -> None:
        """Load consecutive files in one transaction of a cursor of their own, handed to
        `InOrder` to be committed in turn (so the table fills in file order)."""
        cur = self.con.cursor()
        with self._lock:
            self._busy += 1
        try:
            cur.begin()
            self._load_files(cur, taken.group, taken.index)
        except BaseException:
            cur.rollback()
            cur.close()
            raise
        finally:
            with self._lock:
                self._busy -= 1
        self._order.finish(taken.index, cur, taken.size)

    def _load_files(
        self, cur: duckdb.DuckDBPyConnection, plans: list[FilePlan], group: int | None
    ) -> None:
        """Load consecutive files in order, small ones in batches (see `batch`)."""
        handle, name = tempfile.mkstemp(prefix="reportgen-chunk-", suffix=".txt")
        os.close(handle)
        run = Run(cur, group, Path(name))
        try:
            for plan in plans:
                self._load_file(run, plan)
            self._flush(run)
            self._insert_rows(run)
        finally:
            run.scratch.unlink()
        cur.execute(f"DROP TABLE IF EXISTS {sql.STAGE}")

    def _load_file(self, run: Run, plan: FilePlan) -> None:
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
            self._finish(run, plan, None)
            return
        if plan.format == "auto":
            plan.format = detect(sample)
        direct = chunks.direct_first(plan, sample)
        if direct and self._load_whole(run, plan, stream):
            return
        read = stream.chunks(self._boundary(run.cur, plan))
        if direct and text_bytes(plan) <= batch.FILE_BYTES:
            head = list(itertools.islice(read, 2))
            if len(head) == 1 and head[0].raw is not None:
                if not run.waiting.accepts(plan):
                    self._flush(run)
                run.waiting.add(Small(plan, stream, head[0].raw))
                if run.waiting.full:
                    self._flush(run)
                return
            read = itertools.chain(head, read)
        else:
            read = prefetch(read, self._stop)
        self._flush(run)  # the files before this one go in first
        self._load_chunks(run, plan, read, direct)
        self._finish(run, plan, stream)

    def _load_whole(self, run: Run, plan: FilePlan, stream: FileStream) -> bool:
        """Load a clean plain file in one statement, the database reading the file itself (see
        `whole`); False, with nothing loaded, when it is not one or what was read does not add
        up (then `stream` reads it in chunks)."""
        if plan.gz or not batch.FILE_BYTES < plan.size <= WHOLE_BYTES:
            return False
        found = whole.check(plan.path, plan.cut)
        if found is None:
            return False
        self._flush(run)  # the files before this one go in first
        if self._stop.is_set():
            raise SnapshotError("stopped: another file failed")
        done = chunks.insert_whole(run.cur, self.records, plan, found)
        if done is None:
            return False
        stream.close()
        plan.lines = done.lines
        plan.span(done.low, done.high)
        plan.sha256 = found.sha256
        self._progress(found.stat[0], done.lines)
        self._finish(run, plan, None)
        return True

    def _flush(self, run: Run) -> None:
        """Load the small files waiting: together, then one by one from the first that holds
        a line that is not a whole record with a time."""
        items = run.waiting.take()
        loaded = []
        if len(items) > 1:
            loaded = batch.insert_batch(run.cur, self.records, items, run.scratch)
        for item, done in zip(items, loaded, strict=False):
            item.plan.lines = done.lines
            item.plan.span(done.low, done.high)
            self._progress(len(item.raw), done.lines)
            self._finish(run, item.plan, item.stream)
        for index, item in enumerate(items[len(loaded) :]):
            direct = index > 0 or len(items) == 1  # the first one left failed in the batch
            self._load_chunks(run, item.plan, iter([Chunk(raw=item.raw)]), direct)
            self._finish(run, item.plan, item.stream)

    def _finish(self, run: Run, plan: FilePlan, stream: FileStream | None) -> None:
        """Record a loaded file: its problems and digest (from `stream`, when it was read
        through one), its row of the files table and of `on_file`'s (inserted by
        `_insert_rows`)."""
        if stream is not None:
            add_problems(plan.problems, stream.problems)
            plan.sha256 = stream.sha256
            if plan.lines == 0:
                plan.format = ""
                if "binary_file" not in plan.problems:
                    plan.problems["empty_file"] = 1
        if plan.format:
            run.rows.setdefault(self.files, []).append(plan.file_row(self.fields))
        if self.on_file is not None:
            table, row = self.on_file
            run.rows.setdefault(table, []).append(row(plan))
        if sum(map(len, run.rows.values())) >= ROWS_AT_ONCE:
            self._insert_rows(run)
        with self._lock:
            self._done[0] += 1

    @staticmethod
    def _insert_rows(run: Run) -> None:
        for table, rows in run.rows.items():
            if rows:
                columns = [list(column) for column in zip(*rows, strict=True)]
                run.cur.execute(sql.insert_rows_sql(table, len(columns)), columns)
        run.rows.clear()

    def _load_chunks(self, run: Run, plan: FilePlan, read: Iterator[Chunk], direct: bool) -> None:
        """Load a file's chunks: directly until one holds a line that is not a whole record
        with a time, then staged (see `chunks`)."""
        cur, records = run.cur, self.records
        prev: datetime | None = None
        uncommitted = 0
        for chunk in read:
            if self._stop.is_set():
                raise SnapshotError("stopped: another file failed")
            if self._may_split(run, plan):
                rest = itertools.chain([chunk], read)
                stop, progress = self._stop, self._progress
                split.load_split(self.con, cur, records, plan, rest, prev, direct, stop, progress)
                return
            params: dict[str, Any] = {}
            lines = chunks.lines_sql(chunk, run.scratch, params)
            first, text = plan.lines + 1, params.get("text")
            done = None
            if direct:
                done = chunks.insert_direct(cur, records, plan, lines, first, text)
            if done is None:
                direct = False  # stage the rest of the file
                done = chunks.insert_staged(cur, records, plan, lines, first, prev, text)
            plan.lines += done.lines
            plan.span(done.low, done.high)
            prev = done.last if done.last is not None else prev
            size = len(chunk.raw if chunk.raw is not None else chunk.text or "")
            self._progress(size, done.lines)
            uncommitted += size
            group = run.group
            if group is not None and uncommitted >= COMMIT_BYTES and self._order.is_next(group):
                # The first group outstanding bounds its transaction by committing as it goes.
                cur.commit()
                cur.begin()
                uncommitted = 0

    def _may_split(self, run: Run, plan: FilePlan) -> bool:
        """Whether to load the rest of a large file on two cursors (see `split`): when its group
        may commit as it goes and no other group is loading or left to start."""
        if run.group is None or text_bytes(plan) < SPLIT_BYTES:
            return False
        with self._lock:
            alone = self._busy == 1 and not self._todo
        return alone and self._order.is_next(run.group)

    def _progress(self, size: int, lines: int) -> None:
        if self.progress is None:
            return
        with self._lock:  # one line on the terminal: the workers draw it in turn
            self._done[1] += size
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


def _pick(todo: list[Todo], order: InOrder) -> int:
    """Which of the groups not yet started (in order) a worker takes: the first when finished
    groups are crowded; else the first big group (BIG_GROUP) whose rows fit in the room left
    for finished groups; else the largest of the next LOOKAHEAD."""
    if order.crowded():
        return 0
    room = order.room()
    for position, item in enumerate(todo):
        if BIG_GROUP <= item.size <= room:
            return position
    ahead = [item.size for item in todo[:LOOKAHEAD]]
    return ahead.index(max(ahead))
