"""The files of a cache database: what each holds, and how this run's files map onto them.

A cache database keeps the records and files tables of every file it has loaded (see
`reportgen.snapshot.storage`; `_file` is the file's cache id) and one row per file in
`cached_files`: its identity (root, name, size, modification time and a content fingerprint),
the settings it was parsed with, and what the ingest found (format, counts, problems, time span,
sha256). `reconcile` sorts this run's
files into those to reuse as they are, those renamed since (a rotated `defender.log` that became
`defender.log.1`: same bytes, same settings; only its row of the files table changes), those to
load, and the cached ones to drop (changed or vanished).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from reportgen.snapshot import storage
from reportgen.snapshot.model import FileInfo
from reportgen.snapshot.plan import FilePlan

CACHE_FORMAT = 2
"""Bumped whenever the layout or the meaning of a cache database changes: an entry of another
format is never opened (its folder name differs) and is evicted."""
FINGERPRINT_BYTES = 64 << 10
IDENTITIES = "cached_files"
VIEW = "logs"
"""The log view of a cache database (its tables: `reportgen.snapshot.storage`)."""
_FILES_COLUMNS = (
    "file INTEGER, root INTEGER, name VARCHAR, size BIGINT, mtime_ns BIGINT, fingerprint VARCHAR, "
    "settings VARCHAR, info VARCHAR, first_time TIMESTAMPTZ, last_time TIMESTAMPTZ, "
    "sha256 VARCHAR"
)


def fingerprint(path: Path, size: int) -> str:
    """A digest of the file's size and its first and last FINGERPRINT_BYTES (cheap: two reads),
    which tells a renamed file from another of the same size and time."""
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as handle:
        digest.update(handle.read(FINGERPRINT_BYTES))
        if size > FINGERPRINT_BYTES:
            handle.seek(max(FINGERPRINT_BYTES, size - FINGERPRINT_BYTES))
            digest.update(handle.read(FINGERPRINT_BYTES))
    return digest.hexdigest()[:32]


def settings(plan: FilePlan, mtime_ns: int) -> str:
    """Everything besides the file's bytes and name that its records depend on, as text."""
    return json.dumps(
        [plan.format, plan.tz, mtime_ns, plan.cut, plan.multiline, plan.start, plan.host,
         plan.default_host, plan.category, plan.collector, sorted(plan.fields.items()), plan.gz],
        separators=(",", ":"),
    )  # fmt: skip


@dataclass
class Cached:
    """One file of the cache database."""

    file: int
    root: int
    name: str
    size: int
    mtime_ns: int
    fingerprint: str
    settings: str
    info: FileInfo
    first_time: datetime | None
    last_time: datetime | None
    sha256: str


@dataclass
class Identity:
    """This run's view of one planned file."""

    plan: FilePlan
    root: int
    mtime_ns: int
    fingerprint: str
    settings: str


@dataclass
class Reconciled:
    """What to do with each file: `reuse` (plan fid -> cached file, renamed ones included),
    `renamed` (cached file id -> new name and source), `load` and `drop` (cached file ids)."""

    reuse: dict[int, Cached] = field(default_factory=dict)
    renamed: dict[int, tuple[str, str]] = field(default_factory=dict)
    load: list[Identity] = field(default_factory=list)
    drop: list[int] = field(default_factory=list)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the identity table if it is missing."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {IDENTITIES} ({_FILES_COLUMNS})")


def read_files(con: duckdb.DuckDBPyConnection) -> list[Cached]:
    """Every file the cache database holds."""
    rows = con.execute(f"SELECT * FROM {IDENTITIES} ORDER BY file").fetchall()
    out = []
    for file, root, name, size, mtime_ns, print_, setting, info, first, last, sha in rows:
        document = json.loads(info)
        out.append(
            Cached(file, root, name, size, mtime_ns, print_, setting, FileInfo(**document), first,
                   last, sha)
        )  # fmt: skip
    return out


