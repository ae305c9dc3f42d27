"""The engine seam (design D9, D11): what every engine does, whatever runs the SQL.

An engine holds one ingested snapshot as the log table `logs` (columns of
`reportgen.snapshot.LOG_COLUMNS`, design D2) and runs SQL that `reportgen.query` generated for its
dialect. Everything above it (`build`, `query`, `publish`, `snapshot inspect`) talks to this
interface only; `reportgen.engine.run.run_query` turns a query into a `Result` through it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from reportgen.query.sql.dialect import Dialect
from reportgen.snapshot.model import SnapshotInfo

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

    @abstractmethod
    def fetch(self, sql: str, params: Mapping[str, datetime]) -> list[tuple[Any, ...]]:
        """Run `sql` with its named parameters; raise `ExecutionError` with one clear line."""

    @abstractmethod
    def columns(self, table: str = LOG_TABLE) -> tuple[str, ...]:
        """The column names of `table` (none when it cannot be read)."""

    @abstractmethod
    def regex_error(self, pattern: str) -> str | None:
        """Why the engine cannot compile the regular expression `pattern` (None: it can)."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine's resources (connections, spill folders, sessions)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
