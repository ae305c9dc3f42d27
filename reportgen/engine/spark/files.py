"""Which files a Spark ingest reads: local snapshots through reportgen.snapshot's discovery
(folders, tar archives, a tarball of one folder read as that folder, single files, sources.yaml,
the entries it skips), Hadoop URIs (`s3a://`, `hdfs://`, `abfss://`, `file://`) through Spark's
own listing.

Every input file becomes a `SparkFile`: an `InputFile` as the DuckDB ingest plans it (its name
relative to its root is the key of sources.yaml globs and `_sourcename`), where Spark reads it,
whether it is gzip and its digest. Spark reports a file's path in its own form
(`file:/a/b%20c.log`, percent-encoded); `spark_key` is the decoded form both sides match on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from reportgen.engine.options import is_uri
from reportgen.engine.spark.messages import first_line
from reportgen.errors import SnapshotError
from reportgen.snapshot.discover import SOURCES_FILE, Discovery, InputFile, Skipped, discover
from reportgen.snapshot.ingest import file_digest, source_rules
from reportgen.snapshot.sources import Sources
from reportgen.snapshot.sources_check import load_sources, parse_sources
from reportgen.snapshot.sources_content import LookupFile
from reportgen.snapshot.tarsafe import is_tar

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_GLOB = re.compile(r"([*?\[\]{}\\])")
HIDDEN = r"^\."
"""Names Spark's listing skips (`ignoredPathSegmentRegex`, Spark 4.3+): hidden ones, as the
snapshot's discovery does; by default Spark also skips names starting with `_`."""
MAX_LOOKUP_BYTES = 100 << 20


@dataclass(frozen=True)
class SparkFile:
    """One input file: `item` as discovery gives it (a URI file's `path` is its URI), `read`
    the URI Spark reads it from, `key` Spark's decoded path of it, `gz` whether it is gzip
    (None for a local file: its first bytes tell), `digest` its sha256 (a URI file's: of its
    size and time)."""

    item: InputFile
    read: str
    key: str
    gz: bool | None
    digest: str


@dataclass
class Inputs:
    """The files of all roots (sorted by name, then root), each root's sources.yaml rules, the
    entries skipped while walking and the sources.yaml files of URI roots (their field
    extraction rules and lookup tables, which only Spark can read)."""

    roots: list[Path | str]
    files: list[SparkFile] = field(default_factory=list)
    rules: list[Sources] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    uri_sources: list[Sources] = field(default_factory=list)

    def discovery(self) -> Discovery:
        """The files as a Discovery (for `with_skipped`)."""
        return Discovery(
            [Path(str(root)) for root in self.roots],
            [spark_file.item for spark_file in self.files],
            skipped=list(self.skipped),
        )


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
    """The files of the snapshot `paths`; tar archives are extracted (and lookup tables of URI
    roots copied) under `workdir`."""
    explicit = load_sources(sources) if sources is not None else None
    inputs = Inputs(list(paths))
    local = [(index, Path(path)) for index, path in enumerate(paths) if not is_uri(path)]
    found = discover([path for _, path in local], workdir) if local else None
    rules = source_rules(found, explicit) if found is not None else []
    for index, path in enumerate(paths):
        if is_uri(path):
            _gather_uri(spark, inputs, index, str(path), explicit, workdir)
            continue
        assert found is not None
        position = next(i for i, (root, _) in enumerate(local) if root == index)
        inputs.rules.append(rules[position])
        for item in (f for f in found.files if f.root == position):
            item = InputFile(index, item.name, item.path, item.size, item.mtime_ns, item.single)
            key = spark_key("file:" + str(item.path.absolute()))
            digest = file_digest(item)
            inputs.files.append(SparkFile(item, local_uri(item.path), key, None, digest))
        for skipped in (s for s in found.skipped if s.root == position):
            inputs.skipped.append(Skipped(index, skipped.name, skipped.size, skipped.problem))
    inputs.files.sort(key=lambda spark_file: (spark_file.item.name, spark_file.item.root))
    return inputs


