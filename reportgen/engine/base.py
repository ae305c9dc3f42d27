"""The engine seam (design D9, D11): what every engine does, whatever runs the SQL.

An engine holds one ingested snapshot as the log table `logs` (columns of
`reportgen.snapshot.LOG_COLUMNS`, design D2) and runs SQL that `reportgen.query` generated for its
dialect. Everything above it (`build`, `query`, `publish`, `snapshot inspect`) talks to this
interface only; `reportgen.engine.run.run_query` turns a query into a `Result` through it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from reportgen.engine.content import Content
from reportgen.query.plan.lookups import ROW, column_name
from reportgen.query.sql.dialect import Dialect
from reportgen.snapshot.model import SnapshotInfo
from reportgen.snapshot.sources import Sources

LOG_TABLE = "logs"


class Engine(ABC):
    """One ingested snapshot on one engine.

    `info` describes the snapshot (files, rows, time span, problems); `cached` says whether the
    ingest was reused from the cache. Subclasses run SQL of their `dialect`.
    """

    name: ClassVar[str]
    dialect: ClassVar[Dialect]

    def __init__(self, info: SnapshotInfo, *, cached: bool = False) -> None:
        self.info = info
        self.cached = cached
        # the snapshot's Sumo content: field extraction rules, lookup tables (open_engine)
        self.content = Content()
        # sources.yaml files only the engine could read (those of URI roots, on Spark)
        self.uri_sources: tuple[Sources, ...] = ()
        self._window_counts: dict[tuple[str, datetime, datetime], int] = {}

    @abstractmethod
    def fetch(self, sql: str, params: Mapping[str, datetime]) -> list[tuple[Any, ...]]:
        """Run `sql` with its named parameters; raise `ExecutionError` with one clear line."""

    @abstractmethod
    def columns(self, table: str = LOG_TABLE) -> tuple[str, ...]:
        """The column names of `table` (none when it cannot be read)."""

    @abstractmethod
    def regex_error(self, pattern: str) -> str | None:
        """Why the engine cannot compile the regular expression `pattern` (None: it can)."""

    def count_between(self, table: str, start: datetime, end: datetime) -> int:
        """How many rows of `table` have a `_messagetime` in [start, end): once per window (the
        panels of a dashboard share a few windows, and on Spark each count is a job)."""
        key = (table, start, end)
        if key not in self._window_counts:
            dialect = self.dialect
            sql = (
                f"SELECT count(*) FROM {dialect.table(table)} WHERE _messagetime >= "
                f"{dialect.param('start')} AND _messagetime < {dialect.param('end')}"
            )
            self._window_counts[key] = int(self.fetch(sql, {"start": start, "end": end})[0][0])
        return self._window_counts[key]

    def load_table(self, name: str, width: int, rows: Sequence[Sequence[str]]) -> None:
        """Hold `rows` (of `width` text cells) as the table `name`, for the rest of the session:
        columns `__rg_row` (1, 2, ... in file order) and `__rg_lc0` ... (see
        reportgen.query.plan.lookups). This default writes one temporary view of literal rows,
        which any SQL engine runs; engines override it with their bulk path (DuckDB: lists;
        Spark: `createDataFrame(...).createOrReplaceTempView(name)`)."""
        dialect = self.dialect
        names = [ROW, *(column_name(i) for i in range(width))]
        if rows:
            values = ",\n".join(
                "(" + ", ".join([str(n), *(dialect.string(cell) for cell in row)]) + ")"
                for n, row in enumerate(rows, start=1)
            )
            body = f"SELECT * FROM (VALUES {values}) AS t({', '.join(names)})"
        else:
            nulls = ["CAST(NULL AS BIGINT)", *("CAST(NULL AS VARCHAR)" for _ in range(width))]
            body = "SELECT " + ", ".join(f"{v} AS {n}" for v, n in zip(nulls, names, strict=True))
            body += " WHERE FALSE"
        self.fetch(f"CREATE OR REPLACE TEMPORARY VIEW {dialect.table(name)} AS {body}", {})

    def share(self, name: str, predicate: str, start: datetime, end: datetime, limit: int) -> bool:
        """Hold the rows of the log table that `predicate` (over alias `t`) selects in
        [start, end) as the temporary table `name`, for the rest of the session, when there are
        at most `limit` of them; whether it did (see reportgen.engine.shared). Engines that
        cannot keep a table of their own refuse (this default)."""
        return False

    def release(self, name: str) -> None:
        """Drop the table `name` that `share` held (its last reader has run). This default
        writes standard SQL; an engine that never shares is never asked."""
        self.fetch(f"DROP TABLE IF EXISTS {self.dialect.table(name)}", {})

    @abstractmethod
    def close(self) -> None:
        """Release the engine's resources (connections, spill folders, sessions)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
