"""A snapshot -> the `logs` view on Spark, with the same rows, metadata and problem counts as the
DuckDB ingest (reportgen.snapshot), computed by Spark where the files are.

The recipe: gather the files (files.py) and plan each one exactly as the DuckDB ingest does
(`reportgen.snapshot.ingest.plan_file`: metadata, exclusion, empty files, pruning); read the
bytes of every file to load (`.gz` decompressed by Spark) and turn them into text as
`reportgen.snapshot.reader` does (text.py: byte order marks, UTF-16, CR-only line endings,
binary regions, bytes that are not UTF-8); bring each file's first non-blank lines to the
driver to detect its format with reportgen.snapshot.formats.detect; stage the lines per format
in Spark SQL (formats.py); join continuation lines to their records and fill missing times;
keep the result as the view `logs`. Only per-file counts and the first lines travel to the
driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from reportgen.engine.spark.files import Inputs, SparkFile, read_bytes, spark_key
from reportgen.engine.spark.formats import stage_sql
from reportgen.engine.spark.messages import first_line
from reportgen.engine.spark.text import lines_sql, samples_sql, texts_sql
from reportgen.errors import SnapshotError
from reportgen.query.sql.spark import SparkDialect
from reportgen.snapshot.formats import detect
from reportgen.snapshot.ingest import PRUNED, Keep, field_names, file_info, plan_file
from reportgen.snapshot.model import FileInfo, SnapshotInfo, add_problems, snapshot_digest
from reportgen.snapshot.plan import FilePlan

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

SQL = SparkDialect()
BYTES, TEXTS, LINES = "__rg_bytes", "__rg_texts", "__rg_lines"
META, STAGE = "__rg_meta", "__rg_stage"


@dataclass
class Loading:
    """One file to load: its plan (filled in as it loads) and where Spark reads it."""

    plan: FilePlan
    file: SparkFile
    path: str | None = None  # Spark's path of the file; None: Spark could not read it
    flags: dict[str, int] = field(default_factory=dict)


def plan_inputs(inputs: Inputs, keep: Keep | None) -> tuple[dict[int, FileInfo], list[Loading]]:
    """The FileInfo of each file there is nothing to load from (excluded, empty, pruned) and
    the files to load, by file id, as the DuckDB ingest plans them."""
    infos: dict[int, FileInfo] = {}
    loading: list[Loading] = []
    for fid, spark_file in enumerate(inputs.files):
        item = spark_file.item
        plan = plan_file(fid, item, inputs.rules[item.root], spark_file.gz)
        if isinstance(plan, FileInfo):
            infos[fid] = plan
        elif keep is not None and not keep(plan):
            infos[fid] = FileInfo(plan.name, PRUNED, 0, 0, plan.size, {})
        else:
            plan.file = fid
            loading.append(Loading(plan, spark_file))
    return infos, loading


def detect_formats(spark: SparkSession, loading: list[Loading]) -> None:
    """Match the texts Spark read to the files, take each file's flags (`utf16`,
    `cr_line_endings`) and detect the format of those that ask for it from their first
    non-blank lines (the only log lines the driver receives)."""
    by_key = {load.file.key: load for load in loading}
    for path, utf16, cr, head in spark.sql(samples_sql(TEXTS)).collect():
        load = by_key.get(spark_key(str(path)))
        if load is None:
            continue
        load.path = str(path)
        load.flags = {"utf16": int(utf16), "cr_line_endings": int(cr)}
        if load.plan.format == "auto":
            load.plan.format = detect(list(head))
    for load in loading:
        if load.path is None:  # Spark could not read it (ignoreCorruptFiles)
            load.plan.problems["bad_gzip" if load.plan.gz else "unreadable"] = 1
            load.plan.format = ""


META_SCHEMA = (
    "fid INT, path STRING, format STRING, tz STRING, mtime BIGINT, y0 INT, lim_md STRING, "
    "host STRING, dhost STRING, category STRING, sourcename STRING, source STRING, "
    "collector STRING, cut INT, multiline STRING, start STRING"
)


def register_meta(spark: SparkSession, loading: list[Loading], fields: tuple[str, ...]) -> None:
    """The per-file metadata as the view META (a small table, joined by broadcast)."""
    schema = META_SCHEMA + "".join(f", f_{index} STRING" for index in range(len(fields)))
    rows = []
    for load in loading:
        plan = load.plan
        if load.path is None:
            continue
        rows.append(
            (
                plan.fid, load.path, plan.format, plan.tz, _micros(plan.mtime), plan.limit.year,
                plan.limit.strftime("%m-%d %H:%M:%S"), plan.host, plan.default_host,
                plan.category, plan.name, plan.source, plan.collector, plan.cut,
                plan.multiline, plan.start, *(plan.fields.get(name) for name in fields),
            )
        )  # fmt: skip
    spark.createDataFrame(rows, schema).createOrReplaceTempView(META)


def _micros(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def stage(spark: SparkSession, loading: list[Loading]) -> DataFrame:
    """The staged lines of every file (see formats.stage_sql), one statement per group."""
    groups = dict.fromkeys(
        (load.plan.format, load.plan.tz, load.plan.multiline, load.plan.start)
        for load in loading
        if load.path is not None
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
SELECT fid, count_if(kind < 4), count_if(kind < 2), count_if(kind = 1), count_if(kind = 3),
       count_if(long), count_if(bad_utf8), count_if(region),
       coalesce(min(CASE WHEN kind = 2 THEN n END) < min(CASE WHEN kind < 2 THEN n END),
                min(CASE WHEN kind = 2 THEN n END) IS NOT NULL)
FROM {STAGE} GROUP BY fid
"""
"""Per file: lines, record starts, starts without a time, blank lines, long lines, lines that
were not UTF-8, binary regions, and whether it starts with continuation lines (an orphan
record). Kind 4 rows are the binary regions' markers, not lines."""


