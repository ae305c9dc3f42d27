"""DuckDB, the embedded engine (design D1): the snapshot ingested into a local `logs` table."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from reportgen.engine.base import LOG_TABLE, Engine
from reportgen.errors import ExecutionError
from reportgen.query.regex import re2_pattern
from reportgen.snapshot.cache import Progress, open_snapshot
from reportgen.snapshot.ingest import Keep
from reportgen.snapshot.model import SnapshotInfo


class DuckDBEngine(Engine):
    """A DuckDB connection over the `logs` table. `closer` releases what opened it (the
    connection and its spill folder); without one, `close()` closes the connection."""

    name = "duckdb"
    dialect = "duckdb"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        info: SnapshotInfo | None = None,
        *,
        cached: bool = False,
        closer: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(info or SnapshotInfo([], [], 0, None, None, {}, ""), cached=cached)
        self.con = con
        self._closer = closer

    @classmethod
    def open(
        cls,
        paths: Sequence[Path],
        sources: Path | None,
        cache: Path | None,
        progress: Progress | None = None,
        keep: Keep | None = None,
    ) -> DuckDBEngine:
        """Ingest `paths` (or reuse the ingest cache under `cache`); `keep` prunes the files no
        query of the run can match (see reportgen.snapshot.prune)."""
        opened = open_snapshot(paths, sources, cache, progress, keep)
        return cls(opened.con, opened.info, cached=opened.cached, closer=opened.close)

    def fetch(self, sql: str, params: Mapping[str, datetime]) -> list[tuple[Any, ...]]:
        try:
            return self.con.execute(sql, dict(params)).fetchall()
        except duckdb.Error as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ExecutionError(f"query failed: {message}") from error

    def columns(self, table: str = LOG_TABLE) -> tuple[str, ...]:
        try:
            described = self.con.execute(f"SELECT * FROM {table} LIMIT 0").description
        except duckdb.Error:
            return ()
        return tuple(str(column[0]) for column in described)

    def regex_error(self, pattern: str) -> str | None:
        try:
            self.con.execute("SELECT regexp_full_match('', ?)", [re2_pattern(pattern)]).fetchall()
        except duckdb.Error as error:
            return str(error).splitlines()[0].removeprefix("Invalid Input Error: ")
        return None

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
        else:
            self.con.close()
