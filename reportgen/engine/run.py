"""Run a query on an engine over the `logs` table and return a `Result`.

Message results are capped (newest first, `MAX_MESSAGES`) and aggregate results too
(`MAX_RECORDS`), with a warning, so one panel can never explode a report. A `transpose` costs one
extra query: its dynamic columns come from the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reportgen.engine.base import LOG_TABLE, Engine
from reportgen.engine.result import Column, Result
from reportgen.errors import ExecutionError
from reportgen.query import Query, compile_query, parse_query
from reportgen.query.operators.compare import TimeCompare, coverage_warnings
from reportgen.query.operators.lookup import Lookup
from reportgen.query.plan.lookups import LookupTable
from reportgen.query.problems import semantic
from reportgen.query.syntax.nodes import RegexLiteral, TableRef, walk
from reportgen.timerange import Window

MAX_MESSAGES = 10_000
MAX_RECORDS = 100_000


def _fetch(
    engine: Engine, sql: str, params: Mapping[str, datetime], query: Query
) -> list[tuple[Any, ...]]:
    try:
        return engine.fetch(sql, params)
    except ExecutionError as error:
        raise ExecutionError(error.message, text=query.text) from error.__cause__


def check_regexes(engine: Engine, query: Query) -> None:
    """Compile every `/regex/` literal once, so a bad one gets a caret instead of an engine
    error in the middle of the run."""
    for node in walk(query.stages):
        if isinstance(node, RegexLiteral) and (reason := engine.regex_error(node.pattern)):
            raise semantic(query.text, node.span, f"invalid regular expression ({reason})")


def lookup_tables(engine: Engine, query: Query) -> dict[str, LookupTable]:
    """The lookup tables the query names that sources.yaml maps, loaded into the engine (the
    planner reports those it does not map, with a caret)."""
    tables: dict[str, LookupTable] = {}
    for node in walk(query.stages):
        ref = node.table if isinstance(node, Lookup) else node
        if isinstance(ref, TableRef) and ref.key not in tables:
            found = engine.content.lookups.table(engine, ref.key)
            if found is not None:
                tables[ref.key] = found
    return tables


def compile_inputs(engine: Engine, query: Query, table: str = LOG_TABLE) -> dict[str, Any]:
    """What `compile_query` (and `explain`) need of the engine for `query`: the sources.yaml
    fields of the log table and the lookup tables the query names."""
    return {
        "extra": extra_fields(engine, table),
        "tables": lookup_tables(engine, query),
        "rules": engine.content.rules,
    }


def extra_fields(engine: Engine, table: str) -> tuple[str, ...]:
    """The columns of `table` that are fields from sources.yaml `fields` (not metadata, whose
    names start with '_')."""
    return tuple(name for name in engine.columns(table) if not name.startswith("_"))


def run_query(
    engine: Engine,
    text: str | Query,
    window: Window,
    table: str = LOG_TABLE,
    *,
    max_messages: int = MAX_MESSAGES,
    max_records: int = MAX_RECORDS,
    variables: Mapping[str, str] | None = None,
    source: str | None = None,
) -> Result:
    """Parse (if needed), compile and run a query over `table` in `window`.

    `variables` fill the query's `{{name}}` placeholders. `source` is a table that holds every
    row of `table` the query's search selects in `window` (and maybe more, see
    `reportgen.engine.shared`): the search reads it instead. Raises `QuerySyntaxError`/`QueryError`
    for a bad query and `ExecutionError` when the engine fails (an invalid regex literal, a
    missing table...).
    """
    query = parse_query(text, variables=variables) if isinstance(text, str) else text
    dialect = engine.dialect
    check_regexes(engine, query)
    pivots: dict[int, list[str]] = {}
    inputs = compile_inputs(engine, query, table)
    read = table if source is None else source
    while True:
        compiled = compile_query(
            query, window, read, pivot_values=pivots, dialect=dialect, **inputs
        )
        if compiled.pivot_sql is None or compiled.pivot_stage is None:
            break
        values = _fetch(engine, compiled.pivot_sql, compiled.params, query)
        pivots[compiled.pivot_stage] = [str(row[0]) for row in values]
    cap = max_messages if compiled.kind == "messages" else max_records
    # one row more than kept, to know when the result was cut
    compiled = compile_query(
        query, window, read, pivot_values=pivots, row_limit=cap + 1, dialect=dialect, **inputs
    )
    rows = _fetch(engine, compiled.sql, compiled.params, query)
    warnings = compiled.warnings
    if any(isinstance(step.node, TimeCompare) for step in compiled.plan.steps):
        first = _fetch(engine, f"SELECT min(_messagetime) FROM {dialect.table(table)}", {}, query)
        warnings += coverage_warnings(compiled.plan, window, first[0][0])
    if len(rows) > cap:
        rows = rows[:cap]
        what = "newest messages" if compiled.kind == "messages" else "rows"
        warnings.append(f"result cut to the first {cap} {what}")
    return Result(
        columns=[Column(c.name, c.type) for c in compiled.columns],
        rows=rows,
        kind=compiled.kind,
        sql=compiled.sql,
        warnings=warnings,
        rows_scanned=engine.count_between(table, window.start, window.end),
    )
