"""Commit the transactions of groups of files in group order, without making a worker wait.

The loader (`reportgen.snapshot.load`) loads consecutive files as a group, in one transaction
on a cursor of its own. Groups must be committed in order (the table then holds files and lines
in order without any sort), but they finish in any order: a worker that finishes a group early
hands its open transaction over here and starts the next group on a new cursor, instead of
idling until the groups before it are committed. Whoever finishes the first group outstanding
commits it and every finished group after it. Finished groups wait uncommitted, holding their
rows in memory (or DuckDB's spill files), so their bytes are bounded: beyond `pending_bytes`
(`crowded`), a worker starts the first group not yet started, and waits (`wait_for_room`) while
that would not be the first group outstanding, which another worker is then loading.
"""

from __future__ import annotations

import threading

import duckdb

from reportgen.errors import SnapshotError


class InOrder:
    """Commits groups `0, 1, ...` in order, each once it is `finish`ed."""

    def __init__(self, pending_bytes: int) -> None:
        self.pending_bytes = pending_bytes
        self._next = 0
        self._ready: dict[int, tuple[duckdb.DuckDBPyConnection, int, bool]] = {}
        self._pending = 0
        self._turn = threading.Condition()
        self._stopped = False

    def is_next(self, index: int) -> bool:
        """Whether group `index` is the first not yet committed (it may commit as it goes)."""
        return self._next == index

    def finish(
        self, index: int, cur: duckdb.DuckDBPyConnection, size: int, *, close: bool = True
    ) -> None:
        """Group `index` is loaded in the open transaction of `cur` (holding `size` bytes of
        text): commit it when its turn comes (closing `cur` then, with `close`)."""
        with self._turn:
            self._ready[index] = (cur, size, close)
            self._pending += size
            self._drain()

    def crowded(self) -> bool:
        """Whether finished groups waiting for their turn hold more than `pending_bytes`."""
        return self._pending > self.pending_bytes

    def room(self) -> int:
        """Bytes of text that more finished groups may hold before they are crowded."""
        return max(self.pending_bytes - self._pending, 0)

    def wait_for_room(self, first: int) -> None:
        """Before starting a group when `first` is the first group not yet started: wait while
        the groups waiting are crowded and the group they wait for is being loaded."""
        with self._turn:
            while self.crowded() and self._next < first:
                if self._stopped:
                    raise SnapshotError("stopped: another file failed")
                self._turn.wait()

    def stop(self) -> None:
        """Give up (another group failed): roll back every group still waiting, wake workers."""
        with self._turn:
            self._stopped = True
            for cur, _, close in self._ready.values():
                try:
                    cur.rollback()
                finally:
                    if close:
                        cur.close()
            self._ready.clear()
            self._turn.notify_all()

    def _drain(self) -> None:
        while not self._stopped and self._next in self._ready:
            cur, size, close = self._ready.pop(self._next)
            try:
                cur.commit()
            finally:
                if close:
                    cur.close()
            self._pending -= size
            self._next += 1
            self._turn.notify_all()
