"""The log view reads its per-file values from literals for a few files and from a one-row table
of lists for many: both show the same rows, in the same order."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.snapshot import ingest, storage

SOURCES = """sources:
  - files: "web/*"
    category: prod/web
    fields: {cluster: eks-1}
  - files: "db/*"
    category: prod/db
    host: db-main
    fields: {cluster: eks-2}
"""


def snapshot(root: Path) -> Path:
    for index, name in enumerate(["web/a.log", "web/b.log", "db/c.log", "db/d.log"]):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"2026-01-02T03:04:{second:02d}Z {name} line {second}" for second in range(5)]
        path.write_text("\n".join(lines) + "\n")
        os.utime(path, (1_767_326_400 + index, 1_767_326_400 + index))
    (root / "sources.yaml").write_text(SOURCES)
    return root


def rows(con: duckdb.DuckDBPyConnection, view: str = "logs") -> list[tuple[Any, ...]]:
    return con.execute(f'SELECT * FROM "{view}"').fetchall()


def test_many_files_read_their_values_from_a_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = snapshot(tmp_path / "s")
    inline = duckdb.connect()
    ingest(inline, [root])
    tables = {row[0] for row in inline.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "logs__lists" not in tables

    monkeypatch.setattr(storage, "INLINE_FILES", 2)
    listed = duckdb.connect()
    ingest(listed, [root])
    tables = {row[0] for row in listed.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "logs__lists" in tables
    assert rows(listed) == rows(inline)
    assert len(rows(listed)) == 20
    assert ("db-main", "prod/db", "eks-2") in {(row[3], row[4], row[11]) for row in rows(listed)}

    # Only some files shown (the cache's view of a run): the same on both sides.
    for con in (inline, listed):
        with monkeypatch.context() as inner:
            inner.setattr(storage, "INLINE_FILES", 1000 if con is inline else 2)
            storage.create_view(con, "some", "logs", ("cluster",), [1, 3], temp=True)
    assert rows(listed, "some") == rows(inline, "some")
    assert {row[5] for row in rows(listed, "some")} == {"db/c.log", "web/a.log"}
