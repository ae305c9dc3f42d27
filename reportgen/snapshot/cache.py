"""The ingest cache: each snapshot's records in a DuckDB file, kept per file and reused.

An entry is a folder `<cache>/ingest/v<CACHE_FORMAT>-<key>/` holding `logs.duckdb`. The key hashes
the reportgen version, the cache format, the input paths and the bytes of the sources.yaml files
that apply (an explicit one, or each root's own): so a snapshot folder (or tarball path) keeps its
entry from one day to the next. Inside, the records are kept per file (see
`reportgen.snapshot.filecache`): a file whose identity (path, size, modification time, content
fingerprint) is unchanged is reused, a rotated one is renamed in place, a new or changed one is
loaded, and a vanished or changed one is dropped; the result is the same as a cold ingest. A
file counts as cached once its identity is committed, with its last records; a large file may
commit its first records before (as it goes), so the rows of files without an identity, left
by a build that failed or was killed midway, are dropped when the entry is next opened. The
session reads a `logs` view of the records of this run's files.

An entry is opened read-write for the whole session; a concurrent build that finds it locked
ingests without the cache. Without a cache, the ingest runs in an in-memory database. Both
work under a memory limit and spill to a private folder beyond it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from reportgen import __version__
from reportgen.snapshot import filecache, storage
from reportgen.snapshot.discover import SOURCES_FILE, is_tar
from reportgen.snapshot.filecache import CACHE_FORMAT, IDENTITIES, VIEW, Identity
from reportgen.snapshot.ingest import Keep, Planned, ingest, plan_snapshot
from reportgen.snapshot.load import Loader
from reportgen.snapshot.model import SnapshotInfo
from reportgen.snapshot.plan import FilePlan

MEMORY_LIMIT = "1GB"
"""DuckDB's memory limit while ingesting and querying; beyond it, work spills to disk."""
KEEP_ENTRIES = 4
"""Cache entries kept; older ones are removed after a new one is written."""

Progress = Callable[[int, int, int], None]


def snapshot_key(paths: Sequence[Path], sources: Path | None) -> str:
    """The cache key of the snapshot `paths` read with `sources` (see the module docstring)."""
    digest = hashlib.sha256(f"reportgen {__version__}\0{CACHE_FORMAT}\0".encode())
    for path in paths:
        root = path.resolve()
        digest.update(f"root\0{root}\0".encode("utf-8", "surrogateescape"))
        own = root / SOURCES_FILE
        if sources is None and root.is_dir() and own.is_file():
            digest.update(b"own sources\0" + own.read_bytes())
        elif is_tar(root):
            # A tarball's own sources.yaml is inside it: its bytes and time stand for it.
            info = root.stat()
            digest.update(f"tar\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    if sources is not None:
        digest.update(b"sources\0" + sources.read_bytes())
    return f"v{CACHE_FORMAT}-" + digest.hexdigest()[:32]


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
    # Compressing the strings costs about as much CPU as parsing them (measured on 2M lines):
    # the cache trades disk space, and the in-memory table spill space, for a faster ingest.
    con.execute("SET force_compression = 'uncompressed'")
    if path is not None:
        # One checkpoint when the session closes, not one every 16 MB of log while it loads
        # (each rewrote what the log held: 2.2 s CPU more on 2M lines).
        con.execute("SET checkpoint_threshold = '16GB'")
        # Each row group is written to the file as soon as it is full, by the worker filling
        # it, rather than five at a time at commit, where the last group's commit made the
        # other worker wait (2M lines: commits 0.95 -> 0.3 s CPU, 250 MB less peak RSS).
        con.execute("SET write_buffer_row_group_count = 1")
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
    keep: Keep | None = None,
) -> OpenSnapshot:
    """Ingest `paths` into a `logs` table, through the cache entry under `cache` (None: no
    cache). `keep` prunes files no query of the run can match (see reportgen.engine.prune)."""
    spill = Path(tempfile.mkdtemp(prefix="reportgen-spill-"))
    try:
        if cache is not None:
            entry = cache / "ingest" / snapshot_key(paths, sources)
            opened = _open_cached(entry, paths, sources, spill, progress, keep)
            if opened is not None:
                _evict(entry.parent, keep=entry)
                return opened
        con = connect(None, spill)
        try:
            info = ingest(con, paths, sources, progress=progress, keep=keep)
        except BaseException:
            con.close()
            raise
    except BaseException:
        shutil.rmtree(spill, ignore_errors=True)
        raise
    return OpenSnapshot(con, info, False, spill)


