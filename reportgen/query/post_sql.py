"""SQL of `topk`, the window operators (§8.5), `fillmissing` (§8.4) and `timeslice N buckets`.

Window operators number the rows in their current order (`row_number() OVER (ORDER BY ...)`)
and compute over that number, so "previous row" means the previous row of the result as the
user sees it; `by` partitions without reordering.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from reportgen.query import compare, outlier
from reportgen.query.aggregates import number_sql
from reportgen.query.expr_sql import literal_sql
from reportgen.query.nodes import (
    FillGenerator,
    FillMissing,
    Outlier,
    TimeCompare,
    Timeslice,
    Topk,
    Window,
    WithTime,
)
from reportgen.query.post_plan import ORDER_COL, RANK, previous_timeslice
from reportgen.query.schema import Field, OrderTerm, Schema
from reportgen.timerange import Window as TimeWindow

if TYPE_CHECKING:
    from reportgen.query.plan import Step
    from reportgen.query.to_sql import SqlGenerator

ROW = "__rg_rn"
FILL = "__rg_fill"
FILL_ORDER = "__rg_fo"
MAX_COMBINATIONS = 10_000
SECOND, MINUTE, HOUR, DAY = 1000, 60_000, 3_600_000, 86_400_000
# spec §6.2: the widths `timeslice N buckets` chooses from, smallest first
LADDER = (
    *(n * SECOND for n in (1, 5, 10, 15, 30)),
    *(n * MINUTE for n in (1, 5, 10, 15, 30)),
    *(n * HOUR for n in (1, 2, 3, 4, 6, 12)),
    DAY,
    7 * DAY,
)
UNIT_MS = {"s": SECOND, "m": MINUTE, "h": HOUR, "d": DAY, "w": 7 * DAY}
DEFAULTS = {"number": "0", "bool": "false", "string": "NULL", "time": "NULL"}


def bucket_width(count: int, window: TimeWindow) -> int:
    """The smallest ladder width giving at most `count` buckets over the window (§6.2)."""
    span = (window.end - window.start).total_seconds() * 1000
    for width in LADDER:
        if math.ceil(span / width) <= count:
            return width
    return LADDER[-1]


def width_ms(stage: Timeslice, window: TimeWindow | None) -> int | None:
    """The bucket width of a timeslice stage in ms (None: the whole range)."""
    if stage.unit == "range":
        return None
    if stage.unit == "buckets":
        assert window is not None, "timeslice N buckets needs the query window"
        return bucket_width(stage.count, window)
    return stage.count * UNIT_MS[stage.unit]


def handlers(gen: SqlGenerator) -> dict[type[Any], Callable[[Step, Step | None], str | None]]:
    """The `<node>_sql` functions of this module, bound to `gen`, for its dispatch table."""
    return {
        Topk: lambda step, prev: topk_sql(gen, step, prev),
        Window: lambda step, prev: window_sql(gen, step, prev),
        FillMissing: lambda step, prev: fillmissing_sql(gen, step, prev),
        TimeCompare: lambda step, prev: compare.compare_sql(gen, step, prev),
        WithTime: lambda step, prev: compare.withtime_sql(gen, step, prev),
        Outlier: lambda step, prev: outlier.outlier_sql(gen, step, prev),
    }


def _order(ordering: tuple[OrderTerm, ...]) -> str:
    return ", ".join(term.sql() for term in ordering)


def _numbered(source: str, ordering: tuple[OrderTerm, ...], partition: str = "") -> str:
    over = f"{partition} ORDER BY {_order(ordering)}" if ordering else partition
    return f"SELECT *, row_number() OVER ({over.strip()}) AS {ROW} FROM {source}"


def _partition(fields: list[Field]) -> str:
    return f"PARTITION BY {', '.join(f.col for f in fields)}" if fields else ""


def _select(schema: Schema, replaced: dict[str, str]) -> str:
    """Every column of `schema`, with `replaced` (column -> SQL) computed instead."""
    columns = [f"{replaced[c]} AS {c}" if c in replaced else c for c in schema.columns()]
    return ", ".join(columns)


def topk_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, Topk)
    node = step.node
    ranked = [f for n in node.fields if (f := prev.schema.get(n.key)) is not None]
    groups = [f for n in node.by if (f := prev.schema.get(n.key)) is not None]
    terms = (*(OrderTerm(f.col, True, f.type == "string") for f in ranked), *prev.ordering)
    inner = _numbered(gen.source, terms, _partition(groups))
    rank = step.schema.get(RANK)
    assert rank is not None
    columns = _select(step.schema, {rank.col: ROW})
    return f"SELECT {columns}\n  FROM ({inner})\n  WHERE {ROW} <= {node.count}"


def _window_expr(node: Window, field: Field, partition: str) -> str:
    number = number_sql(field)
    ordered = f"{partition} ORDER BY {ROW}".strip()
    running = f"OVER ({ordered} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    size = node.size
    if node.op == "total":
        return f"sum({number}) OVER ({partition})"
    if node.op == "accum":
        return f"CASE WHEN {number} IS NOT NULL THEN sum({number}) {running} END"
    if node.op == "diff":
        before = f"OVER ({ordered} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        return f"{number} - last_value({number} IGNORE NULLS) {before}"
    if node.op == "backshift":
        return f"lag({field.col}, {size or 1}) OVER ({ordered})"
    frame = f"OVER ({ordered} ROWS BETWEEN {(size or 10) - 1} PRECEDING AND CURRENT ROW)"
    if node.op == "smooth":
        return f"CASE WHEN {number} IS NOT NULL THEN avg({number}) {frame} END"
    # rollingstd: sample standard deviation; a single point gives 0
    return f"CASE WHEN {number} IS NOT NULL THEN coalesce(stddev_samp({number}) {frame}, 0) END"


def window_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, Window)
    node = step.node
    field = prev.schema.get(node.field.key)
    assert field is not None
    groups = [f for n in node.by if (f := prev.schema.get(n.key)) is not None]
    key = node.alias.key if node.alias else f"_{node.op}"
    output = step.schema.get(key)
    assert output is not None
    expr = _window_expr(node, field, _partition(groups))
    inner = _numbered(gen.source, prev.ordering)
    return f"SELECT {_select(step.schema, {output.col: expr, ORDER_COL: ROW})}\n  FROM ({inner})"


def _domain(
    gen: SqlGenerator, step: Step, node: FillMissing, generator: FillGenerator
) -> tuple[str, int | None]:
    """SQL of one generator's values `(v, o)` (`o` orders them) and how many there are."""
    if generator.kind == "values" and generator.all:
        key = generator.field.key if generator.field else "_timeslice"
        field = step.schema.get(key)
        assert field is not None
        distinct = (
            f"SELECT DISTINCT {field.col} AS v FROM {gen.source} WHERE {field.col} IS NOT NULL"
        )
        return f"SELECT v, row_number() OVER (ORDER BY v) AS o FROM ({distinct})", None
    if generator.kind == "values":
        rows = ", ".join(f"({literal_sql(v)[0]}, {i})" for i, v in enumerate(generator.values))
        return f"SELECT * FROM (VALUES {rows}) AS d(v, o)", len(generator.values)
    start = "CAST($start AS TIMESTAMPTZ)"
    if generator.width is not None:
        count, unit = generator.width
        stage = Timeslice(count, unit, None, generator.span)
    else:
        before = previous_timeslice(tuple(s.node for s in gen.plan.steps), node)
        assert before is not None
        stage = before
    width = width_ms(stage, gen.window)
    if width is None:  # `timeslice` without a width: one bucket, the whole range
        return f"SELECT epoch_ms({start}) AS v, 1 AS o", 1
    from reportgen.query.to_sql import timeslice_sql

    assert gen.window is not None
    span = (gen.window.end - gen.window.start).total_seconds() * 1000
    count_estimate = math.ceil(span / width) + 1
    step_ms = min(width, HOUR)
    last = "CAST($end AS TIMESTAMPTZ) - INTERVAL 1 millisecond"
    if count_estimate > MAX_COMBINATIONS:
        last = f"least({last}, {start} + INTERVAL '{(MAX_COMBINATIONS + 1) * width} milliseconds')"
    bucket = timeslice_sql(stage, gen.tz, width)
    every = f"INTERVAL '{step_ms} milliseconds'"
    series = f"SELECT unnest(generate_series({start}, {last}, {every})) AS __rg_ts"
    distinct = f"SELECT DISTINCT {bucket} AS v FROM ({series})"
    return f"SELECT v, row_number() OVER (ORDER BY v) AS o FROM ({distinct})", count_estimate