def reconcile(cached: list[Cached], identities: list[Identity]) -> Reconciled:
    """Match this run's files with the cached ones (see the module docstring)."""
    done = Reconciled()
    exact = {(c.root, c.name, c.size, c.mtime_ns, c.fingerprint, c.settings): c for c in cached}
    left: list[Identity] = []
    used: set[int] = set()
    for item in identities:
        plan = item.plan
        key = (item.root, plan.name, plan.size, item.mtime_ns, item.fingerprint, item.settings)
        hit = exact.get(key)
        if hit is not None and hit.file not in used:
            done.reuse[plan.fid] = hit
            used.add(hit.file)
        else:
            left.append(item)
    moved: dict[tuple[int, int, str, str], list[Cached]] = {}
    for c in cached:
        if c.file not in used:
            moved.setdefault((c.size, c.mtime_ns, c.fingerprint, c.settings), []).append(c)
    for item in left:
        candidates = moved.get((item.plan.size, item.mtime_ns, item.fingerprint, item.settings), [])
        if candidates:
            hit = candidates.pop(0)
            used.add(hit.file)
            done.reuse[item.plan.fid] = hit
            done.renamed[hit.file] = (item.plan.name, item.plan.source)
            hit.name, hit.root = item.plan.name, item.root
            hit.info = FileInfo(item.plan.name, hit.info.format, hit.info.lines,
                                hit.info.records, hit.info.bytes, hit.info.problems)  # fmt: skip
        else:
            done.load.append(item)
    done.drop = [c.file for c in cached if c.file not in used]
    return done


def drop_strays(con: duckdb.DuckDBPyConnection, first_new: int) -> bool:
    """Delete the rows of files that have no identity (ids from `first_new` on): a load stopped
    midway (a failure, a killed build) after a large file's group committed part of its rows as
    it went, before the identities committed with its last rows. Files get ids in load order and
    groups commit in order, so such rows are those of the ids above every identity. Whether any
    were found."""
    records, files = storage.records_table(VIEW), storage.files_table(VIEW)
    found = con.execute(f"SELECT count(*) FROM {records} WHERE _file >= ?", [first_new]).fetchone()
    if not found or not found[0]:
        return False
    con.begin()
    con.execute(f"DELETE FROM {records} WHERE _file >= ?", [first_new])
    con.execute(f"DELETE FROM {files} WHERE file >= ?", [first_new])
    con.commit()
    return True


def apply_changes(con: duckdb.DuckDBPyConnection, done: Reconciled) -> None:
    """Drop the records of changed and vanished files and rename the rotated ones, in one
    transaction."""
    if not done.drop and not done.renamed:
        return
    records, files = storage.records_table(VIEW), storage.files_table(VIEW)
    con.begin()
    if done.drop:
        dropped = [done.drop]
        con.execute(f"DELETE FROM {records} WHERE _file IN (SELECT unnest(?))", dropped)
        con.execute(f"DELETE FROM {files} WHERE file IN (SELECT unnest(?))", dropped)
        con.execute(f"DELETE FROM {IDENTITIES} WHERE file IN (SELECT unnest(?))", dropped)
    for file, (name, source) in done.renamed.items():
        con.execute(
            f"UPDATE {files} SET sourcename = ?, source = ? WHERE file = ?", [name, source, file]
        )
        con.execute(f"UPDATE {IDENTITIES} SET name = ? WHERE file = ?", [name, file])
    con.commit()


def identity_row(item: Identity, file: int) -> list[Any]:
    """The identity row of a loaded plan (added in the transaction that holds its records)."""
    plan = item.plan
    info = {
        "name": plan.name, "format": plan.format, "lines": plan.lines, "records": plan.records,
        "bytes": plan.size, "problems": plan.problems,
    }  # fmt: skip
    return [file, item.root, plan.name, plan.size, item.mtime_ns, item.fingerprint, item.settings,
            json.dumps(info), plan.first_time, plan.last_time, plan.sha256]  # fmt: skip


def cached_plan(item: Identity, hit: Cached) -> FilePlan:
    """`item`'s plan filled in from the cache (counts, problems, time span, digest)."""
    plan = item.plan
    plan.format, plan.lines, plan.records = hit.info.format, hit.info.lines, hit.info.records
    plan.problems = dict(hit.info.problems)
    plan.first_time, plan.last_time, plan.sha256 = hit.first_time, hit.last_time, hit.sha256
    return plan
