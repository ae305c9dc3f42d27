"""`ingest()`: a snapshot (folders, tar archives, files) -> the DuckDB `logs` table.

The recipe: discover the files, read the sources.yaml rules, plan each file (its metadata from
the rules and the layout, known before reading it), then let `load.Loader` stream and parse every
file in DuckDB, two at a time. Python never loops over the lines of a file, except to repair bad
bytes (see `reportgen.snapshot.reader`). Each file's sha256 is computed while it is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

import duckdb

from reportgen.snapshot import storage
from reportgen.snapshot.discover import Discovery, InputFile, discover
from reportgen.snapshot.load import Loader
from reportgen.snapshot.model import (
    FileInfo,
    SnapshotInfo,
    add_problems,
    file_sha256,
    snapshot_digest,
)
from reportgen.snapshot.plan import FilePlan
from reportgen.snapshot.sources import Sources
from reportgen.snapshot.sources_check import load_sources
from reportgen.snapshot.textio import is_gzip

YEAR_GRACE = timedelta(days=1)
"""Year-less lines may be this much later than their file's mtime and still take its year (a
clock or zone a little off must not push the last hours of a file back by a year)."""

EXCLUDED = "excluded"
"""The `format` of a file left out by an `exclude` glob of its source."""
LOOKUP = "lookup"
"""The `format` of the CSV file of a `lookups:` table: read by `lookup`, never as logs."""
PRUNED = "pruned"
"""The `format` of a file left out because no query of the run can match it."""
_ROTATION = re.compile(r"(\.\d+)?(\.gz)?$", re.IGNORECASE)
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    sources: Path | None = None,
    table: str = "logs",
    progress: Callable[[int, int, int], None] | None = None,
    keep: Keep | None = None,
) -> SnapshotInfo:
    """Read the snapshot at `paths` into the log view `table` (created or replaced, see
    `reportgen.snapshot.storage`), one row per record.

    `paths` are folders, `.tar`/`.tar.gz`/`.tgz` archives or single files; `sources` is a
    sources.yaml that replaces those found in the roots. Raises SnapshotError for inputs that
    cannot be read (missing, unsafe tar members, invalid sources.yaml). `progress` is called
    after each chunk with the files, bytes and lines loaded so far. `keep` (see
    `reportgen.engine.prune`) leaves out the files it refuses (format `pruned`). Rows are in
    file and line order, without a sort. The view is replaced only once every file is loaded.
    """
    with TemporaryDirectory(prefix="reportgen-snapshot-") as tmp:
        planned = plan_snapshot(paths, sources, Path(tmp), keep)
        building = f"{table}__reportgen_building"
        storage.create_tables(con, building, planned.fields)
        for plan in planned.plans:
            plan.file = plan.fid + 1  # ids from 1: they index lists in the view
        try:
            serial = in_transaction(con, storage.records_table(building))
            Loader(con, building, planned.fields, progress, serial=serial).load(planned.plans)
        except BaseException:
            storage.drop(con, building)
            raise
        storage.rename(con, building, table, planned.fields)
        return planned.summary(planned.plans)


Keep = Callable[[FilePlan], bool]


@dataclass
class Planned:
    """A snapshot before loading: its files (`found`), rules, field names, the plans of the files
    to load and the FileInfo of those there is nothing to load from (excluded, empty, pruned)."""

    roots: list[Path]
    found: Discovery
    rules: list[Sources]
    fields: tuple[str, ...]
    infos: dict[int, FileInfo]
    plans: list[FilePlan]
    pruned: list[FilePlan]
    hashes: Future[dict[int, str]]

    def summary(self, loaded: list[FilePlan]) -> SnapshotInfo:
        """The SnapshotInfo once `loaded` (the plans whose records the table holds) are."""
        infos = dict(self.infos)
        infos.update({plan.fid: file_info(plan) for plan in loaded})
        files = self.found.with_skipped([infos[fid] for fid in sorted(infos)])
        problems: dict[str, int] = {}
        for info in files:
            add_problems(problems, info.problems)
        starts = [plan.first_time for plan in loaded if plan.first_time is not None]
        ends = [plan.last_time for plan in loaded if plan.last_time is not None]
        digests = {**self.hashes.result(), **{plan.fid: plan.sha256 for plan in loaded}}
        digest = snapshot_digest(
            (item.name, digests.get(fid, EMPTY_SHA256)) for fid, item in enumerate(self.found.files)
        )
        return SnapshotInfo(
            self.roots, files, sum(plan.records for plan in loaded), min(starts, default=None),
            max(ends, default=None), dict(sorted(problems.items())), digest,
        )  # fmt: skip


def plan_snapshot(
    paths: Sequence[Path], sources: Path | None, workdir: Path, keep: Keep | None = None
) -> Planned:
    """Discover and plan the snapshot at `paths` (tar archives are extracted under `workdir`).
    The files not loaded are hashed for the digest on a thread, meanwhile."""
    roots = [Path(path) for path in paths]
    explicit = load_sources(sources) if sources is not None else None
    found = discover(roots, workdir)
    rules = source_rules(found, explicit)
    infos, plans = plan_files(found, rules)
    pruned: list[FilePlan] = []
    if keep is not None:
        kept = []
        for plan in plans:
            if keep(plan):
                kept.append(plan)
            else:
                infos[plan.fid] = FileInfo(plan.name, PRUNED, 0, 0, plan.size, {})
                pruned.append(plan)
        plans = kept
    others = [(fid, found.files[fid]) for fid in infos]
    pool = ThreadPoolExecutor(1)
    hashes = pool.submit(lambda: {fid: file_digest(item) for fid, item in others})
    pool.shutdown(wait=False)
    return Planned(roots, found, rules, field_names(rules), infos, plans, pruned, hashes)


def in_transaction(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `con`, which just created `table`, is inside a transaction of its own (so other
    cursors cannot see the table)."""
    with con.cursor() as other:
        found = other.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
            [table],
        ).fetchone()
    return not (found and found[0])


