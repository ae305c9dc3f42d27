"""Commit the transactions of groups of files in group order, without making a worker wait.

The loader (`reportgen.snapshot.load`) loads consecutive files as a group, in one transaction
on a cursor of its own. Groups must be committed in order (the table then holds files and lines
in order without any sort), but they finish in any order: a worker that finishes a group hands
its open transaction over here and starts the next group on a new cursor, instead of idling
until the groups before it are committed, or while its own commit waits on the disk. A thread
of its own commits the finished groups in order (`join` waits for the last). Finished groups
wait uncommitted, holding their rows in memory (or DuckDB's spill files), so their bytes are
bounded: beyond `pending_bytes` (`crowded`), a worker starts the first group not yet started,
and waits (`wait_for_room`) while that would not be the first group outstanding, which another
worker is then loading.
"""

from __future__ import annotations

import threading

import duckdb

from reportgen.errors import SnapshotError


class InOrder:
    """Commits groups `0, 1, ...` in order, each once it is `finish`ed."""

    def __init__(self, pending_bytes: int) -> None:
        self.pending_bytes = pending_bytes
        self.error: BaseException | None = None
        self._next = 0
        self._ready: dict[int, tuple[duckdb.DuckDBPyConnection, int]] = {}
        self._pending = 0
        self._turn = threading.Condition()
        self._stopped = False
        self._closing = False
        self._committer: threading.Thread | None = None

    def is_next(self, index: int) -> bool:
        """Whether group `index` is the first not yet committed (it may commit as it goes)."""
        return self._next == index

    def finish(self, index: int, cur: duckdb.DuckDBPyConnection, size: int) -> None:
        """Group `index` is loaded in the open transaction of `cur` (holding `size` bytes of
        text): commit it when its turn comes, then close `cur`."""
        with self._turn:
            if self._stopped:
                _give_up(cur)
                return
            self._ready[index] = (cur, size)
            self._pending += size
            if self._committer is None:
                self._committer = threading.Thread(target=self._commit_in_turn, daemon=True)
                self._committer.start()
            self._turn.notify_all()

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

    def join(self, count: int) -> None:
        """Wait until groups `0 .. count - 1` are committed (or `stop` was called); raise the
        error of a commit that failed."""
        with self._turn:
            while self._next < count and not self._stopped:
                self._turn.wait()
            self._closing = True
            self._turn.notify_all()
        if self._committer is not None:
            self._committer.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """Give up (another group failed): roll back every group still waiting, wake workers."""
        with self._turn:
            self._stopped = True
            for cur, _ in self._ready.values():
                _give_up(cur)
            self._ready.clear()
            self._turn.notify_all()

    def _commit_in_turn(self) -> None:
        while True:
            with self._turn:
                while not self._stopped and self._next not in self._ready:
                    if self._closing:
                        return
                    self._turn.wait()
                if self._stopped:
                    return
                cur, size = self._ready.pop(self._next)
            try:
                cur.commit()
            except BaseException as error:
                self.error = error
                _give_up(cur)
                self.stop()
                return
            cur.close()
            with self._turn:
                self._pending -= size
                self._next += 1
                self._turn.notify_all()


def _give_up(cur: duckdb.DuckDBPyConnection) -> None:
    try:
        cur.rollback()
    except duckdb.Error:
        pass  # nothing open any more
    finally:
        cur.close()
