"""Produce the chunks of a file one ahead, on a thread of their own.

While a worker's statements run on one chunk, its file's next chunk is read, decompressed,
hashed and checked (`reportgen.snapshot.reader`): zlib, hashlib and file reads let other threads
run meanwhile, so this overlaps with the database's work.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

from reportgen.snapshot.reader import Chunk


def prefetch(chunks: Iterator[Chunk], stop: threading.Event) -> Iterator[Chunk]:
    """`chunks`, produced one ahead on a thread of their own (stopping early when `stop` is
    set or the consumer goes away); an error of the producer is raised in the consumer."""
    handoff: queue.Queue[Chunk | BaseException | None] = queue.Queue(maxsize=1)
    finished = threading.Event()

    def produce() -> None:
        try:
            for chunk in chunks:
                while not _put(handoff, chunk, finished):
                    if finished.is_set() or stop.is_set():
                        return
            _put(handoff, None, finished, wait=True)
        except BaseException as error:
            _put(handoff, error, finished, wait=True)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while (item := handoff.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        finished.set()
        thread.join()


def _put(
    handoff: queue.Queue[Chunk | BaseException | None],
    item: Chunk | BaseException | None,
    finished: threading.Event,
    wait: bool = False,
) -> bool:
    while True:
        try:
            handoff.put(item, timeout=0.1)
            return True
        except queue.Full:
            if finished.is_set() or not wait:
                return False