def fillmissing_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, FillMissing)
    node = step.node
    keys: list[Field] = []
    domains: list[str] = []
    sizes: list[int] = []
    for generator in node.generators:
        field = step.schema.get(generator.field.key if generator.field else "_timeslice")
        assert field is not None
        keys.append(field)
        domain, size = _domain(gen, step, node, generator)
        domains.append(domain)
        sizes.append(size or 1)
    if math.prod(sizes) > MAX_COMBINATIONS:
        gen.warnings.append(
            f"fillmissing: more than {MAX_COMBINATIONS} combinations, the extra ones are omitted"
        )
    joined = " CROSS JOIN ".join(f"({d}) AS d{i}" for i, d in enumerate(domains))
    values = ", ".join(f"d{i}.v AS k{i}" for i in range(len(keys)))
    order = ", ".join(f"d{i}.o" for i in range(len(keys)))
    combos = f"SELECT {values}, row_number() OVER (ORDER BY {order}) AS o FROM {joined}"
    combos = f"SELECT * FROM ({combos}) ORDER BY o LIMIT {MAX_COMBINATIONS}"
    present = " AND ".join(
        f"e.{k.col} IS NOT DISTINCT FROM {_typed(f'c.k{i}', k)}" for i, k in enumerate(keys)
    )
    constants = {c.field.key: c.value for c in node.constants}
    # after a transpose the filled cells stay null (§8.4)
    pivoted = any(s.pivot is not None for s in gen.plan.steps[: gen.plan.steps.index(step)])
    defaults = {**DEFAULTS, "number": "NULL", "bool": "NULL"} if pivoted else DEFAULTS
    key_index = {k.col: i for i, k in enumerate(keys)}
    columns = [c for c in step.schema.columns() if c != ORDER_COL]
    by_col = {f.col: f for f in step.schema.fields}
    existing = ", ".join(columns)
    added: list[str] = []
    for column in columns:
        field = by_col.get(column)
        if column in key_index:
            added.append(f"{_typed(f'c.k{key_index[column]}', field)} AS {column}")
        elif field is not None and field.key in constants:
            added.append(f"{_constant(constants[field.key], field)} AS {column}")
        elif field is not None:
            added.append(f"{defaults[field.type]} AS {column}")
        else:
            added.append(f"NULL AS {column}")
    over = f"ORDER BY {_order(prev.ordering)}" if prev.ordering else ""
    union = (
        f"SELECT {existing}, 0 AS {FILL}, row_number() OVER ({over}) AS {FILL_ORDER}"
        f" FROM {gen.source}\n"
        f"  UNION ALL\n"
        f"  SELECT {', '.join(added)}, 1 AS {FILL}, c.o AS {FILL_ORDER} FROM ({combos}) AS c\n"
        f"  WHERE NOT EXISTS (SELECT 1 FROM {gen.source} AS e WHERE {present})"
    )
    replaced = {ORDER_COL: f"row_number() OVER (ORDER BY {FILL}, {FILL_ORDER})"}
    if node.take_last:
        replaced.update(_take_last(node, step.schema, keys, constants))
    return f"SELECT {_select(step.schema, replaced)}\n  FROM ({union})"


