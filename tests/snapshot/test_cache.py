"""The ingest cache: a second open skips ingestion; any change to a file or rule invalidates it."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.errors import SnapshotError
from reportgen.session import open_session
from reportgen.snapshot import cache as cache_module
from reportgen.snapshot import chunks, load, reader
from reportgen.snapshot.cache import open_snapshot, snapshot_key
from reportgen.snapshot.progress import terminal_progress

pytestmark = pytest.mark.usefixtures("file_paths")


def snapshot(root: Path) -> Path:
    (root / "h").mkdir(parents=True)
    (root / "h" / "a.log").write_text("2024-01-02T03:04:05Z one\n2024-01-02T03:04:06Z two\n")
    return root


def rows(path: Path, cache: Path | None) -> tuple[bool, list[tuple[str]]]:
    opened = open_snapshot([path], None, cache)
    try:
        found = opened.con.execute("SELECT _raw FROM logs").fetchall()
        return opened.cached, found
    finally:
        opened.close()


def test_second_open_is_cached_and_changes_invalidate(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "s")
    cache = tmp_path / "cache"
    two = [("2024-01-02T03:04:05Z one",), ("2024-01-02T03:04:06Z two",)]
    assert rows(root, cache) == (False, two)
    assert rows(root, cache) == (True, two)
    # Same size, new bytes and a new mtime: a new key.
    (root / "h" / "a.log").write_text("2024-01-02T03:04:05Z uno\n2024-01-02T03:04:06Z dos\n")
    assert rows(root, cache) == (
        False,
        [("2024-01-02T03:04:05Z uno",), ("2024-01-02T03:04:06Z dos",)],
    )
    (root / "h" / "b.log").write_text("2024-01-02T03:04:07Z new file\n")
    assert rows(root, cache)[0] is False
    (root / "sources.yaml").write_text('sources:\n  - files: "**"\n    category: c\n')
    assert rows(root, cache)[0] is False
    assert rows(root, cache)[0] is True
    assert rows(root, None)[0] is False


def test_identity_covers_mtime_even_when_bytes_and_size_are_equal(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "s")
    cache = tmp_path / "cache"
    before = snapshot_key([root], None)
    assert rows(root, cache)[0] is False
    os.utime(root / "h" / "a.log", ns=(1, 1))
    assert snapshot_key([root], None) == before  # the same entry, the file loaded again
    assert rows(root, cache)[0] is False
    assert rows(root, cache)[0] is True


def test_old_entries_are_evicted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "KEEP_ENTRIES", 2)
    cache = tmp_path / "cache"
    for index in range(4):
        path = tmp_path / f"f{index}.log"
        path.write_text(f"2024-01-02T03:04:0{index}Z x\n")
        rows(path, cache)
    assert len(list((cache / "ingest").iterdir())) == 2


def test_a_damaged_entry_is_rebuilt(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "s")
    cache = tmp_path / "cache"
    rows(root, cache)
    (entry,) = (cache / "ingest").iterdir()
    (entry / "logs.duckdb").write_bytes(b"not a database" * 100)
    assert rows(root, cache)[0] is False
    assert rows(root, cache)[0] is True


def test_session_reports_the_cache_and_no_cache_skips_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path / "cache"))
    root = snapshot(tmp_path / "s")
    for cache, expected in ((True, False), (True, True), (False, False)):
        session = open_session([root], cache=cache)
        assert session.cached is expected
        assert session.snapshot.rows == 2
        assert [str(r) for r in session.snapshot.roots] == [str(root)]
        session.close()


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    assert terminal_progress(io.StringIO()) is None
    stream = Tty()
    shown = terminal_progress(stream)
    assert shown is not None
    shown[0](3, 2_500_000, 1000)
    shown[1](3, 2_500_000, 1000)
    text = stream.getvalue()
    assert text.startswith("\ringesting: 3 files, 2 MB, 1,000 lines (")
    assert text.endswith(" lines/s)\x1b[K\r\x1b[K")
    monkeypatch.setenv("CI", "true")
    assert terminal_progress(Tty()) is None


GOLOG = " INFO 2026-11-{day:02d}T10:00:{second:02d}.000 a.go:1  {text} {second}\n"


def golog(day: int, text: str, count: int = 3) -> str:
    return "".join(GOLOG.format(day=day, second=s, text=text) for s in range(count))


def everything(path: Path, cache: Path | None) -> tuple[bool, list[tuple[object, ...]], int]:
    """Whether the open was cached, every row (sorted), and the lines read by this open."""
    loaded: list[int] = [0]
    opened = open_snapshot(
        [path], None, cache, progress=lambda files, size, lines: loaded.append(lines)
    )
    try:
        found = opened.con.execute("SELECT * FROM logs ORDER BY ALL").fetchall()
        assert opened.info.rows == len(found)
        return opened.cached, found, loaded[-1]
    finally:
        opened.close()


def test_a_new_file_is_the_only_one_loaded_and_rotation_is_recognised(tmp_path: Path) -> None:
    root = tmp_path / "s"
    logs = root / "web-1" / "log"
    logs.mkdir(parents=True)
    (logs / "defender.log").write_text(golog(1, "day one", 5))
    (logs / "other.log").write_text(golog(1, "other", 4))
    cache = tmp_path / "cache"
    assert everything(root, cache)[0::2] == (False, 9)
    # The next day: defender.log rotated to defender.log.1, a new defender.log; other.log gone.
    (logs / "defender.log").rename(logs / "defender.log.1")
    (logs / "defender.log").write_text(golog(2, "day two", 2))
    (logs / "other.log").unlink()
    cached, found, read = everything(root, cache)
    assert (cached, read) == (False, 2)  # only the new file was read
    cold = everything(root, None)[1]
    assert found == cold
    assert [(row[5], row[6]) for row in found].count(
        ("web-1/log/defender.log.1", "defender.log.1")
    ) == 5
    assert everything(root, cache)[0::2] == (True, 0)


def test_a_changed_file_is_loaded_again_and_the_result_is_a_cold_ingest(tmp_path: Path) -> None:
    root = tmp_path / "s"
    (root / "h").mkdir(parents=True)
    (root / "h" / "a.log").write_text(golog(1, "a", 3))
    (root / "h" / "b.log").write_text(golog(1, "b", 3))
    cache = tmp_path / "cache"
    everything(root, cache)
    (root / "h" / "b.log").write_text(golog(1, "b changed", 4))
    cached, found, read = everything(root, cache)
    assert (cached, read) == (False, 4)
    assert found == everything(root, None)[1]


def test_an_entry_of_another_cache_format_is_never_read(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "s")
    cache = tmp_path / "cache"
    old = cache / "ingest" / "0123456789abcdef0123456789abcdef"
    old.mkdir(parents=True)
    (old / "info.json").write_text("{}")
    assert rows(root, cache)[0] is False
    assert [path.name for path in (cache / "ingest").iterdir()] == [snapshot_key([root], None)]


def test_a_cold_entry_is_written_once_leaving_no_free_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three groups of one file each, every one a transaction of more than a row group (122,880
    # rows), ending in a part of one: closing the session must not rewrite them into whole row
    # groups (DuckDB's vacuum would, leaving the first copy behind as free blocks in the file).
    monkeypatch.setattr(load, "GROUP_BYTES", 1)
    # Chunks of the usual size, whatever `file_paths` set (the 4 MB files are read in one).
    monkeypatch.setattr(reader, "CHUNK_BYTES", 16 << 20)
    monkeypatch.setattr(reader, "BLOCK_BYTES", 1 << 20)
    root = tmp_path / "s"
    (root / "h").mkdir(parents=True)
    for index in range(3):
        lines = (f"2026-11-0{index + 1}T10:00:00Z {n}\n" for n in range(150_000))
        (root / "h" / f"{index}.log").write_text("".join(lines))
    cache = tmp_path / "cache"
    opened = open_snapshot([root], None, cache)
    opened.close()
    entry = next((cache / "ingest").iterdir()) / "logs.duckdb"
    with duckdb.connect(str(entry), read_only=True) as con:
        row = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size()").fetchone()
    assert row is not None
    total, free = row
    assert free <= total // 50


def test_a_load_stopped_midway_leaves_no_rows_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large file commits its rows as it goes (its group is the first outstanding); the load
    # fails (or the build is killed) before the file's identity is committed with its last
    # rows. The next build must give what a cold ingest gives, not those rows twice.
    root = tmp_path / "s"
    (root / "h").mkdir(parents=True)
    lines = [f"2024-01-02T03:{n // 60 % 60:02}:{n % 60:02}Z line {n}\n" for n in range(3000)]
    (root / "h" / "a.log").write_text("".join(lines[:1000]))
    (root / "h" / "b.log").write_text("".join(lines[1000:]))
    cache = tmp_path / "cache"
    monkeypatch.setattr(load, "WHOLE_BYTES", 0)
    monkeypatch.setattr(load, "COMMIT_BYTES", 1)
    monkeypatch.setattr(reader, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(reader, "BLOCK_BYTES", 1024)
    insert = chunks.insert_direct

    def failing(cur: Any, records: str, plan: Any, lines: str, first: int, *args: Any) -> Any:
        if plan.name == "h/b.log" and first > 1000:
            raise SnapshotError("killed")
        return insert(cur, records, plan, lines, first, *args)

    monkeypatch.setattr(chunks, "insert_direct", failing)
    with pytest.raises(SnapshotError, match="killed"):
        open_snapshot([root], None, cache)
    monkeypatch.setattr(chunks, "insert_direct", insert)
    cached, found = rows(root, cache)
    assert not cached  # b.log was loaded again
    assert found == [(line.rstrip("\n"),) for line in lines]
