"""`compile_query`: a parsed query + a time window -> SQL of a dialect with its result columns."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportgen.errors import QueryError, suggestion
from reportgen.query.generator import SqlGenerator
from reportgen.query.parser import Query
from reportgen.query.plan.lookups import LookupTable
from reportgen.query.plan.schema import FieldType
from reportgen.query.plan.steps import Phase, Plan
from reportgen.query.planner import build_plan
from reportgen.query.rules import Rule
from reportgen.query.sql.dialect import DUCKDB, Dialect
from reportgen.timerange import Window


@dataclass(frozen=True)
class OutputColumn:
    """A result column as known at plan time: display name and type."""

    name: str
    type: FieldType


@dataclass(frozen=True)
class CompiledQuery:
    """SQL for the engine plus what the result will look like.

    Run `sql` with `params` (`$start`, `$end`: the window). While a `transpose` still needs its
    column values, `pivot_sql` is set: run it, then compile again with the values it returned
    (`pivot_values={pivot_stage: [...]}`); `sql` then only covers the stages before it.
    """

    sql: str
    params: dict[str, datetime]
    columns: tuple[OutputColumn, ...]
    kind: Phase
    plan: Plan
    query: Query
    pivot_sql: str | None = None
    pivot_stage: int | None = None

    @property
    def warnings(self) -> list[str]:
        return [*self.query.warnings, *self.plan.warnings]


def check_zone(tz: str) -> None:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise QueryError(f"unknown time zone '{tz}'", hint=suggestion(tz, ["UTC"])) from None


def compile_query(
    query: Query,
    window: Window,
    table: str = "logs",
    *,
    pivot_values: Mapping[int, Sequence[str]] | None = None,
    row_limit: int | None = None,
    extra: Sequence[str] = (),
    dialect: Dialect = DUCKDB,
    tables: Mapping[str, LookupTable] | None = None,
    rules: Sequence[Rule] = (),
) -> CompiledQuery:
    """Plan `query` and generate its SQL; raise `QueryError` (all problems, with carets).

    `row_limit` caps the final SELECT (the engine asks for one row more than it keeps, to know
    when a result was cut); `tables` are the lookup tables the engine holds, by key; `rules` the
    field extraction rules, whose fields every message has.
    """
    check_zone(window.tz)
    plan = build_plan(query, pivot_values, window.tz, extra, tables, rules, dialect=dialect)
    generator = SqlGenerator(plan, table, window.tz, window, dialect=dialect)
    plan = dataclasses.replace(plan, warnings=(*plan.warnings, *generator.warnings))
    params = {"start": window.start, "end": window.end}
    columns = tuple(OutputColumn(f.name, f.type) for f in plan.output)
    if plan.pending is not None:
        pivot_sql = generator.pending_sql(plan.pending)
        return CompiledQuery(
            generator.select(row_limit),
            params,
            columns,
            plan.kind,
            plan,
            query,
            pivot_sql=pivot_sql,
            pivot_stage=plan.pending.stage,
        )
    return CompiledQuery(generator.select(row_limit), params, columns, plan.kind, plan, query)
