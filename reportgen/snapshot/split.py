"""Load the rest of one large file on two cursors at once, a segment of its chunks each in turn.

A file read in chunks (`reportgen.snapshot.reader`: a plain file too large to be read whole,
a `.gz`) is loaded by one worker, one statement after another: when it is the last work left,
the other core idles (a single 5 GB file kept 1.2 cores busy). `load_split` then deals the
file's remaining chunks out in segments of SEGMENT_CHUNKS, alternately to two lanes, each a
thread loading each of its segments in a transaction of a cursor of its own, which it hands to
`reportgen.snapshot.commits.InOrder` to be committed in file order while it goes on with its
next segment: the table still holds the file's lines in order.

Lines are numbered as chunks are dealt (`Chunk.line_count`, checked against what the database
read), so a segment need not wait for the one before it, except for a chunk that has to be
staged (`chunks.insert_staged`: a line that is not a whole record with a time): it needs the
time of the file's last record before it, so it waits until every chunk before it is loaded. A
dealt chunk waits in a scratch file of its own, not in memory.

The caller's transaction (the group's) is committed first: the group must be the first
outstanding (see `reportgen.snapshot.commits`), as when it commits as it goes.
"""

from __future__ import annotations

import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import duckdb

from reportgen.errors import SnapshotError
from reportgen.snapshot import chunks, sql
from reportgen.snapshot.chunks import Loaded
from reportgen.snapshot.commits import InOrder
from reportgen.snapshot.model import add_problems
from reportgen.snapshot.plan import FilePlan
from reportgen.snapshot.reader import Chunk

SEGMENT_CHUNKS = 4
"""Chunks of a segment (one transaction of one lane): about 64 MB of text, several row groups,
so a commit moves its rows rather than copying them."""
WAITING_CHUNKS = SEGMENT_CHUNKS
"""Chunks dealt to a lane ahead of the one it loads (each in a scratch file)."""

Progress = Callable[[int, int], None]
"""Called with the bytes and lines of each chunk loaded."""


@dataclass(frozen=True)
class Dealt:
    """One chunk dealt to a lane: its position in the rest of the file, its segment, the number
    of its first line, how many lines and bytes it has, and its lines (in the scratch file
    `path`, or as `text`)."""

    index: int
    segment: int
    first: int
    lines: int
    size: int
    path: Path | None
    text: str | None


class Turns:
    """What the lanes share: which chunks are loaded (for the time before a staged chunk),
    whether chunks still go directly, and the first failure."""

    def __init__(self, prev: datetime | None, direct: bool, stop: threading.Event) -> None:
        self.direct = direct
        self.stop = stop
        self.failed: BaseException | None = None
        self._cond = threading.Condition()
        self._lasts: dict[int, datetime | None] = {}
        self._loaded = 0  # chunks 0 .. _loaded - 1 are loaded
        self._prev = prev  # the last record time of those

    def loaded(self, index: int, last: datetime | None) -> None:
        with self._cond:
            self._lasts[index] = last
            while self._loaded in self._lasts:
                time = self._lasts.pop(self._loaded)
                self._prev = time if time is not None else self._prev
                self._loaded += 1
            self._cond.notify_all()

    def prev_before(self, index: int) -> datetime | None:
        """The time of the last record before chunk `index`, once every chunk before it is
        loaded."""
        with self._cond:
            self._wait(lambda: self._loaded >= index)
            return self._prev

    def fail(self, error: BaseException) -> None:
        with self._cond:
            if self.failed is None:
                self.failed = error
            self._cond.notify_all()

    def check(self) -> None:
        if self.failed is not None:
            raise SnapshotError("stopped: another part of the file failed")
        if self.stop.is_set():
            raise SnapshotError("stopped: another file failed")

    def _wait(self, ready: Callable[[], bool]) -> None:
        while not ready():
            self.check()
            self._cond.wait(0.1)


@dataclass
class Lane:
    """The chunks dealt to a lane and not yet loaded (`inbox`), and the counts of what it
    loaded (`part`, a copy of the file's plan)."""

    part: FilePlan
    inbox: queue.Queue[Dealt | None]


