"""A snapshot -> the `logs` view on Spark, with the same rows, metadata and problem counts as the
DuckDB ingest (reportgen.snapshot), computed by Spark where the files are.

The recipe: gather the files (files.py); read every file whole (`.gz` decompressed by Spark) and
split it into numbered lines, kept cached; bring the first lines of each file to the driver to
detect its format with reportgen.snapshot.formats.detect (and tell binary files); plan each
file's metadata exactly as reportgen.snapshot.ingest does; stage the lines per format in Spark
SQL (formats.py); join continuation lines to their records and fill missing times; cache the
result as the view `logs`. Only per-file counts and the first lines travel to the driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from reportgen.engine.spark.files import Inputs, SparkFile, spark_key
from reportgen.engine.spark.formats import stage_sql
from reportgen.engine.spark.messages import first_line
from reportgen.errors import SnapshotError
from reportgen.query.sql.spark import SparkDialect
from reportgen.snapshot.discover import InputFile
from reportgen.snapshot.formats import DETECT_LINES, detect
from reportgen.snapshot.ingest import EXCLUDED, YEAR_GRACE, default_host
from reportgen.snapshot.model import FileInfo, SnapshotInfo, add_problems, snapshot_digest
from reportgen.snapshot.reader import SAMPLE_BYTES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

SQL = SparkDialect()
HEAD_LINES = 2000
"""Format detection and the binary test look at most this far into a file."""
_CONTROLS = "[\\x00-\\x08\\x0B\\x0E-\\x1A\\x1C-\\x1F\\x7F]"
LINES, META, STAGE = "__rg_lines", "__rg_meta", "__rg_stage"


@dataclass
class Planned:
    """One file to load, and what loading it found."""

    fid: int
    file: SparkFile
    format: str
    row: dict[str, Any]
    problems: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    records: int = 0


def read_lines(spark: SparkSession, inputs: Inputs) -> DataFrame:
    """Every line of every file Spark can read: (path, n, total, raw), n from 1; cached."""
    from pyspark import StorageLevel

    # SQL expressions rather than pyspark.sql.functions: they work on classic and Connect
    # sessions alike, whichever kind the process started first
    files = (
        spark.read.format("text")
        .option("wholetext", "true")
        .option("recursiveFileLookup", "true")
        .option("ignoreCorruptFiles", "true")
        .load(inputs.reads)
        .selectExpr("_metadata.file_path AS path", "split(value, '\\n', -1) AS s")
    )
    lines = files.selectExpr("path", "size(s) AS total", "posexplode(s) AS (pos, raw)")
    lines = lines.selectExpr("path", "pos + 1 AS n", "total", "raw")
    return lines.persist(StorageLevel.MEMORY_AND_DISK)


def heads(spark: SparkSession) -> tuple[dict[str, list[str]], dict[str, str | None]]:
    """Per Spark path: the first DETECT_LINES non-blank lines, and the problem that keeps the
    file from being loaded (`empty_file`; `binary_file`: more than one character in ten of its
    first SAMPLE_BYTES is a control character), or None."""
    rows = spark.sql(
        f"""SELECT path, regexp_replace(raw, '\\r$', '') AS line FROM (
              SELECT path, n, raw, row_number() OVER (PARTITION BY path ORDER BY n) AS k
              FROM {LINES} WHERE n <= {HEAD_LINES} AND NOT rlike(raw, '^\\\\s*$'))
            WHERE k <= {DETECT_LINES} ORDER BY path, n"""
    ).collect()
    found: dict[str, list[str]] = {}
    for path, line in rows:
        found.setdefault(str(path), []).append(str(line))
    controls = f"length(raw) - length(regexp_replace(raw, {SQL.string(_CONTROLS)}, ''))"
    checks = spark.sql(
        f"""SELECT path, max(total) = 1 AND max(length(raw)) = 0,
                   sum({controls}) * 10 > sum(length(raw) + 1)
            FROM (SELECT path, raw, total,
                         sum(length(raw) + 1) OVER (PARTITION BY path ORDER BY n) AS c
                  FROM {LINES} WHERE n <= {HEAD_LINES})
            WHERE c - length(raw) - 1 < {SAMPLE_BYTES} GROUP BY path"""
    ).collect()
    problems = {
        str(path): "empty_file" if empty else "binary_file" if binary else None
        for path, empty, binary in checks
    }
    return found, problems


def plan(
    inputs: Inputs, read: dict[str, list[str]], checks: dict[str, str | None]
) -> list[Planned]:
    """Each file's metadata, as reportgen.snapshot.ingest.plan_file decides it; files with
    nothing to load get a problem instead (and an empty `format`, or EXCLUDED)."""
    by_key = {spark_key(path): path for path in checks}
    planned = []
    for fid, item in enumerate(inputs.files):
        rules = inputs.rules[item.root]
        entry = rules.match(item.name)
        path = by_key.get(item.key)
        problems: dict[str, int] = {}
        fmt = ""
        if entry is not None and entry.excludes(item.name):
            fmt = EXCLUDED
        elif item.size == 0:
            problems["empty_file"] = 1
        elif path is None:  # Spark could not read it (ignoreCorruptFiles)
            problems["bad_gzip" if item.name.lower().endswith(".gz") else "unreadable"] = 1
        elif (problem := checks[path]) is not None:
            problems[problem] = 1
        else:
            fmt = entry.format if entry is not None else "auto"
            fmt = detect(read.get(path, [])) if fmt == "auto" else fmt
        row = _meta_row(fid, item, inputs, path, fmt) if path and fmt not in ("", EXCLUDED) else {}
        planned.append(Planned(fid, item, fmt, row, problems))
    return planned


def _meta_row(fid: int, item: SparkFile, inputs: Inputs, path: str, fmt: str) -> dict[str, Any]:
    rules = inputs.rules[item.root]
    entry = rules.match(item.name)
    tz = (entry.timezone if entry is not None else None) or "UTC"
    limit = (item.mtime.astimezone(ZoneInfo(tz)) + YEAR_GRACE).replace(tzinfo=None)
    folder = str(PurePosixPath(item.name).parent)
    host = default_host(InputFile(item.root, item.name, Path(item.name), 0, 0, item.single))
    fields = dict(entry.fields) if entry is not None else {}
    return {
        "fid": fid,
        "path": path,
        "format": fmt,
        "tz": tz,
        "mtime": _micros(item.mtime),
        "y0": limit.year,
        "lim_md": limit.strftime("%m-%d %H:%M:%S"),
        "host": entry.host if entry is not None else None,
        "dhost": host,
        "category": (entry.category if entry is not None else None)
        or ("" if folder == "." else folder),
        "sourcename": item.name,
        "source": (entry.name if entry is not None else None) or PurePosixPath(item.name).name,
        "collector": entry.collector if entry is not None else None,
        "cut": rules.max_line_chars,
        "multiline": entry.multiline if entry is not None else "auto",
        "start": entry.start if entry is not None else None,
        **{f"f_{name}": value for name, value in fields.items()},
    }


def _micros(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


META_SCHEMA = (
    "fid INT, path STRING, format STRING, tz STRING, mtime BIGINT, y0 INT, lim_md STRING, "
    "host STRING, dhost STRING, category STRING, sourcename STRING, source STRING, "
    "collector STRING, cut INT, multiline STRING, start STRING"
)


def register_meta(spark: SparkSession, planned: list[Planned], fields: tuple[str, ...]) -> None:
    """The per-file metadata as the view META (a small table, joined by broadcast)."""
    schema = META_SCHEMA + "".join(f", f_{name} STRING" for name in fields)
    columns = [part.split()[0] for part in META_SCHEMA.split(", ")]
    columns += [f"f_{name}" for name in fields]
    rows = [tuple(p.row.get(c) for c in columns) for p in planned if p.row]
    spark.createDataFrame(rows, schema).createOrReplaceTempView(META)


def stage(spark: SparkSession, planned: list[Planned]) -> DataFrame:
    """The staged lines of every file (see formats.stage_sql), one statement per group."""
    groups = dict.fromkeys(
        (p.format, p.row["tz"], p.row["multiline"], p.row["start"]) for p in planned if p.row
    )
    frames = [spark.sql(stage_sql(LINES, META, *key)) for key in groups]
    if not frames:
        return spark.sql(
            "SELECT CAST(NULL AS INT) AS fid, CAST(NULL AS INT) AS n, CAST(NULL AS STRING) AS "
            "line, false AS long, false AS bad_utf8, CAST(NULL AS TIMESTAMP) AS ts, "
            "CAST(NULL AS STRING) AS host, 4 AS kind WHERE false"
        )
    staged = frames[0]
    for frame in frames[1:]:
        staged = staged.unionByName(frame)
    return staged


COUNTS_SQL = f"""
SELECT fid,
       count_if(kind < 4), count_if(kind < 2), count_if(kind = 1), count_if(kind = 2),
       count_if(kind = 3), count_if(long), count_if(bad_utf8),
       coalesce(min(CASE WHEN kind = 2 THEN n END) < min(CASE WHEN kind < 2 THEN n END),
                min(CASE WHEN kind = 2 THEN n END) IS NOT NULL)
