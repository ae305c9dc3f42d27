"""`ingest()`: a snapshot (folders, tar archives, files) -> the DuckDB `logs` table.

The recipe: discover the files, read the sources.yaml rules, plan each file (decompress `.gz`,
pick its metadata and detect its format from its first lines), then let `load.Loader` read and
parse every file in DuckDB. Python never loops over the lines of a file, except to repair one that
is not valid UTF-8. The provenance digest is computed on a worker thread meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

import duckdb

from reportgen.snapshot.discover import Discovery, InputFile, discover
from reportgen.snapshot.formats import detect
from reportgen.snapshot.load import FilePlan, Loader
from reportgen.snapshot.model import (
    FileInfo,
    SnapshotInfo,
    add_problems,
    file_sha256,
    snapshot_digest,
)
from reportgen.snapshot.sources import Sources
from reportgen.snapshot.sources_check import load_sources
from reportgen.snapshot.textio import (
    MAX_FILE_BYTES,
    copy_head,
    gunzip,
    is_binary,
    is_gzip,
    sample_lines,
)

YEAR_GRACE = timedelta(days=1)
"""Year-less lines may be this much later than their file's mtime and still take its year (a
clock or zone a little off must not push the last hours of a file back by a year)."""

EXCLUDED = "excluded"
"""The `format` of a file left out by an `exclude` glob of its source."""
_UNSAFE_PATH = re.compile(r"[*?\[\]{}\\]")
_ROTATION = re.compile(r"(\.\d+)?(\.gz)?$", re.IGNORECASE)


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path],
    sources: Path | None = None,
    table: str = "logs",
    progress: Callable[[int, int, int], None] | None = None,
) -> SnapshotInfo:
    """Read the snapshot at `paths` into `table` (created or replaced), one row per record.

    `paths` are folders, `.tar`/`.tar.gz`/`.tgz` archives or single files; `sources` is a
    sources.yaml that replaces those found in the roots. Raises SnapshotError for inputs that
    cannot be read (missing, unsafe tar members, invalid sources.yaml). `progress` is called
    after each chunk of files with the files, bytes and lines loaded so far.
    """
    roots = [Path(path) for path in paths]
    explicit = load_sources(sources) if sources is not None else None
    with TemporaryDirectory(prefix="reportgen-snapshot-") as tmp, ThreadPoolExecutor(1) as pool:
        workdir = Path(tmp)
        found = discover(roots, workdir)
        digests = pool.submit(_digests, found.files)
        rules = _rules(found, explicit)
        gunzipped = _gunzip_all(found, rules, workdir)
        infos: dict[int, FileInfo] = {}
        plans: list[FilePlan] = []
        taken: set[str] = set()
        for fid, item in enumerate(found.files):
            plan = plan_file(fid, item, rules[item.root], workdir, taken, gunzipped.get(fid))
            if isinstance(plan, FileInfo):
                infos[fid] = plan
            else:
                plans.append(plan)
        fields = tuple(sorted({name for rule in rules for name in rule.field_names()}))
        Loader(con, table, workdir, fields, progress).load(plans)
        for plan in plans:
            infos[plan.fid] = FileInfo(
                plan.name, plan.format, plan.lines, plan.records,
                found.files[plan.fid].size, dict(plan.problems),
            )  # fmt: skip
        digest = snapshot_digest(digests.result())
    files = found.with_skipped([infos[fid] for fid in sorted(infos)])
    problems: dict[str, int] = {}
    for info in files:
        add_problems(problems, info.problems)
    return _summary(con, table, roots, files, problems, digest)


def _summary(
    con: duckdb.DuckDBPyConnection,
    table: str,
    roots: list[Path],
    files: list[FileInfo],
    problems: dict[str, int],
    digest: str,
) -> SnapshotInfo:
    quoted = '"' + table.replace('"', '""') + '"'
    row = con.execute(
        f"SELECT count(*), epoch_us(min(_messagetime)), epoch_us(max(_messagetime)) FROM {quoted}"
    ).fetchone()
    count, low, high = row if row is not None else (0, None, None)
    return SnapshotInfo(
        roots, files, int(count), _from_us(low), _from_us(high), dict(sorted(problems.items())),
        digest,
    )  # fmt: skip


def _from_us(micros: int | None) -> datetime | None:
    if micros is None:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def _digests(files: list[InputFile]) -> list[tuple[str, str]]:
    return [(item.name, file_sha256(item.path)) for item in files]


def _rules(found: Discovery, explicit: Sources | None) -> list[Sources]:
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


def _gunzip_all(
    found: Discovery, rules: list[Sources], workdir: Path
) -> dict[int, tuple[Path, str | None]]:
    """Decompress the `.gz` files that will be read, two at a time (zlib releases the GIL):
    file id -> (decompressed copy, problem or None)."""
    jobs = {}
    for fid, item in enumerate(found.files):
        entry = rules[item.root].match(item.name)
        if (entry is None or not entry.excludes(item.name)) and is_gzip(item.name, item.path):
            jobs[fid] = (item.path, workdir / f"{fid}.txt")
    with ThreadPoolExecutor(2) as pool:
        problems = pool.map(lambda job: gunzip(*job), jobs.values())
        return {fid: (jobs[fid][1], problem) for fid, problem in zip(jobs, problems, strict=True)}


def plan_file(
    fid: int,
    item: InputFile,
    rules: Sources,
    workdir: Path,
    taken: set[str],
    gunzipped: tuple[Path, str | None] | None = None,
) -> FilePlan | FileInfo:
    """How to load one file, or its FileInfo when there is nothing to load (an empty file).

    `taken` holds the paths DuckDB already reads for other files (updated): a file given twice,
    or with glob characters in its path, is read through a link of our own.
    """
    problems: dict[str, int] = {}
    entry = rules.match(item.name)
    if entry is not None and entry.excludes(item.name):
        return FileInfo(item.name, EXCLUDED, 0, 0, item.size, problems)
    read_path = item.path.resolve()
    if gunzipped is not None or is_gzip(item.name, item.path):
        read_path, problem = gunzipped or (workdir / f"{fid}.txt", None)
        if gunzipped is None:
            problem = gunzip(item.path, read_path)
        if problem is not None:
            problems[problem] = 1
    elif item.size > MAX_FILE_BYTES:
        read_path = workdir / f"{fid}.head"
        copy_head(item.path, read_path, MAX_FILE_BYTES)
        problems["too_large"] = 1
    elif _UNSAFE_PATH.search(str(read_path)) or str(read_path) in taken:
        link = workdir / f"{fid}.link"
        link.symlink_to(read_path)
        read_path = link
    taken.add(str(read_path))
    if read_path.stat().st_size == 0:
        problems["empty_file"] = 1
        return FileInfo(item.name, "", 0, 0, item.size, problems)
    if is_binary(read_path):
        problems["binary_file"] = 1
        return FileInfo(item.name, "", 0, 0, item.size, problems)
    fmt = entry.format if entry is not None else "auto"
    if fmt == "auto":
        fmt = detect(sample_lines(read_path))
    tz = (entry.timezone if entry is not None else None) or "UTC"
    mtime = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=item.mtime_ns // 1000)
    limit = (mtime.astimezone(ZoneInfo(tz)) + YEAR_GRACE).replace(tzinfo=None)
    folder = str(PurePosixPath(item.name).parent)
    return FilePlan(
        fid=fid,
        name=item.name,
        read_path=read_path,
        format=fmt,
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
        problems=problems,
    )