def _typed(sql: str, field: Field | None) -> str:
    if field is not None and field.type == "number":
        return f"TRY_CAST({sql} AS DOUBLE)"
    if field is not None and field.type == "time":
        # `values("a") in _messagetime`: a text that is no epoch-ms value gives a null key
        return f"TRY_CAST({sql} AS BIGINT)"
    return sql


def _constant(value: object, field: Field) -> str:
    sql, kind = literal_sql(value)
    if field.type == "string" and kind != "string" and kind != "null":
        return f"CAST({sql} AS VARCHAR)"
    if field.type == "number" and kind == "string":
        return f"TRY_CAST({sql} AS DOUBLE)"
    return sql


def _take_last(
    node: FillMissing, schema: Schema, keys: list[Field], constants: Mapping[str, object]
) -> dict[str, str]:
    """Added rows copy the non-key fields of the previous timeslice of their group."""
    slices = [k for k, g in zip(keys, node.generators, strict=True) if g.kind == "timeslice"]
    others = [k for k, g in zip(keys, node.generators, strict=True) if g.kind != "timeslice"]
    partition = _partition(others)
    before = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    frame = f"OVER ({partition} ORDER BY {slices[0].col} {before})"
    key_cols = {k.col for k in keys}
    replaced: dict[str, str] = {}
    for field in schema.fields:
        if field.col in key_cols or field.key in constants:
            continue
        last = f"last_value(CASE WHEN {FILL} = 0 THEN {field.col} END IGNORE NULLS) {frame}"
        default = DEFAULTS[field.type]
        replaced[field.col] = (
            f"CASE WHEN {FILL} = 1 THEN coalesce({last}, {default}) ELSE {field.col} END"
        )
    return replaced
