"""Helpers for query tests: a `logs` table written by hand in an in-memory DuckDB.

The table has the columns of docs/architecture.md; every test states its rows explicitly, and
expected results are written by hand, never computed by the code under test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest

from reportgen.engine import Result, run_query
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.query import Query
from reportgen.snapshot import LOG_COLUMNS
from reportgen.timerange import Window

COLUMNS = LOG_COLUMNS  # the table of the ingester, so the two cannot drift apart
WIDE = Window(datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC), "UTC")


def at(text: str) -> datetime:
    """`2026-11-20 10:01` (or with seconds / an offset) -> aware datetime, UTC by default."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def ms(text: str) -> int:
    """Epoch milliseconds of `at(text)`."""
    return int(at(text).timestamp() * 1000)


def log_rows(rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The values of the `logs` table's columns for `rows` (`_messagetime` as text or datetime,
    other columns defaulted: host `host-a`, category `cat`, file `app.log`, line = position)."""
    out = []
    for index, row in enumerate(rows, start=1):
        time = row["_messagetime"]
        moment = at(time) if isinstance(time, str) else time
        raw = row.get("_raw", "")
        values = {
            "_messagetime": moment,
            "_receipttime": moment,
            "_raw": raw,
            "_sourcehost": "host-a",
            "_sourcecategory": "cat",
            "_sourcename": "app.log",
            "_source": "app",
            "_collector": None,
            "_size": len(str(raw).encode()),
            "_messagecount": index,
            "_format": "plain",
            **{k: v for k, v in row.items() if k != "_messagetime"},
        }
        out.append(tuple(values[name] for name, _ in COLUMNS))
    return out


def log_table(rows: Sequence[Mapping[str, Any]]) -> duckdb.DuckDBPyConnection:
    """A connection holding table `logs` with `rows` (see `log_rows`)."""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE logs ({', '.join(f'{n} {t}' for n, t in COLUMNS)})")
    for values in log_rows(rows):
        con.execute(f"INSERT INTO logs VALUES ({', '.join('?' for _ in COLUMNS)})", list(values))
    return con


def raws(*lines: str, start: str = "2026-11-20 10:00") -> list[dict[str, Any]]:
    """Rows from raw lines, one minute apart from `start` (so the last line is the newest)."""
    base = at(start).timestamp()
    return [
        {"_messagetime": datetime.fromtimestamp(base + 60 * i, UTC), "_raw": line}
        for i, line in enumerate(lines)
    ]


def run(
    con: duckdb.DuckDBPyConnection, query: str | Query, window: Window = WIDE, **kwargs: Any
) -> Result:
    return run_query(DuckDBEngine(con), query, window, **kwargs)


def matching(con: duckdb.DuckDBPyConnection, scope: str) -> list[str]:
    """The `_raw` of the messages a scope selects, oldest first."""
    result = run(con, scope)
    return sorted((r["_raw"] for r in result.records()), key=_order_of(con))


def _order_of(con: duckdb.DuckDBPyConnection) -> Any:
    order = {raw: i for i, (raw,) in enumerate(con.execute("SELECT _raw FROM logs").fetchall())}
    return lambda raw: order[raw]


@pytest.fixture
def wide() -> Window:
    return WIDE