def records_sql(fields: tuple[str, ...]) -> str:
    """The `logs` rows: each record start with its continuation lines (the kind-2 lines up to
    the next start; blank lines dropped), lines before the first start as a record of their
    own; a record without a time takes the one of the last record before it that has one, else
    of the next one that has one, else the file's modification time."""
    extra = "".join(f", m.f_{index} AS {SQL.ident(name)}" for index, name in enumerate(fields))
    every = "PARTITION BY fid ORDER BY n ROWS BETWEEN"
    # "the next one that has one" is asked only before the file's first timed record, where it
    # is that record's: the whole-file frame is computed once, where Spark recomputes a
    # CURRENT ROW AND UNBOUNDED FOLLOWING frame for each row (quadratic in a file's records)
    return f"""
WITH owned AS (
  SELECT fid, n, line, kind, ts, host,
         max(CASE WHEN kind < 2 THEN n END) OVER ({every} UNBOUNDED PRECEDING AND CURRENT ROW)
           AS owner
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
  SELECT *, coalesce(
      ts,
      last(ts, true) OVER ({every} UNBOUNDED PRECEDING AND CURRENT ROW),
      first(ts, true) OVER ({every} UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) AS filled
  FROM recs)
SELECT /*+ BROADCAST(m) */ coalesce(r.filled, timestamp_micros(m.mtime)) AS _messagetime,
       timestamp_micros(m.mtime) AS _receipttime, r.raw AS _raw,
       coalesce(m.host, r.host, m.dhost) AS _sourcehost, m.category AS _sourcecategory,
       m.sourcename AS _sourcename, m.source AS _source, m.collector AS _collector,
       CAST(octet_length(r.raw) AS BIGINT) AS _size, CAST(r.n AS BIGINT) AS _messagecount,
       m.format AS _format{extra}
FROM timed AS r JOIN {META} AS m ON m.fid = r.fid
"""


