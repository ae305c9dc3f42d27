"""The ingest cache: a snapshot's `logs` table in a DuckDB file, reused until its files change.

An entry is a folder `<cache>/ingest/<key>/` holding `logs.duckdb` and `info.json` (the
SnapshotInfo). The key hashes the reportgen version, the limits, every input path with the path,
size and modification time of every file under it (hidden ones and sources.yaml included) and
the bytes of an explicit sources file: changing, adding, removing or touching a file makes a new
key. An entry is built in a private folder and renamed into place when complete, so a crashed or
concurrent build never leaves a half-written entry; hits open the database read-only. A fresh
ingest runs in an in-memory database under a memory limit that spills to a private folder, so a
snapshot larger than memory goes to disk rather than filling memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import duckdb

from reportgen import __version__
from reportgen.snapshot.ingest import ingest
from reportgen.snapshot.model import FileInfo, SnapshotInfo

MEMORY_LIMIT = "1GB"
"""DuckDB's memory limit while ingesting and querying; beyond it, work spills to disk."""
KEEP_ENTRIES = 4
"""Cache entries kept; older ones are removed after a new one is written."""

Progress = Callable[[int, int, int], None]


def snapshot_key(paths: Sequence[Path], sources: Path | None) -> str:
    """The cache key of ingesting `paths` with `sources` (see the module docstring)."""
    digest = hashlib.sha256(f"reportgen {__version__}\0{MEMORY_LIMIT}\0".encode())
    for path in paths:
        root = path.resolve()
        digest.update(f"root\0{root}\0".encode("utf-8", "surrogateescape"))
        for entry in _identities(root):
            digest.update(entry.encode("utf-8", "surrogateescape"))
    if sources is not None:
        digest.update(b"sources\0" + sources.read_bytes())
    return digest.hexdigest()[:32]


def _identities(root: Path) -> list[str]:
    if not root.is_dir():
        info = root.stat()
        return [f"{root.name}\0{info.st_size}\0{info.st_mtime_ns}\n"]
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            try:
                info = path.stat()
            except OSError:
                continue
            relative = path.relative_to(root).as_posix()
            out.append(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n")
    return out


def connect(
    path: Path | None, spill: Path, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """A connection to the database file `path` (None: in memory) with the memory limit,
    spilling into `spill` (a folder of this process's own: DuckDB's spill file names are not
    unique across processes). In-memory tables spill there too, so they may exceed memory."""
    con = duckdb.connect(":memory:" if path is None else str(path), read_only=read_only)
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = {_literal(str(spill))}")
    con.execute("SET enable_progress_bar = false")
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def save_table(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Copy the `logs` table of `con` into a new database file at `path`."""
    con.execute(f"ATTACH {_literal(str(path))} AS reportgen_cache")
    try:
        # Compressing the strings costs about as much CPU as parsing them (measured on 2M
        # lines): the cache trades disk space for a faster first build.
        con.execute("SET force_compression = 'uncompressed'")
        con.execute("CREATE TABLE reportgen_cache.logs AS FROM logs")
    finally:
        con.execute("RESET force_compression")
        con.execute("DETACH reportgen_cache")


def save_info(info: SnapshotInfo, path: Path) -> None:
    """Write `info` as JSON to `path`."""
    document = asdict(info)
    document["roots"] = [str(root) for root in info.roots]
    for key in ("start", "end"):
        value = getattr(info, key)
        document[key] = None if value is None else value.isoformat()
    path.write_text(json.dumps(document), encoding="utf-8")


def load_info(path: Path, roots: Sequence[Path]) -> SnapshotInfo:
    """The SnapshotInfo saved at `path`, with the `roots` of this run."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return SnapshotInfo(
        roots=list(roots),
        files=[FileInfo(**item) for item in document["files"]],
        rows=document["rows"],
        start=None if document["start"] is None else datetime.fromisoformat(document["start"]),
        end=None if document["end"] is None else datetime.fromisoformat(document["end"]),
        problems=document["problems"],
        digest=document["digest"],
    )


class OpenSnapshot:
    """An ingested snapshot: `con` over its `logs` table, `info`, and whether it was `cached`.
    `close()` closes the connection and removes its spill folder."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, info: SnapshotInfo, cached: bool, temp: Path
    ) -> None:
        self.con = con
        self.info = info
        self.cached = cached
        self._temp = temp

    def close(self) -> None:
        """Close the connection; delete its spill folder."""
        self.con.close()
        shutil.rmtree(self._temp, ignore_errors=True)


def open_snapshot(
    paths: Sequence[Path],
    sources: Path | None,
    cache: Path | None,
    progress: Progress | None = None,
) -> OpenSnapshot:
    """Ingest `paths`, or reuse the entry under `cache` (None: no cache) with the same key.

    A fresh ingest runs in memory (spilling beyond the limit, which is faster than writing a
    database file as it goes) and is then copied into the cache entry for the next build.
    """
    entry = None if cache is None else cache / "ingest" / snapshot_key(paths, sources)
    if entry is not None and (entry / "info.json").is_file():
        try:
            return _open_entry(entry, paths, cached=True)
        except (duckdb.Error, OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(entry, ignore_errors=True)  # a damaged entry: build it again
    spill = Path(tempfile.mkdtemp(prefix="reportgen-spill-"))
    con = connect(None, spill)
    try:
        info = ingest(con, paths, sources, progress=progress)
        if entry is not None:
            _save_entry(con, info, entry)
    except BaseException:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
        raise
    return OpenSnapshot(con, info, False, spill)


def _save_entry(con: duckdb.DuckDBPyConnection, info: SnapshotInfo, entry: Path) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=entry.parent))
    try:
        save_table(con, staging / "logs.duckdb")
        save_info(info, staging / "info.json")
        try:
            staging.rename(entry)
        except OSError:
            if not (entry / "info.json").is_file():  # else a concurrent build won: same content
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _evict(entry.parent, keep=entry)


def _open_entry(entry: Path, paths: Sequence[Path], cached: bool) -> OpenSnapshot:
    spill = Path(tempfile.mkdtemp(prefix="reportgen-spill-"))
    try:
        info = load_info(entry / "info.json", paths)
        con = connect(entry / "logs.duckdb", spill, read_only=True)
    except BaseException:
        shutil.rmtree(spill, ignore_errors=True)
        raise
    os.utime(entry)  # recently used: evicted last
    return OpenSnapshot(con, info, cached, spill)


def _evict(folder: Path, keep: Path) -> None:
    entries = [path for path in folder.iterdir() if path.is_dir() and not path.name.startswith(".")]
    entries.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for path in entries[KEEP_ENTRIES:]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
