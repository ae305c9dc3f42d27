"""Chunks whose every line is a record with a time go straight into the records table; the rest
are staged. Both ways give the same table and the same counts, whichever way a chunk went."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.snapshot import chunks, ingest, reader, textio
from reportgen.snapshot.model import SnapshotInfo

GOLOG = " INFO 2026-01-02T03:{:02d}:{:02d}.{:03d} a.go:1  message {}"
SYSLOG = "Jan  2 03:{:02d}:{:02d} web-{} app[1]: message {}"


def golog(count: int, start: int = 0) -> list[str]:
    return [GOLOG.format(i // 60 % 60, i % 60, i % 1000, i) for i in range(start, start + count)]


SNAPSHOT = {
    # Clean files: every chunk goes straight in.
    "clean/defender.log": golog(3000),
    "clean/syslog": [SYSLOG.format(i // 60 % 60, i % 60, i % 3, i) for i in range(2000)],
    "clean/crlf.log": [line + "\r" for line in golog(1500)],  # read as text, not by the CSV reader
    # A clean head, then a chunk with something that is not a whole timed record.
    "later/continued.log": [*golog(1500), "  panic: at a.go:2", "goroutine 1 [running]:",
                            *golog(1500, 1500)],
    "later/blank.log": [*golog(1500), "", "   ", *golog(1500, 1500)],
    "later/untimed.log": [*golog(1500), " INFO 2026-13-45T03:04:05.000 a.go:1  bad month",
                          *golog(1500, 1500)],
    "later/long.log": [*golog(1500), GOLOG.format(1, 2, 3, "x" * 300), *golog(1500, 1500)],
    # A head that is not clean: staged from the start.
    "head/orphan.log": ["  continued before any record", *golog(2000)],
}  # fmt: skip
SOURCES = """max_line_chars: 200
sources:
  - files: "*/*"
"""


def snapshot(root: Path) -> Path:
    for name, lines in SNAPSHOT.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("\n".join(lines) + "\n").encode())
        os.utime(path, (1_767_326_400, 1_767_326_400))  # 2026-01-02T04:00:00Z
    (root / "sources.yaml").write_text(SOURCES)
    return root


def load(root: Path) -> tuple[list[tuple[Any, ...]], SnapshotInfo]:
    con = duckdb.connect()
    info = ingest(con, [root])
    return con.execute("SELECT * FROM logs").fetchall(), info


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "CHUNK_BYTES", 32 << 10)  # several chunks per file
    monkeypatch.setattr(reader, "BLOCK_BYTES", 8 << 10)
    monkeypatch.setattr(textio, "BLOCK_BYTES", 8 << 10)


def test_direct_and_staged_chunks_give_the_same_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    root = snapshot(tmp_path / "s")
    ways: dict[str, list[bool]] = {}
    direct = chunks.insert_direct

    def spy(cur: Any, records: str, plan: Any, *args: Any) -> Any:
        done = direct(cur, records, plan, *args)
        ways.setdefault(plan.name, []).append(done is not None)
        return done

    monkeypatch.setattr(chunks, "insert_direct", spy)
    fast, fast_info = load(root)
    assert all(ways["clean/defender.log"]) and len(ways["clean/defender.log"]) > 3
    assert all(ways["clean/syslog"]) and all(ways["clean/crlf.log"])
    for name in ("later/continued.log", "later/blank.log", "later/untimed.log", "later/long.log"):
        # Straight in until the chunk with the odd line, which is staged with the rest.
        assert ways[name][0] and ways[name][-1] is False, name
    assert "head/orphan.log" not in ways

    monkeypatch.setattr(chunks, "direct_first", lambda plan, sample: False)
    staged, staged_info = load(root)
    assert fast == staged
    assert fast_info == staged_info
    problems = {file.name: file.problems for file in fast_info.files}
    assert problems == {
        "clean/crlf.log": {}, "clean/defender.log": {}, "clean/syslog": {},
        "head/orphan.log": {"bad_timestamp": 1},
        "later/blank.log": {"blank_line": 2}, "later/continued.log": {},
        "later/long.log": {"long_line": 1}, "later/untimed.log": {"bad_timestamp": 1},
    }  # fmt: skip


def test_a_clean_chunk_keeps_line_numbers_and_times(tmp_path: Path, small_chunks: None) -> None:
    con = duckdb.connect()
    info = ingest(con, [snapshot(tmp_path / "s")])
    clean = con.execute(
        "SELECT _messagecount, _raw, _messagetime FROM logs WHERE _sourcename LIKE '%clean/def%'"
    ).fetchall()
    assert [row[0] for row in clean] == list(range(1, 3001))
    assert [row[1] for row in clean] == golog(3000)
    assert clean[61][2].isoformat() == "2026-01-02T03:01:01.061000+00:00"
    crlf = con.execute("SELECT _raw FROM logs WHERE _sourcename LIKE '%crlf%'").fetchall()
    assert [row[0] for row in crlf] == golog(1500)
    (file,) = [file for file in info.files if file.name == "clean/defender.log"]
    assert (file.lines, file.records) == (3000, 3000)
