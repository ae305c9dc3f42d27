"""Spark, the engine beyond one machine (design D11): the snapshot ingested into a cached
`logs` view, queries run as Spark SQL, only the (capped) results collected to the driver."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen.engine.base import LOG_TABLE, Engine
from reportgen.engine.options import SparkOptions
from reportgen.engine.spark.files import gather
from reportgen.engine.spark.ingest import ingest
from reportgen.engine.spark.messages import first_line
from reportgen.engine.spark.session import start_session
from reportgen.errors import ExecutionError
from reportgen.query.plan.lookups import ROW, column_name
from reportgen.query.sql.spark import SparkDialect
from reportgen.snapshot.ingest import Keep
from reportgen.snapshot.model import SnapshotInfo

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

SPARK = SparkDialect()
_PATTERN_ERROR = re.compile(r"PatternSyntaxException: ([^\n]+)")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SparkEngine(Engine):
    """A SparkSession holding the temporary view `logs`. `closer` releases what opened it (the
    session, cached data, temporary files); without one, `close()` leaves the session running
    (tests share one)."""

    name = "spark"
    dialect = SPARK

    def __init__(
        self,
        spark: SparkSession,
        info: SnapshotInfo | None = None,
        *,
        closer: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(info or SnapshotInfo([], [], 0, None, None, {}, ""))
        self.spark = spark
        self._closer = closer

    @classmethod
    def open(
        cls,
        paths: Sequence[Path | str],
        sources: Path | None,
        options: SparkOptions,
        keep: Keep | None = None,
    ) -> SparkEngine:
        """Start or reach Spark as `options` say and ingest the snapshot `paths` there (`keep`
        prunes files as on DuckDB, see reportgen.engine.prune)."""
        from pyspark.sql import SparkSession

        shared = SparkSession.getActiveSession()
        spark, log4j = start_session(options)
        workdir = tempfile.TemporaryDirectory(prefix="reportgen-spark-")
        cached: list[Any] = []

        def close() -> None:
            for frame in cached:
                frame.unpersist()
            workdir.cleanup()
            if shared is None or options.remote:  # a session of our own (Connect: always)
                spark.stop()
            if log4j is not None:
                log4j.unlink(missing_ok=True)

        try:
            inputs = gather(spark, paths, sources, Path(workdir.name))
            info, frames = ingest(spark, inputs, keep=keep)
            cached.extend(frames)
        except BaseException:
            close()
            raise
        opened = cls(spark, info, closer=close)
        opened.uri_sources = tuple(inputs.uri_sources)
        return opened

    def fetch(self, sql: str, params: Mapping[str, datetime]) -> list[tuple[Any, ...]]:
        try:
            frame = self.spark.sql(SPARK.bind(sql, params))
            return collect(frame)
        except Exception as error:
            if not _is_spark_error(error):
                raise
            raise ExecutionError(f"query failed: {first_line(error)}") from error

    def load_table(self, name: str, width: int, rows: Sequence[Sequence[str]]) -> None:
        """A temporary view of a DataFrame made on the driver (the rows travel once)."""
        schema = ", ".join([f"{ROW} BIGINT", *(f"{column_name(i)} STRING" for i in range(width))])
        data = [(number, *row) for number, row in enumerate(rows, start=1)]
        try:
            self.spark.createDataFrame(data, schema).createOrReplaceTempView(name)
        except Exception as error:
            if not _is_spark_error(error):
                raise
            raise ExecutionError(f"cannot load lookup table: {first_line(error)}") from error

    def columns(self, table: str = LOG_TABLE) -> tuple[str, ...]:
        try:
            return tuple(self.spark.table(table).columns)
        except Exception as error:
            if not _is_spark_error(error):
                raise
            return ()

    def regex_error(self, pattern: str) -> str | None:
        """Java's own reason (`Unclosed group near index 7`), asked of the driver's JVM in
        local and cluster mode, of the server through a query with Spark Connect."""
        pattern = SPARK.regex_text(pattern)
        jvm = _jvm(self.spark)
        if jvm is not None:
            try:
                jvm.java.util.regex.Pattern.compile(pattern)
            except Exception as error:
                java = getattr(error, "java_exception", None)
                message = str(java.getMessage()) if java is not None else str(error)
                return message.splitlines()[0]
            return None
        try:
            self.spark.sql(f"SELECT rlike('', {SPARK.string(pattern)})").collect()
        except Exception as error:
            if not _is_spark_error(error):
                raise
            found = _PATTERN_ERROR.search(str(error))
            return found.group(1).strip() if found else first_line(error)
        return None

    def close(self) -> None:
        if self._closer is not None:
            self._closer()


def collect(frame: DataFrame) -> list[tuple[Any, ...]]:
    """The rows of `frame` as tuples: timestamps as aware UTC datetimes (read as epoch
    microseconds, whatever the session or Python zone), decimals as floats."""
    from pyspark.sql.types import TimestampNTZType, TimestampType

    names = [f"c{i}" for i in range(len(frame.columns))]
    renamed = frame.toDF(*names)
    times = {
        i
        for i, field in enumerate(renamed.schema.fields)
        if isinstance(field.dataType, TimestampType | TimestampNTZType)
    }
    if times:
        renamed = renamed.selectExpr(
            *(f"unix_micros({n}) AS {n}" if i in times else n for i, n in enumerate(names))
        )
    out = []
    for row in renamed.collect():
        values = tuple(row)
        out.append(tuple(_value(v, i in times) for i, v in enumerate(values)))
    return out


def _value(value: Any, time: bool) -> Any:
    if value is None:
        return None
    if time:
        return _EPOCH + timedelta(microseconds=int(value))
    if isinstance(value, Decimal):
        return float(value)
    return value


def _jvm(spark: SparkSession) -> Any:
    """The driver's JVM (py4j) of a classic session; None with Spark Connect."""
    try:
        return getattr(spark, "_jvm", None)
    except Exception:
        return None


def _is_spark_error(error: BaseException) -> bool:
    """Errors Spark raises for a query (not our own bugs, which must stay loud)."""
    module = type(error).__module__
    return module.startswith(("pyspark", "py4j", "grpc"))
