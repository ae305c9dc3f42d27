"""The ingest cache: a second open skips ingestion; any change to a file or rule invalidates it."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from reportgen.session import open_session
from reportgen.snapshot import cache as cache_module
from reportgen.snapshot.cache import open_snapshot, snapshot_key
from reportgen.snapshot.progress import terminal_progress


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


def test_key_covers_mtime_even_when_bytes_and_size_are_equal(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "s")
    before = snapshot_key([root], None)
    os.utime(root / "h" / "a.log", ns=(1, 1))
    assert snapshot_key([root], None) != before


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
    (entry / "info.json").write_text("{not json")
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