def load_split(
    con: duckdb.DuckDBPyConnection,
    cur: duckdb.DuckDBPyConnection,
    records: str,
    plan: FilePlan,
    read: Iterator[Chunk],
    prev: datetime | None,
    direct: bool,
    stop: threading.Event,
    progress: Progress,
) -> None:
    """Load the rest of `plan`'s file (`read`, after its first `plan.lines` lines) over cursors
    of `con`, committing `cur`'s open transaction (the caller's) first, and each segment after
    it; `prev` is the time of the file's last record so far and `direct` whether its chunks
    still go directly. `plan` gets the lines, records, problems and time span."""
    cur.commit()
    cur.begin()
    turns = Turns(prev, direct, stop)
    order = InOrder(pending_bytes=1 << 62)  # bounded by the dealing: a lane is a segment ahead
    lanes = [Lane(_part(plan), queue.Queue(WAITING_CHUNKS)) for _ in range(2)]
    with tempfile.TemporaryDirectory(prefix="reportgen-split-") as folder:
        threads = [
            threading.Thread(
                target=_run_lane, args=(con, lane, records, turns, order, progress), daemon=True
            )
            for lane in lanes
        ]
        for thread in threads:
            thread.start()
        segments = 0
        try:
            segments = _deal(read, plan.lines + 1, lanes, turns, Path(folder))
        except BaseException as error:
            turns.fail(error)  # kept only when no lane failed first
        finally:
            for thread in threads:
                thread.join()
        if turns.failed is not None:
            order.stop()  # roll back the segments waiting for their turn
            order.join(0)  # and let the committer go (raising a failed commit's own error)
            raise turns.failed
        order.join(segments)
    for lane in lanes:
        plan.lines += lane.part.lines
        plan.records += lane.part.records
        add_problems(plan.problems, lane.part.problems)
        plan.span(lane.part.first_time, lane.part.last_time)


def _part(plan: FilePlan) -> FilePlan:
    return replace(plan, problems={}, lines=0, records=0, first_time=None, last_time=None)


def _deal(read: Iterator[Chunk], first: int, lanes: list[Lane], turns: Turns, folder: Path) -> int:
    """Deal the chunks out, numbered, segment by segment, then an end to each lane; the number
    of segments."""
    segment = -1
    for index, chunk in enumerate(read):
        turns.check()
        segment = index // SEGMENT_CHUNKS
        path = None
        if chunk.raw is not None:
            path = folder / f"{index}.txt"
            path.write_bytes(chunk.raw)
        size = len(chunk.raw if chunk.raw is not None else chunk.text or "")
        lines = chunk.line_count()
        dealt = Dealt(index, segment, first, lines, size, path, chunk.text)
        _put(lanes[segment % 2].inbox, dealt, turns)
        first += lines
    for lane in lanes:
        _put(lane.inbox, None, turns)
    return segment + 1


def _put(inbox: queue.Queue[Dealt | None], item: Dealt | None, turns: Turns) -> None:
    while True:
        turns.check()
        try:
            inbox.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def _take(inbox: queue.Queue[Dealt | None], turns: Turns) -> Dealt | None:
    while True:
        turns.check()
        try:
            return inbox.get(timeout=0.1)
        except queue.Empty:
            continue


def _run_lane(
    con: duckdb.DuckDBPyConnection,
    lane: Lane,
    records: str,
    turns: Turns,
    order: InOrder,
    progress: Progress,
) -> None:
    """Load the chunks dealt to `lane`, each segment in a transaction of a cursor of its own,
    handed to `order` to be committed in turn while the lane goes on with its next segment."""
    segment, size = -1, 0
    cur: duckdb.DuckDBPyConnection | None = None
    try:
        while True:
            item = _take(lane.inbox, turns)
            if cur is not None and (item is None or item.segment != segment):
                order.finish(segment, cur, size)
                cur = None
                if order.error is not None:
                    raise order.error  # a segment before failed to commit: stop dealing
            if item is None:
                return
            if cur is None:
                cur, segment, size = con.cursor(), item.segment, 0
                cur.begin()
            _load(cur, lane.part, records, item, turns, progress)
            size += item.size
    except BaseException as error:
        turns.fail(error)
        if cur is not None:
            cur.close()  # rolls its segment back


def _load(
    cur: duckdb.DuckDBPyConnection,
    part: FilePlan,
    records: str,
    item: Dealt,
    turns: Turns,
    progress: Progress,
) -> None:
    turns.check()
    lines = sql.TEXT_LINES if item.path is None else sql.csv_lines(str(item.path), item.size)
    done: Loaded | None = None
    if turns.direct:
        done = chunks.insert_direct(cur, records, part, lines, item.first, item.text)
    if done is None:
        turns.direct = False  # stage the rest of the file, as one lane would
        prev = turns.prev_before(item.index)
        done = chunks.insert_staged(cur, records, part, lines, item.first, prev, item.text)
    if item.path is not None:
        item.path.unlink()
    if done.lines != item.lines:
        raise SnapshotError(
            f"cannot load {part.name}: {done.lines} lines read where {item.lines} were counted"
        )
    part.lines += done.lines
    part.span(done.low, done.high)
    turns.loaded(item.index, done.last)
    progress(item.size, done.lines)
