"""Snapshots: log files (folders, tar archives, single files) -> the DuckDB `logs` table.

`ingest(con, paths, sources=None)` discovers the files, applies `sources.yaml`, detects each
file's line format and loads one row per record (see docs/architecture.md for the columns).
"""

from __future__ import annotations

from reportgen.snapshot.ingest import ingest
from reportgen.snapshot.model import LOG_COLUMNS, FileInfo, SnapshotInfo

__all__ = ["LOG_COLUMNS", "FileInfo", "SnapshotInfo", "ingest"]