def count(spark: SparkSession, loading: list[Loading]) -> None:
    """Each file's lines, records and problems, as the DuckDB ingest counts them."""
    by_fid = {load.plan.fid: load for load in loading}
    for fid, lines, starts, bad, blank, long, utf8, regions, lead in spark.sql(
        COUNTS_SQL
    ).collect():
        plan = by_fid[int(fid)].plan
        plan.lines, plan.records = int(lines), int(starts) + int(bool(lead))
        found = {
            "bad_timestamp": int(bad) + int(bool(lead)),
            "blank_line": int(blank),
            "long_line": int(long),
            "invalid_utf8": int(utf8),
            "binary_region": int(regions),
        }
        add_problems(plan.problems, found)
    for load in loading:
        plan = load.plan
        if load.path is None:
            continue
        add_problems(plan.problems, load.flags)
        if plan.lines == 0:  # nothing but binary regions, or a byte order mark alone
            plan.format = ""
            if plan.problems.pop("binary_region", 0):
                plan.problems["binary_file"] = 1
            else:
                plan.problems["empty_file"] = 1


def ingest(
    spark: SparkSession, inputs: Inputs, table: str = "logs", keep: Keep | None = None
) -> tuple[SnapshotInfo, list[DataFrame]]:
    """Load the gathered files into the view `table` (`keep` prunes files as on DuckDB); the
    snapshot's description and the cached frames (to release when done)."""
    infos, loading = plan_inputs(inputs, keep)
    # decode malformed UTF-16 with U+FFFD, as Python's "replace" does, rather than fail
    spark.conf.set("spark.sql.legacy.codingErrorAction", "true")
    try:
        raw = read_bytes(spark, [(load.file.read, load.plan.gz) for load in loading])
        raw.createOrReplaceTempView(BYTES)
        # materialised with its lineage cut, not cached: Spark does not use a cached view
        # inside a WITH clause (lines_sql), it would read and decode every file again
        texts = spark.sql(texts_sql(BYTES)).localCheckpoint(eager=True)
        texts.createOrReplaceTempView(TEXTS)
        detect_formats(spark, loading)
    except SnapshotError:
        raise
    except Exception as error:
        where = ", ".join(str(root) for root in inputs.roots)
        raise SnapshotError(f"cannot read {where}: {first_line(error)}") from None
    fields = field_names(inputs.rules)
    register_meta(spark, loading, fields)
    # the lines with their lineage cut: each format's stage then plans over a small leaf
    lines = spark.sql(lines_sql(TEXTS, META)).localCheckpoint(eager=True)
    lines.createOrReplaceTempView(LINES)
    staged = stage(spark, loading).localCheckpoint(eager=True)  # records_sql reads it in a WITH
    staged.createOrReplaceTempView(STAGE)
    count(spark, loading)
    logs = spark.sql(records_sql(fields)).localCheckpoint(eager=True)
    logs.createOrReplaceTempView(table)
    rows, low, high = logs.selectExpr(
        "count(*)", "unix_micros(min(_messagetime))", "unix_micros(max(_messagetime))"
    ).collect()[0]
    # the steps' views held their materialised rows for the session's life: `logs` is cut from
    # them, so Spark's cleaner may free them once nothing names them
    for view in (BYTES, TEXTS, LINES, STAGE):
        spark.catalog.dropTempView(view)
    return _summary(inputs, infos, loading, int(rows), low, high), [logs]


def _summary(
    inputs: Inputs,
    infos: dict[int, FileInfo],
    loading: list[Loading],
    rows: int,
    low: int | None,
    high: int | None,
) -> SnapshotInfo:
    infos = dict(infos)
    infos.update({load.plan.fid: file_info(load.plan) for load in loading})
    files = inputs.discovery().with_skipped([infos[fid] for fid in sorted(infos)])
    problems: dict[str, int] = {}
    for info in files:
        add_problems(problems, info.problems)
    digest = snapshot_digest((f.item.name, f.digest) for f in inputs.files)
    return SnapshotInfo(
        inputs.roots, files, rows, _from_us(low), _from_us(high),
        dict(sorted(problems.items())), digest,
    )  # fmt: skip


def _from_us(micros: int | None) -> datetime | None:
    if micros is None:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))


__all__: Sequence[str] = ("ingest",)
