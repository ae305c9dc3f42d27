"""Which files a Spark ingest reads: local snapshots through reportgen.snapshot's discovery
(folders, tar archives, single files, sources.yaml), Hadoop URIs (`s3a://`, `hdfs://`,
`abfss://`, `file://`) through Spark's own listing.

Every input file becomes a `SparkFile`: its name relative to its root (the key of sources.yaml
globs and `_sourcename`), where Spark reads it, its size and modification time. Spark reports a
file's path in its own form (`file:/a/b%20c.log`, percent-encoded); `spark_key` is the decoded
form both sides are matched on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote

from reportgen.engine.options import is_uri
from reportgen.engine.spark.messages import first_line
from reportgen.errors import SnapshotError
from reportgen.snapshot.discover import SOURCES_FILE, discover, is_tar
from reportgen.snapshot.model import file_sha256
from reportgen.snapshot.sources import Sources
from reportgen.snapshot.sources_check import load_sources, parse_sources

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_GLOB = re.compile(r"([*?\[\]{}\\])")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SparkFile:
    """One input file. `key` matches Spark's (decoded) path of it; `single`: its root is the
    file itself."""

    root: int
    name: str
    key: str
    size: int
    mtime: datetime
    digest: str
    single: bool = False


@dataclass
class Inputs:
    """The files of all roots (sorted by name, then root), the URIs Spark reads, each root's
    sources.yaml rules and the entries skipped while walking."""

    roots: list[Path | str]
    reads: list[str] = field(default_factory=list)
    files: list[SparkFile] = field(default_factory=list)
    rules: list[Sources] = field(default_factory=list)
    problems: dict[str, int] = field(default_factory=dict)


def spark_key(path: str) -> str:
    """A path as Spark lists it, decoded and without `file://` authority: the match key."""
    decoded = unquote(path)
    return re.sub(r"^file:/+", "file:/", decoded).rstrip("/")


def local_uri(path: Path) -> str:
    """A local path as Spark should read it (no percent-encoding; glob characters escaped)."""
    return "file:" + _GLOB.sub(r"\\\1", str(path.absolute()))


def gather(
    spark: SparkSession, paths: Sequence[Path | str], sources: Path | None, workdir: Path
) -> Inputs:
    """The files of the snapshot `paths`; tar archives are extracted under `workdir`."""
    explicit = load_sources(sources) if sources is not None else None
    inputs = Inputs(list(paths))
    locals_ = [(index, Path(p)) for index, p in enumerate(paths) if not is_uri(p)]
    found = discover([path for _, path in locals_], workdir) if locals_ else None
    for index, path in enumerate(paths):
        if is_uri(path):
            _gather_uri(spark, inputs, index, str(path), explicit)
            continue
        assert found is not None
        position = next(i for i, (root, _) in enumerate(locals_) if root == index)
        local = Path(path)
        read = workdir / f"tar{position}" if is_tar(local) and not local.is_dir() else local
        inputs.reads.append(local_uri(read))
        own = found.sources[position]
        inputs.rules.append(explicit or (load_sources(own) if own is not None else Sources()))
        for item in (f for f in found.files if f.root == position):
            mtime = _EPOCH + timedelta(microseconds=item.mtime_ns // 1000)
            key = spark_key("file:" + str(item.path.absolute()))
            digest = file_sha256(item.path)
            inputs.files.append(
                SparkFile(index, item.name, key, item.size, mtime, digest, item.single)
            )
    if found is not None:
        for skipped in found.skipped:
            inputs.problems[skipped.problem] = inputs.problems.get(skipped.problem, 0) + 1
    inputs.files.sort(key=lambda item: (item.name, item.root))
    return inputs


def _gather_uri(
    spark: SparkSession, inputs: Inputs, index: int, uri: str, explicit: Sources | None
) -> None:
    """List a URI root with Spark (folders recursively); files Spark skips (names starting
    with `.` or `_`) are not listed."""
    if is_tar(Path(uri)):
        raise SnapshotError(
            f"{uri}: tar archives are read on this machine, not by Spark",
            hint="extract it to a folder and give the folder's URI",
        )
    try:
        listed = (
            spark.read.format("binaryFile")
            .option("recursiveFileLookup", "true")
            .load(uri)
            .selectExpr("path", "length", "unix_micros(modificationTime) AS mtime")
            .collect()
        )
    except Exception as error:
        raise SnapshotError(f"cannot read {uri} (--logs): {first_line(error)}") from None
    root = spark_key(uri)
    inputs.reads.append(uri)
    inputs.rules.append(explicit or _uri_sources(spark, uri))
    for path, size, micros in listed:
        key = spark_key(str(path))
        single = key == root
        name = PurePosixPath(key).name if single else key[len(root) + 1 :]
        if name == SOURCES_FILE:
            continue
        mtime = _EPOCH + timedelta(microseconds=int(micros))
        # provenance without reading every byte twice: the name, size and modification time
        digest = hashlib.sha256(f"{size}:{int(micros)}".encode()).hexdigest()
        inputs.files.append(SparkFile(index, name, key, int(size), mtime, digest, single))


def _uri_sources(spark: SparkSession, uri: str) -> Sources:
    """The sources.yaml in a URI root, read by Spark (none when there is none)."""
    location = uri.rstrip("/") + "/" + SOURCES_FILE
    try:
        rows = spark.read.format("text").option("wholetext", "true").load(location).collect()
    except Exception:
        return Sources()
    return parse_sources(rows[0][0] if rows else "", location)
