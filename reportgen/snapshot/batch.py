"""Many small files in one statement: a snapshot of thousands of short logs (a container's
log per file) costs what one file of their size does, not a few statements per file.

Consecutive small files that are read the same way (format, zone, multiline rule, line limit)
and hold one chunk of raw bytes each are written to one scratch file, each line prefixed with
its file's index and a 0x01 byte (a byte the raw chunks never hold), and inserted directly
(`sql.direct_sql` with `batch`); one grouped query (`sql.BATCH_SQL`) then counts each file.
A file with a line that is not a whole record with a time, and every file after it, are taken
back and loaded one by one (`reportgen.snapshot.load`), so the table keeps file order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from reportgen.snapshot import sql
from reportgen.snapshot.chunks import Loaded, parse_params, run
from reportgen.snapshot.plan import FilePlan
from reportgen.snapshot.reader import CHUNK_BYTES, FileStream

FILE_BYTES = 1 << 20
"""Files of up to this many bytes of text (estimated before reading) are batched."""


@dataclass
class Small:
    """A small file read whole: its plan, its (finished) stream and its one raw chunk."""

    plan: FilePlan
    stream: FileStream
    raw: bytes | memoryview


@dataclass
class Batch:
    """Consecutive small files waiting to be inserted together."""

    items: list[Small] = field(default_factory=list)
    size: int = 0

    def accepts(self, plan: FilePlan) -> bool:
        """Whether `plan` is read the same way as the files waiting (or none are)."""
        return not self.items or _key(self.items[0].plan) == _key(plan)

    def add(self, item: Small) -> None:
        """Let `item` wait for the next insert."""
        self.items.append(item)
        self.size += len(item.raw)

    @property
    def full(self) -> bool:
        """Whether the files waiting hold a chunk's worth of bytes."""
        return self.size >= CHUNK_BYTES

    def take(self) -> list[Small]:
        """The files waiting, in order; the batch is empty afterwards."""
        items, self.items, self.size = self.items, [], 0
        return items


def _key(plan: FilePlan) -> tuple[str, str, str, str | None, int]:
    return plan.format, plan.tz, plan.multiline, plan.start, plan.cut


def insert_batch(
    cur: duckdb.DuckDBPyConnection, records: str, items: list[Small], scratch: Path
) -> list[Loaded]:
    """Insert the files of `items` (at least two): what each of the first files held, up to the
    first that holds a line that is not a whole record with a time. The rows of that file and
    of those after it are taken back, to be loaded one by one."""
    expected = _write(items, scratch)
    files = [item.plan.file for item in items]
    starts = [0, *itertools.accumulate(expected)][:-1]
    plan = items[0].plan
    each = [parse_params(item.plan) for item in items]
    values: dict[str, Any] = {
        "files": files, "starts": starts, "cut": plan.cut,
        "y0s": [params["y0"] for params in each],
        "lim_mds": [params["lim_md"] for params in each],
    }  # fmt: skip
    lines = sql.batch_lines(str(scratch), scratch.stat().st_size)
    statement = sql.direct_sql(
        records, plan.format, plan.tz, plan.multiline, plan.start, lines, batch=True
    )
    run(cur, plan, statement, values)
    table = sql.quote_ident(records)
    found = {
        row[0]: row[1:]
        for row in cur.execute(sql.BATCH_SQL.format(table=table), {"files": files}).fetchall()
    }
    loaded: list[Loaded] = []
    for item, count in zip(items, expected, strict=True):
        held, untimed, last_line, low, high = found.get(item.plan.file, (0, 0, 0, None, None))
        if untimed or held != count or last_line != count:
            break
        item.plan.records += count
        loaded.append(Loaded(count, low, high, None))
    if len(loaded) < len(items):
        back = files[len(loaded) :]
        cur.execute(sql.DELETE_FILES_SQL.format(table=table), {"files": back})
    return loaded


def _write(items: list[Small], scratch: Path) -> list[int]:
    """Write the files' lines to `scratch`, each line prefixed with its file's index (from 1)
    and 0x01; the number of lines of each file."""
    counts: list[int] = []
    with scratch.open("wb") as out:
        for index, item in enumerate(items, start=1):
            data = bytes(item.raw)
            if data.endswith(b"\n"):
                data = data[:-1]
            prefix = b"%d\x01" % index
            out.write(prefix + data.replace(b"\n", b"\n" + prefix) + b"\n")
            counts.append(data.count(b"\n") + 1)
    return counts
