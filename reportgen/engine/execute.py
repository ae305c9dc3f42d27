"""Run a query on DuckDB over the `logs` table and return a `Result`.

Message results are capped (newest first, `MAX_MESSAGES`) and aggregate results too
(`MAX_RECORDS`), with a warning, so one panel can never explode a report. A `transpose` costs one
extra query: its dynamic columns come from the data.
"""

from __future__ import annotations

from typing import Any

import duckdb

from reportgen.engine.result import Column, Result
from reportgen.errors import ExecutionError
from reportgen.query import Query, compile_query, parse_query
from reportgen.query.compare import coverage_warnings
from reportgen.query.expr_sql import re2_pattern
from reportgen.query.nodes import RegexLiteral, TimeCompare, walk
from reportgen.query.problems import semantic
from reportgen.query.to_sql import table_sql
from reportgen.timerange import Window

MAX_MESSAGES = 10_000
MAX_RECORDS = 100_000


def _fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], query: Query
) -> list[tuple[Any, ...]]:
    try:
        return con.execute(sql, params).fetchall()
    except duckdb.Error as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ExecutionError(f"query failed: {message}", text=query.text) from error


def check_regexes(con: duckdb.DuckDBPyConnection, query: Query) -> None:
    """Compile every `/regex/` literal once, so a bad one gets a caret instead of a DuckDB
    error in the middle of the run."""
    for node in walk(query.stages):
        if not isinstance(node, RegexLiteral):
            continue
        try:
            con.execute("SELECT regexp_full_match('', ?)", [re2_pattern(node.pattern)]).fetchall()
        except duckdb.Error as error:
            reason = str(error).splitlines()[0].removeprefix("Invalid Input Error: ")
            raise semantic(
                query.text, node.span, f"invalid regular expression ({reason})"
            ) from None


def run_query(
    con: duckdb.DuckDBPyConnection,
    text: str | Query,
    window: Window,
    table: str = "logs",
    *,
    max_messages: int = MAX_MESSAGES,
    max_records: int = MAX_RECORDS,
) -> Result:
    """Parse (if needed), compile and run a query over `table` in `window`.

    Raises `QuerySyntaxError`/`QueryError` for a bad query and `ExecutionError` when DuckDB
    fails (an invalid regex literal, a missing table...).
    """
    query = parse_query(text) if isinstance(text, str) else text
    check_regexes(con, query)
    pivots: dict[int, list[str]] = {}
    compiled = compile_query(query, window, table)
    cap = max_messages if compiled.kind == "messages" else max_records
    while True:
        compiled = compile_query(query, window, table, pivot_values=pivots, row_limit=cap + 1)
        if compiled.pivot_sql is None or compiled.pivot_stage is None:
            break
        values = _fetch(con, compiled.pivot_sql, compiled.params, query)
        pivots[compiled.pivot_stage] = [str(row[0]) for row in values]
    rows = _fetch(con, compiled.sql, compiled.params, query)
    warnings = compiled.warnings
    if any(isinstance(step.node, TimeCompare) for step in compiled.plan.steps):
        first = _fetch(con, f"SELECT min(_messagetime) FROM {table_sql(table)}", {}, query)
        warnings += coverage_warnings(compiled.plan, window, first[0][0])
    if len(rows) > cap:
        rows = rows[:cap]
        what = "newest messages" if compiled.kind == "messages" else "rows"
        warnings.append(f"result cut to the first {cap} {what}")
    scanned = _fetch(
        con,
        f"SELECT count(*) FROM {table_sql(table)} WHERE _messagetime >= $start "
        "AND _messagetime < $end",
        compiled.params,
        query,
    )
    return Result(
        columns=[Column(c.name, c.type) for c in compiled.columns],
        rows=rows,
        kind=compiled.kind,
        sql=compiled.sql,
        warnings=warnings,
        rows_scanned=int(scanned[0][0]),
    )