def field_names(rules: list[Sources]) -> tuple[str, ...]:
    """The sources.yaml `fields` of every root, sorted."""
    return tuple(sorted({name for rule in rules for name in rule.field_names()}))


def file_info(plan: FilePlan) -> FileInfo:
    """What a loaded plan reports."""
    return FileInfo(plan.name, plan.format, plan.lines, plan.records, plan.size, plan.problems)


def file_digest(item: InputFile) -> str:
    """The sha256 of a file's stored bytes, for the snapshot's digest (that of no bytes for an
    empty or unreadable file)."""
    if item.size == 0:
        return EMPTY_SHA256
    try:
        return file_sha256(item.path)
    except OSError:
        return EMPTY_SHA256


def source_rules(found: Discovery, explicit: Sources | None) -> list[Sources]:
    """The sources.yaml rules of each root: the explicit one, else the root's own, else none."""
    if explicit is not None:
        return [explicit for _ in found.roots]
    loaded: dict[Path, Sources] = {}
    rules = []
    for path in found.sources:
        if path is None:
            rules.append(Sources())
            continue
        if path not in loaded:
            loaded[path] = load_sources(path)
        rules.append(loaded[path])
    return rules


def default_host(item: InputFile) -> str:
    """The host of a file without one in its lines: its first folder, else its name without
    rotation number, `.gz` and extension (`prod-web-1.log.1.gz` -> `prod-web-1`)."""
    parts = PurePosixPath(item.name).parts
    if len(parts) > 1 and not item.single:
        return parts[0]
    bare = _ROTATION.sub("", parts[-1])
    return PurePosixPath(bare).stem or parts[-1]


def plan_files(
    found: Discovery, rules: list[Sources]
) -> tuple[dict[int, FileInfo], list[FilePlan]]:
    """The FileInfo of each file there is nothing to load from (excluded, empty) and the plan
    of every other file, by file id."""
    infos: dict[int, FileInfo] = {}
    plans: list[FilePlan] = []
    for fid, item in enumerate(found.files):
        plan = plan_file(fid, item, rules[item.root])
        if isinstance(plan, FileInfo):
            infos[fid] = plan
        else:
            plans.append(plan)
    return infos, plans


def plan_file(
    fid: int, item: InputFile, rules: Sources, gz: bool | None = None
) -> FilePlan | FileInfo:
    """How to load one file (from its metadata alone: nothing of it is read but its first two
    bytes, for gzip, unless `gz` says), or its FileInfo when there is nothing to load."""
    entry = rules.match(item.name)
    if entry is not None and entry.excludes(item.name):
        return FileInfo(item.name, EXCLUDED, 0, 0, item.size, {})
    if rules.is_lookup_file(item.path):
        return FileInfo(item.name, LOOKUP, 0, 0, item.size, {})
    if item.size == 0:
        return FileInfo(item.name, "", 0, 0, item.size, {"empty_file": 1})
    if gz is None:
        try:
            gz = is_gzip(item.name, item.path)
        except OSError:
            return FileInfo(item.name, "", 0, 0, item.size, {"unreadable": 1})
    tz = (entry.timezone if entry is not None else None) or "UTC"
    mtime = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=item.mtime_ns // 1000)
    limit = (mtime.astimezone(ZoneInfo(tz)) + YEAR_GRACE).replace(tzinfo=None)
    folder = str(PurePosixPath(item.name).parent)
    return FilePlan(
        fid=fid,
        name=item.name,
        path=item.path,
        gz=gz,
        size=item.size,
        format=entry.format if entry is not None else "auto",
        tz=tz,
        mtime=mtime,
        limit=limit,
        host=entry.host if entry is not None else None,
        default_host=default_host(item),
        category=(entry.category if entry is not None else None)
        or ("" if folder == "." else folder),
        source=(entry.name if entry is not None else None) or PurePosixPath(item.name).name,
        collector=entry.collector if entry is not None else None,
        cut=rules.max_line_chars,
        multiline=entry.multiline if entry is not None else "auto",
        start=entry.start if entry is not None else None,
        fields=dict(entry.fields) if entry is not None else {},
    )
