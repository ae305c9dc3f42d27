"""Plan -> DuckDB SQL: one CTE per stage that changes rows, found through `<node>_sql` dispatch.

Row order is not a CTE property in SQL, so the plan carries it (`Step.ordering`) and it is applied
where it matters: `limit`, `top`, `transpose` cells, and the final SELECT.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard

from reportgen.errors import QueryError
from reportgen.query import aggregates, post_sql
from reportgen.query.anchor import PARSE_INPUT, anchor_positions, split_anchor
from reportgen.query.nodes import (
    SCOPE_TYPES,
    Aggregate,
    Fields,
    Keyword,
    Limit,
    MetaMatch,
    Parse,
    ScopeAll,
    ScopeAnd,
    ScopeNode,
    ScopeNot,
    ScopeOr,
    Sort,
    Timeslice,
    Top,
    Transpose,
    Where,
)
from reportgen.query.plan import NEWEST_FIRST, Plan, Step
from reportgen.query.schema import (
    LINE,
    METADATA,
    RESCUED,
    SOURCE_NAME,
    TS,
    Field,
    OrderTerm,
    quote_ident,
    sql_str,
)
from reportgen.query.scope import scope_sql
from reportgen.timerange import Window

DAY_MS = 86_400_000
TIME_BUCKET_ORIGIN_MS = 946_857_600_000  # 2000-01-03T00:00:00Z, a Monday
UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": DAY_MS, "w": 7 * DAY_MS}
SQL_TYPES = {"string": "VARCHAR", "number": "DOUBLE", "time": "BIGINT", "bool": "BOOLEAN"}
UTC_NAMES = {"utc", "etc/utc", "gmt", "etc/gmt", "z", "zulu", "universal", "etc/universal"}


def is_scope(node: object) -> TypeGuard[ScopeNode]:
    return isinstance(node, SCOPE_TYPES)


def table_sql(table: str) -> str:
    return ".".join(quote_ident(part) for part in table.split("."))


def order_sql(ordering: tuple[OrderTerm, ...]) -> str:
    return ", ".join(term.sql() for term in ordering)


def timeslice_sql(stage: Timeslice, tz: str, width_ms: int | None = None) -> str:
    """Bucket start in epoch ms, aligned in the report zone (spec §6.2).

    Days and weeks (and hours that make whole days: `24h` = `1d`) follow local midnight through
    DuckDB's `time_bucket` (weeks start on Monday). Shorter widths use the spec's formula
    `t - ((local(t) mod W) + W) mod W`, i.e. the zone offset at `t`.
    """
    width = width_ms or stage.count * UNIT_MS[stage.unit]
    zone = sql_str(tz)
    utc = f"epoch_ms({TS})"
    in_utc = tz.lower() in UTC_NAMES
    if width % DAY_MS == 0 and not in_utc:
        return f"epoch_ms(time_bucket(INTERVAL '{width // DAY_MS} days', {TS}, {zone}))"
    # Integer arithmetic (much faster than time_bucket); day widths count from time_bucket's
    # origin, Monday 2000-01-03, so `1w` starts on Monday in every zone.
    origin = TIME_BUCKET_ORIGIN_MS if width % DAY_MS == 0 else 0
    local = utc if in_utc else f"epoch_ms(timezone({zone}, {TS}))"
    shifted = f"({local} - {origin})" if origin else local
    return f"({utc} - (({shifted} % {width}) + {width}) % {width})"


class SqlGenerator:
    """Builds the SQL of a plan; `tz` aligns timeslices, `$start`/`$end` bound the window."""

    def __init__(
        self, plan: Plan, table: str, tz: str, window: Window | None = None, prefix: str = "s"
    ) -> None:
        self.plan = plan
        self.table = table
        self.tz = tz
        self.window = window  # `timeslice N buckets` and `fillmissing timeslice` need it
        self.warnings: list[str] = []
        self.ctes: list[tuple[str, str]] = []
        scope: Callable[[Step, Step | None], str | None] = self.search_sql
        self.dispatch: dict[type[Any], Callable[[Step, Step | None], str | None]] = {
            ScopeAll: scope,
            Keyword: scope,
            MetaMatch: scope,
            ScopeAnd: scope,
            ScopeOr: scope,
            ScopeNot: scope,
            Parse: self.parse_sql,
            Timeslice: self.timeslice_sql,
            Aggregate: self.aggregate_sql,
            Top: self.top_sql,
            Sort: self.passthrough_sql,
            Fields: self.passthrough_sql,
            Limit: self.limit_sql,
            Where: self.where_sql,
            Transpose: self.transpose_sql,
        }
        self.dispatch.update(post_sql.handlers(self))  # issue 3b
        self.source = ""
        prev: Step | None = None
        for step in plan.steps:
            handler = self.dispatch.get(type(step.node))
            if handler is None:
                raise QueryError(f"unsupported stage {type(step.node).__name__}")
            body = handler(step, prev)
            if body is not None:
                self.source = f"{prefix}{len(self.ctes)}"
                self.ctes.append((self.source, body))
            prev = step

    def _with(self) -> str:
        return "WITH\n" + ",\n".join(f"{name} AS (\n  {body}\n)" for name, body in self.ctes)

    def select(self, row_limit: int | None = None) -> str:
        """The final query: visible fields under their display names, in result order."""
        last = self.plan.steps[-1]
        columns = ", ".join(f"{f.col} AS {quote_ident(f.name)}" for f in self.plan.output)
        sql = f"{self._with()}\nSELECT {columns or 'NULL AS empty'}\nFROM {self.source}"
        if last.ordering:
            sql += f"\nORDER BY {order_sql(last.ordering)}"
        if row_limit is not None:
            sql += f"\nLIMIT {int(row_limit)}"
        return sql

    def distinct(self, columns: tuple[Field, ...], cap: int) -> str:
        """The distinct column-key texts a pending transpose needs."""
        return (
            f"{self._with()}\nSELECT DISTINCT {column_key(columns)} AS v\nFROM {self.source}"
            f"\nORDER BY v\nLIMIT {int(cap)}"
        )

    def search_sql(self, step: Step, prev: Step | None) -> str:
        meta = {m.key: m.expr for m in METADATA}
        columns = [f"{meta[f.key]} AS {f.col}" for f in step.schema.fields]
        columns += [
            f"t._messagetime AS {TS}",
            f"t._sourcename AS {SOURCE_NAME}",
            f"t._messagecount AS {LINE}",
        ]
        assert is_scope(step.node)
        predicate = scope_sql(step.node)
        where = "t._messagetime >= $start AND t._messagetime < $end"
        if predicate != "TRUE":
            where += f"\n    AND {predicate}"
        return f"SELECT {', '.join(columns)}\n  FROM {table_sql(self.table)} AS t\n  WHERE {where}"

    def parse_sql(self, step: Step, prev: Step | None) -> str:
        """Anchor parse (see anchor.py); rows that do not match are dropped unless `nodrop` or
        rescued by an earlier nodrop parse (§4.2)."""
        assert prev is not None and isinstance(step.node, Parse)
        node = step.node
        key = node.source.key if node.source else "_raw"
        source = prev.schema.get(key)
        text = "CAST(NULL AS VARCHAR)" if source is None else source.col
        if source is not None and source.type != "string":
            text = f"CAST({text} AS VARCHAR)"
        found, captures, matched = anchor_positions(split_anchor(node.pattern).segments)
        inner = f"SELECT *, {text} AS {PARSE_INPUT} FROM {self.source}"
        for position in found:
            inner = f"SELECT *, {position} FROM ({inner})"
        targets = {name.key: i for i, name in enumerate(node.names)}
        rescued_before = RESCUED in prev.schema.internal
        columns: list[str] = []
        for field in step.schema.fields:
            if field.key in targets:
                old = prev.schema.get(field.key)
                otherwise = "NULL" if old is None else old.col
                if old is not None and old.type != "string":
                    otherwise = f"CAST({otherwise} AS VARCHAR)"
                capture = captures[targets[field.key]]
                columns.append(
                    f"CASE WHEN {matched} THEN {capture} ELSE {otherwise} END AS {field.col}"
                )
            else:
                columns.append(field.col)
        for column in step.schema.internal:
            if column == RESCUED and node.nodrop:
                flag = f"({RESCUED} OR {matched})" if rescued_before else matched
                columns.append(f"{flag} AS {RESCUED}")
            else:
                columns.append(column)
        sql = f"SELECT {', '.join(columns)}\n  FROM ({inner})"
        if not node.nodrop:
            sql += f"\n  WHERE {matched} OR {RESCUED}" if rescued_before else f"\n  WHERE {matched}"
        return sql

    def timeslice_sql(self, step: Step, prev: Step | None) -> str:
        assert isinstance(step.node, Timeslice)
        node = step.node
        key = node.alias.key if node.alias else "_timeslice"
        if node.unit == "range":
            bucket = "epoch_ms(CAST($start AS TIMESTAMPTZ))"
        else:
            bucket = timeslice_sql(node, self.tz, post_sql.width_ms(node, self.window))
        columns = [f"{bucket} AS {f.col}" if f.key == key else f.col for f in step.schema.fields]
        columns += list(step.schema.internal)
        return f"SELECT {', '.join(columns)}\n  FROM {self.source}"

    def aggregate_sql(self, step: Step, prev: Step | None) -> str:
        assert isinstance(step.node, Aggregate | Top)
        assert prev is not None
        keys = [k.col for k in step.keys]
        columns = list(keys)
        outputs = iter(step.schema.fields[len(keys) :])
        calls = step.node.calls if isinstance(step.node, Aggregate) else ()
        for call in calls:
            arg = prev.schema.get(call.arg.key) if call.arg is not None else None
            for out in aggregates.outputs(call, arg):
                sql = aggregates.call_sql(call, out, arg, prev.ordering, NEWEST_FIRST)
                columns.append(f"{sql} AS {next(outputs).col}")
        columns += [f"count(*) AS {rest.col}" for rest in outputs]  # top's _count
        sql = f"SELECT {', '.join(columns)}\n  FROM {self.source}"
        if keys:
            sql += f"\n  GROUP BY {', '.join(keys)}"
        if any(c.func.key == "count_frequent" for c in calls):
            order = order_sql(step.ordering)
            limit = aggregates.MAX_FREQUENT
            sql = f"SELECT * FROM (\n  {sql}\n  )\n  ORDER BY {order}\n  LIMIT {limit}"
        return sql

    def top_sql(self, step: Step, prev: Step | None) -> str:
        assert isinstance(step.node, Top)
        inner = self.aggregate_sql(step, prev)
        order = order_sql(step.ordering)
        return f"SELECT * FROM (\n  {inner}\n  )\n  ORDER BY {order}\n  LIMIT {step.node.count}"

    def passthrough_sql(self, step: Step, prev: Step | None) -> None:
        return None  # sort and fields only change the plan (order, visible fields)

    def limit_sql(self, step: Step, prev: Step | None) -> str:
        assert isinstance(step.node, Limit)
        order = f" ORDER BY {order_sql(step.ordering)}" if step.ordering else ""
        return f"SELECT * FROM {self.source}{order} LIMIT {step.node.count}"

    def where_sql(self, step: Step, prev: Step | None) -> str:
        return f"SELECT * FROM {self.source}\n  WHERE {step.condition}"

    def transpose_sql(self, step: Step, prev: Step | None) -> str:
        assert step.pivot is not None and prev is not None
        pivot = step.pivot
        key = column_key(pivot.columns)
        order = f" ORDER BY {order_sql(prev.ordering)}" if prev.ordering else ""
        columns = [f.col for f in pivot.rows]
        for dynamic in pivot.dynamic:
            cells = [
                f"first({value.col}{order}) FILTER (WHERE {key} = {sql_str(text)})"
                for text, value in dynamic.sources
            ]
            if not cells:
                cell = f"CAST(NULL AS {SQL_TYPES[dynamic.field.type]})"
            else:
                cell = cells[0] if len(cells) == 1 else f"coalesce({', '.join(cells)})"
            columns.append(f"{cell} AS {dynamic.field.col}")
        rows = ", ".join(f.col for f in pivot.rows)
        return f"SELECT {', '.join(columns)}\n  FROM {self.source}\n  GROUP BY {rows}"


def column_key(columns: tuple[Field, ...]) -> str:
    """The text naming a dynamic column: the column values joined with `_`; null -> `null`."""
    parts = [f"coalesce(CAST({c.col} AS VARCHAR), 'null')" for c in columns]
    return parts[0] if len(parts) == 1 else " || '_' || ".join(parts)