def _open_cached(
    entry: Path,
    paths: Sequence[Path],
    sources: Path | None,
    spill: Path,
    progress: Progress | None,
    keep: Keep | None,
) -> OpenSnapshot | None:
    """The snapshot through the cache entry, brought up to date; None when another build holds
    the entry (then the caller ingests without it)."""
    entry.mkdir(parents=True, exist_ok=True)
    database = entry / "logs.duckdb"
    try:
        con = connect(database, spill)
    except duckdb.Error as error:
        if "lock" in str(error).lower():
            return None  # held by a concurrent build
        shutil.rmtree(entry, ignore_errors=True)  # damaged: start it again
        entry.mkdir(parents=True, exist_ok=True)
        con = connect(database, spill)
    try:
        with tempfile.TemporaryDirectory(prefix="reportgen-snapshot-") as tmp:
            planned = plan_snapshot(paths, sources, Path(tmp), keep)
            try:
                loaded, included = _update(con, planned, progress)
            except (duckdb.Error, ValueError, KeyError, TypeError):
                con.close()
                shutil.rmtree(entry, ignore_errors=True)  # damaged: ingest without it
                return None
            info = planned.summary(included)
    except BaseException:
        con.close()
        raise
    os.utime(entry)  # recently used: evicted last
    return OpenSnapshot(con, info, not loaded, spill)


def _update(
    con: duckdb.DuckDBPyConnection, planned: Planned, progress: Progress | None
) -> tuple[bool, list[FilePlan]]:
    """Bring the entry up to date with `planned` and create the session's `logs` view; whether
    any file was loaded, and the plans of the files the view shows."""
    filecache.create_schema(con)
    storage.create_tables(con, VIEW, planned.fields, if_missing=True)
    identities = [_identity(planned, plan) for plan in planned.plans]
    # Pruned files stay cached (a later, wider query needs them) but are neither loaded nor shown.
    pruned = [_identity(planned, plan) for plan in planned.pruned]
    cached = filecache.read_files(con)
    next_file = max((c.file for c in cached), default=0) + 1
    stray = filecache.drop_strays(con, next_file)
    done = filecache.reconcile(cached, identities + pruned)
    skipped = {item.plan.fid for item in pruned}
    done.load = [item for item in done.load if item.plan.fid not in skipped]
    filecache.apply_changes(con, done)
    if not done.drop and not stray:
        # Nothing deleted, nothing to vacuum: without this the checkpoint at close merges the
        # part row groups that end each group's transaction, writing them all a second time
        # (2M lines: 0.45 s at close and a file of 646 MB instead of 512).
        con.execute("SET max_vacuum_tasks = 0")
    by_fid = {item.plan.fid: item for item in done.load}
    for offset, item in enumerate(done.load):
        item.plan.file = next_file + offset

    def record(plan: FilePlan) -> list[Any]:
        return filecache.identity_row(by_fid[plan.fid], plan.file)

    loader = Loader(con, VIEW, planned.fields, progress, on_file=(IDENTITIES, record))
    loader.load([item.plan for item in done.load])
    included = [
        filecache.cached_plan(item, done.reuse[item.plan.fid])
        if item.plan.fid in done.reuse
        else item.plan
        for item in identities
    ]
    files = sorted({plan.file if plan.fid in by_fid else done.reuse[plan.fid].file
                    for plan in included})  # fmt: skip
    held = con.execute(f"SELECT count(*) FROM {IDENTITIES}").fetchone()
    shown = None if held is not None and held[0] == len(files) else files
    storage.create_view(con, "logs", VIEW, planned.fields, shown, temp=True)
    return bool(done.load), included


def _identity(planned: Planned, plan: FilePlan) -> Identity:
    found = planned.found.files[plan.fid]
    return Identity(
        plan, found.root, found.mtime_ns, filecache.fingerprint(plan.path, plan.size),
        filecache.settings(plan, found.mtime_ns),
    )  # fmt: skip


def _evict(folder: Path, keep: Path) -> None:
    entries = [path for path in folder.iterdir() if path.is_dir() and not path.name.startswith(".")]
    current = f"v{CACHE_FORMAT}-"
    for path in entries:
        if not path.name.startswith(current):  # another cache format: never read, removed
            shutil.rmtree(path, ignore_errors=True)
    entries = [path for path in entries if path.name.startswith(current)]
    entries.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for path in entries[KEEP_ENTRIES:]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