FROM {STAGE} GROUP BY fid
"""


def records_sql(fields: tuple[str, ...]) -> str:
    """The `logs` rows: each record start with its continuation lines (the kind-2 lines up to
    the next start; blank lines dropped), lines before the first start as a record of their
    own, missing times filled from the record before (else the file's modification time)."""
    extra = "".join(f", m.f_{name} AS {SQL.ident(name)}" for name in fields)
    return f"""
WITH owned AS (
  SELECT fid, n, line, kind, ts, host,
         max(CASE WHEN kind < 2 THEN n END) OVER (
           PARTITION BY fid ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS owner
  FROM {STAGE} WHERE kind < 3),
tails AS (
  SELECT fid, coalesce(owner, 0) AS owner, min(n) AS first,
         array_join(transform(array_sort(collect_list(struct(n, line))), x -> x.line),
                    char(10)) AS tail
  FROM owned WHERE kind = 2 GROUP BY fid, coalesce(owner, 0)),
recs AS (
  SELECT s.fid, s.n, CASE WHEN t.tail IS NULL THEN s.line ELSE s.line || char(10) || t.tail END
         AS raw, s.ts, s.host
  FROM owned AS s LEFT JOIN tails AS t ON t.fid = s.fid AND t.owner = s.n
  WHERE s.kind < 2
  UNION ALL
  SELECT fid, first, tail, CAST(NULL AS TIMESTAMP), CAST(NULL AS STRING) FROM tails
  WHERE owner = 0),
timed AS (
  SELECT *, last(ts, true) OVER (
    PARTITION BY fid ORDER BY n ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS filled
  FROM recs)
SELECT coalesce(r.filled, timestamp_micros(m.mtime)) AS _messagetime,
       timestamp_micros(m.mtime) AS _receipttime, r.raw AS _raw,
       coalesce(m.host, r.host, m.dhost) AS _sourcehost, m.category AS _sourcecategory,
       m.sourcename AS _sourcename, m.source AS _source, m.collector AS _collector,
       CAST(octet_length(r.raw) AS BIGINT) AS _size, CAST(r.n AS BIGINT) AS _messagecount,
       m.format AS _format{extra}
FROM timed AS r JOIN {META} AS m ON m.fid = r.fid
"""


def ingest(
    spark: SparkSession, inputs: Inputs, table: str = "logs"
) -> tuple[SnapshotInfo, list[DataFrame]]:
    """Load the gathered files into the cached view `table`; the snapshot's description and the
    cached frames (to release when done)."""
    from pyspark import StorageLevel

    try:
        lines = read_lines(spark, inputs)
        lines.createOrReplaceTempView(LINES)
        read, checks = heads(spark)
    except SnapshotError:
        raise
    except Exception as error:
        where = ", ".join(str(root) for root in inputs.roots)
        raise SnapshotError(f"cannot read {where}: {first_line(error)}") from None
    planned = plan(inputs, read, checks)
    fields = tuple(sorted({name for rules in inputs.rules for name in rules.field_names()}))
    register_meta(spark, planned, fields)
    staged = stage(spark, planned).persist(StorageLevel.MEMORY_AND_DISK)
    staged.createOrReplaceTempView(STAGE)
    by_fid = {p.fid: p for p in planned}
    for fid, total, starts, bad, _, blank, long, utf8, lead in spark.sql(COUNTS_SQL).collect():
        item = by_fid[int(fid)]
        item.lines, item.records = int(total), int(starts) + int(bool(lead))
        found = {
            "bad_timestamp": int(bad) + int(bool(lead)),
            "blank_line": int(blank),
            "long_line": int(long),
            "invalid_utf8": int(utf8),
        }
        add_problems(item.problems, found)
    # materialised with its lineage cut, so releasing the lines and the stage below does not
    # drop it (Spark would recompute a cached plan built on them at its next use)
    logs = spark.sql(records_sql(fields)).localCheckpoint(eager=True)
    logs.createOrReplaceTempView(table)
    count, low, high = logs.selectExpr(
        "count(*)", "unix_micros(min(_messagetime))", "unix_micros(max(_messagetime))"
    ).collect()[0]
    staged.unpersist()
    lines.unpersist()
    return _summary(inputs, planned, int(count), low, high), [logs]


def _summary(
    inputs: Inputs, planned: list[Planned], count: int, low: int | None, high: int | None
) -> SnapshotInfo:
    files = [
        FileInfo(p.file.name, p.format, p.lines, p.records, p.file.size, dict(p.problems))
        for p in planned
    ]
    problems = dict(inputs.problems)
    for info in files:
        add_problems(problems, info.problems)
    digest = snapshot_digest((item.name, item.digest) for item in inputs.files)
    return SnapshotInfo(
        inputs.roots, files, count, _from_us(low), _from_us(high),
        dict(sorted(problems.items())), digest,
    )  # fmt: skip


def _from_us(micros: int | None) -> datetime | None:
    if micros is None:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))


__all__: Sequence[str] = ("ingest",)