def _gather_uri(
    spark: SparkSession,
    inputs: Inputs,
    index: int,
    uri: str,
    explicit: Sources | None,
    workdir: Path,
) -> None:
    """List a URI root with Spark (folders recursively; hidden names are skipped)."""
    if is_tar(Path(uri)):
        raise SnapshotError(
            f"{uri}: tar archives are read on this machine, not by Spark",
            hint="extract it to a folder and give the folder's URI",
        )
    try:
        listed = (
            _reader(spark, "binaryFile")
            .option("recursiveFileLookup", "true")
            .load(uri)
            .selectExpr("path", "length", "unix_micros(modificationTime) AS mtime")
            .collect()
        )
    except Exception as error:
        raise SnapshotError(f"cannot read {uri} (--logs): {first_line(error)}") from None
    root = spark_key(uri)
    own = _uri_sources(spark, uri, workdir / f"uri{index}")
    if own.path is not None or own.rules or own.lookups:
        inputs.uri_sources.append(own)
    inputs.rules.append(explicit or own)
    # a lookup table's CSV file is named by its local copy, so that the plan knows it for a table
    tables = {} if explicit else {_relative(t.file): t.base / t.file for t in own.lookups}
    for path, size, micros in listed:
        key = spark_key(str(path))
        single = key == root
        name = PurePosixPath(key).name if single else key[len(root) + 1 :]
        if name == SOURCES_FILE:
            continue
        local = tables.get(name, Path(key))
        item = InputFile(index, name, local, int(size), int(micros) * 1000, single)
        # provenance without reading every byte twice: the size and modification time
        digest = hashlib.sha256(f"{size}:{int(micros)}".encode()).hexdigest()
        gz = name.lower().endswith(".gz")
        inputs.files.append(SparkFile(item, str(path), key, gz, digest))


def _relative(file: str) -> str:
    """A file name of sources.yaml as a name relative to its root (`./a/b.csv` -> `a/b.csv`)."""
    return PurePosixPath(file).as_posix()


def _uri_sources(spark: SparkSession, uri: str, local: Path) -> Sources:
    """The sources.yaml in a URI root, read by Spark (none when there is none); the lookup
    tables it maps are copied under `local`, where the engine loads them from."""
    location = uri.rstrip("/") + "/" + SOURCES_FILE
    try:
        rows = _reader(spark, "text").option("wholetext", "true").load(location).collect()
    except Exception:
        return Sources()
    parsed = parse_sources(rows[0][0] if rows else "", location)
    if not parsed.lookups:
        return parsed
    copies: list[LookupFile] = []
    for item in parsed.lookups:
        target = local / item.file
        source = uri.rstrip("/") + "/" + item.file
        try:
            (data,) = _reader(spark, "binaryFile").load(source).select("content").first() or (b"",)
        except Exception as error:
            raise SnapshotError(
                f"lookup table '{item.name}': cannot read {source}: {first_line(error)}",
                item.where,
                text=item.text,
            ) from None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes(data)[: MAX_LOOKUP_BYTES + 1])
        copies.append(LookupFile(item.name, item.file, local, item.where, item.text))
    return dataclasses.replace(parsed, lookups=tuple(copies))


def _reader(spark: SparkSession, source: str) -> Any:
    """A reader of `source` that reads names starting with `_` (not hidden ones) and skips
    files it cannot read."""
    return (
        spark.read.format(source)
        .option("ignoredPathSegmentRegex", HIDDEN)
        .option("ignoreCorruptFiles", "true")
    )


def read_bytes(spark: SparkSession, files: Sequence[tuple[str, bool]]) -> DataFrame:
    """(path, bin): the bytes of the files (URI, gzip or not) Spark can read, `.gz`
    decompressed. A gzip file is read whole as text (Spark keeps its bytes as they are), any
    other as a binary file (so plain text under a `.gz` name is read as it is)."""
    frames = []
    gzipped = [uri for uri, gz in files if gz]
    others = [uri for uri, gz in files if not gz]
    if gzipped:
        text = _reader(spark, "text").option("wholetext", "true").load(gzipped)
        frames.append(
            text.selectExpr("_metadata.file_path AS path", "CAST(value AS BINARY) AS bin")
        )
    if others:
        binary = _reader(spark, "binaryFile").load(others)
        frames.append(binary.selectExpr("path", "content AS bin"))
    if not frames:
        return spark.sql(
            "SELECT CAST(NULL AS STRING) AS path, CAST(NULL AS BINARY) AS bin WHERE false"
        )
    out: DataFrame = frames[0]
    for frame in frames[1:]:
        out = out.unionByName(frame)
    return out
