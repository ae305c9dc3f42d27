"""A large file loaded on two cursors at once (`reportgen.snapshot.split`) gives the table,
counts, problems and digest of loading it on one, whatever its chunks hold."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.errors import SnapshotError
from reportgen.snapshot import chunks, ingest, load, reader, split
from reportgen.snapshot.model import SnapshotInfo
from reportgen.snapshot.reader import Chunk
from tests.snapshot.conftest import split_every_file

GOLOG = " INFO 2026-01-02T03:{:02d}:{:02d}.{:03d} a.go:1  message {}\n"
BAD = " INFO 2026-13-45T03:04:05.000 a.go:1  unreadable time {}\n"


def golog(count: int, start: int = 0) -> str:
    return "".join(
        GOLOG.format(i // 60 % 60, i % 60, i % 1000, i) for i in range(start, start + count)
    )


def panics(count: int) -> str:
    # A record with continuation lines every tenth line: staged, lines joined.
    return "".join(
        golog(1, i) + ("  goroutine 1 [running]:\n  main.main()\n" if i % 10 == 0 else "")
        for i in range(count)
    )


FILES = {
    "h/clean.log": golog(3000).encode(),
    "h/no-final-newline.log": golog(3000).encode()[:-1],
    # A run of records without a readable time longer than a chunk: some chunk holds only
    # those, and takes the time of the last record before it, loaded by the other cursor.
    "h/untimed.log": (golog(1000) + "".join(BAD.format(i) for i in range(400))
                      + golog(1000, 1000)).encode(),
    "h/continued.log": panics(2000).encode(),
    "h/packed.log.gz": gzip.compress(golog(3000).encode(), mtime=0),
    "h/invalid.log": (golog(1000) + " INFO 2026-01-02T03:00:00.000 a.go:1  \xff\n").encode(
        "latin-1") + golog(1000, 1000).encode(),
    "h/nul.log": golog(1000).encode() + b"\0" * 4096 + b"\n" + golog(1000, 1000).encode(),
}  # fmt: skip


def snapshot(root: Path) -> Path:
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (1_767_326_400, 1_767_326_400))  # 2026-01-02T04:00:00Z
    return root


def one_file(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "s"
    (root / "h").mkdir(parents=True)
    (root / name).write_bytes(FILES[name])
    return root


def load_all(root: Path) -> tuple[list[tuple[Any, ...]], SnapshotInfo]:
    con = duckdb.connect()
    info = ingest(con, [root])
    rows = con.execute("SELECT *, rowid FROM logs__records ORDER BY rowid").fetchall()
    return rows, info


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Every file split, in chunks of 4 KB; the files loaded split, with the chunks each one
    had."""
    split_every_file(monkeypatch, chunk_bytes=4096, block_bytes=1024)
    counts: dict[str, int] = {}
    load_chunk = split._load

    def spy(cur: Any, part: Any, *args: Any) -> None:
        counts[part.name] = counts.get(part.name, 0) + 1
        load_chunk(cur, part, *args)

    monkeypatch.setattr(split, "_load", spy)
    return counts


def test_a_file_on_two_cursors_gives_the_table_of_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: dict[str, int]
) -> None:
    root = snapshot(tmp_path / "s")
    rows, info = load_all(root)
    assert sorted(small_chunks) == sorted(FILES)  # each file went on two cursors
    assert min(small_chunks.values()) >= 6  # in three segments or more
    monkeypatch.setattr(load, "SPLIT_BYTES", 1 << 60)
    before = dict(small_chunks)
    one_rows, one_info = load_all(root)
    assert small_chunks == before  # this time on one cursor
    assert rows == one_rows
    assert info == one_info
    by_name = {file.name: file for file in info.files}
    assert {name: file.problems for name, file in by_name.items() if file.problems} == {
        "h/invalid.log": {"invalid_utf8": 1}, "h/nul.log": {"binary_region": 1},
        "h/untimed.log": {"bad_timestamp": 400},
    }  # fmt: skip
    assert {name: (file.lines, file.records) for name, file in by_name.items()} == {
        "h/clean.log": (3000, 3000), "h/continued.log": (2400, 2000),
        "h/invalid.log": (2001, 2001), "h/no-final-newline.log": (3000, 3000),
        "h/nul.log": (2000, 2000), "h/packed.log.gz": (3000, 3000),
        "h/untimed.log": (2400, 2400),
    }  # fmt: skip


def test_records_without_a_time_take_the_time_before_them_across_cursors(
    tmp_path: Path, small_chunks: dict[str, int]
) -> None:
    root = one_file(tmp_path, "h/untimed.log")
    rows, _ = load_all(root)
    assert list(small_chunks) == ["h/untimed.log"]
    last_good = rows[999][0]
    assert [row[0] for row in rows[1000:1400]] == [last_good] * 400
    assert [row[4] for row in rows] == list(range(1, 2401))  # lines numbered in order


@pytest.mark.parametrize("once", [True, False], ids=["one chunk", "every chunk after"])
def test_a_failing_chunk_fails_the_load_with_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: dict[str, int], once: bool
) -> None:
    # One chunk fails in one lane (the other must stop too), or every chunk from line 1000 on,
    # in both lanes.
    root = one_file(tmp_path, "h/clean.log")
    insert = chunks.insert_direct
    failed: list[int] = []

    def failing(cur: Any, records: str, plan: Any, lines: str, first: int, *args: Any) -> Any:
        if first >= 1000 and not (once and failed):
            failed.append(first)
            raise SnapshotError(f"cannot parse {plan.name}: broken at line {first}")
        return insert(cur, records, plan, lines, first, *args)

    monkeypatch.setattr(chunks, "insert_direct", failing)
    with pytest.raises(SnapshotError, match=r"^cannot parse h/clean\.log: broken at line \d+$"):
        ingest(duckdb.connect(), [root])
    if once:
        assert len(failed) == 1  # the other lane stopped, it did not fail on its own


def test_lines_read_must_be_the_lines_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: dict[str, int]
) -> None:
    root = one_file(tmp_path, "h/clean.log")
    monkeypatch.setattr(Chunk, "line_count", lambda chunk: 1)
    with pytest.raises(SnapshotError, match=r"^cannot load h/clean\.log: \d+ lines read where 1"):
        ingest(duckdb.connect(), [root])


@pytest.mark.parametrize(
    ("chunk", "lines"),
    [
        (Chunk(raw=b"a\nb\n"), 2),
        (Chunk(raw=b"a\nb"), 2),
        (Chunk(raw=memoryview(b"a\nb\nc\n")[:4]), 2),
        (Chunk(raw=memoryview(b"a\nb\nc")[:5]), 3),
        (Chunk(raw=b""), 0),
        (Chunk(text="a\nb"), 2),
        (Chunk(text="a"), 1),
    ],
)
def test_chunks_count_their_lines_as_the_database_does(chunk: Chunk, lines: int) -> None:
    assert chunk.line_count() == lines


def test_a_read_failing_midway_stops_both_lanes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: dict[str, int]
) -> None:
    root = one_file(tmp_path, "h/clean.log")
    read = reader.FileStream.chunks

    def failing(self: reader.FileStream, boundary: Any = None) -> Any:
        for index, chunk in enumerate(read(self, boundary)):
            if index == 8:
                while small_chunks.get("h/clean.log", 0) < 8:
                    time.sleep(0.01)  # both lanes have had all they were dealt: now waiting
                raise OSError(5, "Input/output error")
            yield chunk

    monkeypatch.setattr(reader.FileStream, "chunks", failing)
    with pytest.raises(OSError, match="Input/output error"):
        ingest(duckdb.connect(), [root])
