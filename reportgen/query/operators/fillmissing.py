"""`fillmissing <generator>, ... [with <value> for <field>, ...] [takeLast]` (spec §8.4).

Appends the missing key combinations after the existing rows: generators give each key's
domain (`timeslice[(15m)] [in f]`, `values("a", "b") in f`, `values all in f`), the added rows
take constants, type defaults (0 for numbers, false for booleans; null after a transpose), or
with `takeLast` the fields of the previous timeslice of their group.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Literal as TypingLiteral

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.operators.ordered import ORDER_COL, ORDERED, partition, select_columns
from reportgen.query.operators.timeslice import WIDTH, Timeslice, previous_timeslice, width_ms
from reportgen.query.plan.schema import Field, Schema
from reportgen.query.problems import semantic, span_of
from reportgen.query.sql.expressions import literal_sql
from reportgen.query.syntax.expressions import number_value
from reportgen.query.syntax.nodes import Name, Value
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

FILL = "__rg_fill"
FILL_ORDER = "__rg_fo"
MAX_COMBINATIONS = 10_000
HOUR = 3_600_000
DEFAULTS = {"number": "0", "bool": "false", "string": "NULL", "time": "NULL"}


@dataclass(frozen=True)
class FillGenerator:
    """`timeslice[(15m)] [in f]` or `values("a", "b") in f` / `values all in f`."""

    kind: TypingLiteral["timeslice", "values"]
    field: Name | None  # None: `_timeslice`
    width: tuple[int, str] | None  # timeslice(15m); None: the previous timeslice's width
    values: tuple[str, ...]
    all: bool
    span: Span


@dataclass(frozen=True)
class FillConstant:
    """`with <value> for <field>`."""

    value: Value
    field: Name
    span: Span


@dataclass(frozen=True)
class FillMissing:
    """`fillmissing <generator>, ... [with <const> for <field>, ...] [takeLast]` (§8.4)."""

    generators: tuple[FillGenerator, ...]
    constants: tuple[FillConstant, ...]
    take_last: bool
    span: Span


# --- parsing ----------------------------------------------------------------------------------


def _generator(stream: Stream) -> FillGenerator:
    token = stream.next("a generator: 'timeslice' or 'values(...) in <field>'")
    if token.is_word("timeslice"):
        width = None
        if stream.accept_op("("):
            number = stream.next("a width such as 15m")
            match = WIDTH.fullmatch(number.text) if number.kind is Kind.NUMBER else None
            if match is None or int(match.group(1)) == 0:
                hint = "expected a width such as 5m, 1h or 1d (units s, m, h, d, w)"
                raise stream.error_at(number.span, f"invalid timeslice width '{number.text}'", hint)
            width = (int(match.group(1)), match.group(2))
            stream.expect_op(")", "the width")
        field = stream.name("a field after 'in'") if stream.accept_word("in") else None
        return FillGenerator(
            "timeslice", field, width, (), False, stream.span_from(token.span.start)
        )
    if token.is_word("values"):
        values: list[str] = []
        every = stream.accept_word("all") is not None
        if not every:
            stream.expect_op("(", "'values'")
            while True:
                value = stream.next("a quoted value")
                if value.kind is not Kind.STRING:
                    raise stream.error_at(value.span, "values() takes quoted strings")
                values.append(value.value)
                if not stream.accept_op(","):
                    break
            stream.expect_op(")", "the values")
        stream.expect_word("in", "the values")
        field = stream.name("a field after 'in'")
        span = stream.span_from(token.span.start)
        return FillGenerator("values", field, None, tuple(values), every, span)
    raise stream.error_at(
        token.span,
        f"unknown fillmissing generator '{token.text}'",
        "use 'timeslice[(15m)] [in <field>]' or 'values(\"a\", \"b\") in <field>'",
    )


def _parse_constant(stream: Stream) -> Value:
    """`-1`, `0.5`, `"text"` or `null` after `with`."""
    token = stream.next("a constant after 'with'")
    if token.kind is Kind.STRING:
        return token.value
    if token.is_word("null"):
        return None
    sign = 1
    if token.is_op("-"):
        sign = -1
        token = stream.next("a number after '-'")
    value = number_value(token.text) if token.kind is Kind.NUMBER else None
    if value is None:
        raise stream.error_at(
            token.span, f"expected a number, a quoted string or null, found '{token.text}'"
        )
    return sign * value


def parse_fillmissing(stream: Stream, first: Token) -> FillMissing:
    generators = [_generator(stream)]
    while stream.accept_op(","):
        generators.append(_generator(stream))
    constants: list[FillConstant] = []
    if stream.accept_word("with"):
        while True:
            start = stream.here().start
            value = _parse_constant(stream)
            stream.expect_word("for", "the constant")
            field = stream.name("a field after 'for'")
            constants.append(FillConstant(value, field, span_of(stream.text, start, stream.end())))
            if not stream.accept_op(","):
                break
    take_last = stream.accept_word("takelast") is not None
    keys = [g.field for g in generators if g.field is not None]
    stream.no_duplicates([*keys, *(c.field for c in constants)])
    span = stream.span_from(first.span.start)
    return FillMissing(tuple(generators), tuple(constants), take_last, span)


# --- planning ---------------------------------------------------------------------------------


def plan_fillmissing(planner: Planner, stage: FillMissing, prev: Step) -> Step:
    keys: set[str] = set()
    timeslices = 0
    for generator in stage.generators:
        name = generator.field or Name("_timeslice", generator.span)
        found = planner.field(prev.schema, name)
        keys.add(name.key)
        if generator.kind == "timeslice":
            timeslices += 1
            if found is not None and found.type != "time" and generator.field is not None:
                message = f"'{name.text}' does not hold timeslices"
                planner.errors.append(semantic(planner.text, name.span, message))
            before = previous_timeslice(planner.query.stages, stage)
            if generator.width is None and before is None:
                message = "fillmissing timeslice needs a width: there is no timeslice before it"
                hint = "write 'timeslice(15m)'"
                planner.errors.append(semantic(planner.text, generator.span, message, hint))
    for constant in stage.constants:
        planner.field(prev.schema, constant.field)
        if constant.field.key in keys:
            message = f"'{constant.field.text}' is a key field of a generator"
            planner.errors.append(semantic(planner.text, constant.span, message))
    if stage.take_last and not timeslices:
        message = "'takeLast' needs a timeslice generator"
        planner.errors.append(semantic(planner.text, stage.span, message))
    schema = prev.schema.with_internal(ORDER_COL)
    return dataclasses.replace(
        prev, node=stage, schema=schema, ordering=ORDERED, condition=None, pivot=None
    )


# --- SQL --------------------------------------------------------------------------------------


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
    d = gen.dialect
    if generator.kind == "values":
        rows = ", ".join(f"({literal_sql(v, d)[0]}, {i})" for i, v in enumerate(generator.values))
        return f"SELECT * FROM (VALUES {rows}) AS d(v, o)", len(generator.values)
    start = d.window_bound("start")
    if generator.width is not None:
        count, unit = generator.width
        stage = Timeslice(count, unit, None, generator.span)
    else:
        before = previous_timeslice(tuple(s.node for s in gen.plan.steps), node)
        assert before is not None
        stage = before
    width = width_ms(stage, gen.window)
    if width is None:  # `timeslice` without a width: one bucket, the whole range
        return f"SELECT {d.epoch_ms(start)} AS v, 1 AS o", 1
    assert gen.window is not None
    span = (gen.window.end - gen.window.start).total_seconds() * 1000
    count_estimate = math.ceil(span / width) + 1
    step_ms = min(width, HOUR)
    last = f"{d.window_bound('end')} - {d.interval_ms(1)}"
    if count_estimate > MAX_COMBINATIONS:
        last = f"least({last}, {start} + {d.interval_ms((MAX_COMBINATIONS + 1) * width)})"
    bucket = gen.bucket_sql("__rg_ts", width)
    series = d.series(start, last, step_ms, "__rg_ts")
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
            added.append(f"{_constant(constants[field.key], field, gen)} AS {column}")
        elif field is not None:
            added.append(f"{defaults[field.type]} AS {column}")
        else:
            added.append(f"NULL AS {column}")
    over = f"ORDER BY {gen.order_sql(prev.ordering)}" if prev.ordering else ""
    union = (
        f"SELECT {existing}, 0 AS {FILL}, row_number() OVER ({over}) AS {FILL_ORDER}"
        f" FROM {gen.source}\n"
        f"  UNION ALL\n"
        f"  SELECT {', '.join(added)}, 1 AS {FILL}, c.o AS {FILL_ORDER} FROM ({combos}) AS c\n"
        f"  WHERE NOT EXISTS (SELECT 1 FROM {gen.source} AS e WHERE {present})"
    )
    replaced = {ORDER_COL: f"row_number() OVER (ORDER BY {FILL}, {FILL_ORDER})"}
    if node.take_last:
        replaced.update(_take_last(gen, node, step.schema, keys, constants))
    return f"SELECT {select_columns(step.schema, replaced)}\n  FROM ({union})"


def _typed(sql: str, field: Field | None) -> str:
    if field is not None and field.type == "number":
        return f"TRY_CAST({sql} AS DOUBLE)"
    if field is not None and field.type == "time":
        # `values("a") in _messagetime`: a text that is no epoch-ms value gives a null key
        return f"TRY_CAST({sql} AS BIGINT)"
    return sql


def _constant(value: object, field: Field, gen: SqlGenerator) -> str:
    sql, kind = literal_sql(value, gen.dialect)
    if field.type == "string" and kind != "string" and kind != "null":
        return gen.dialect.text(sql)
    if field.type == "number" and kind == "string":
        return f"TRY_CAST({sql} AS DOUBLE)"
    return sql


def _take_last(
    gen: SqlGenerator,
    node: FillMissing,
    schema: Schema,
    keys: list[Field],
    constants: Mapping[str, object],
) -> dict[str, str]:
    """Added rows copy the non-key fields of the previous timeslice of their group."""
    slices = [k for k, g in zip(keys, node.generators, strict=True) if g.kind == "timeslice"]
    others = [k for k, g in zip(keys, node.generators, strict=True) if g.kind != "timeslice"]
    part = partition(others)
    before = "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING"
    frame = f"OVER ({part} ORDER BY {slices[0].col} {before})"
    key_cols = {k.col for k in keys}
    replaced: dict[str, str] = {}
    for field in schema.fields:
        if field.col in key_cols or field.key in constants:
            continue
        kept = f"CASE WHEN {FILL} = 0 THEN {field.col} END"
        last = f"{gen.dialect.last_ignore_nulls(kept)} {frame}"
        default = DEFAULTS[field.type]
        replaced[field.col] = (
            f"CASE WHEN {FILL} = 1 THEN coalesce({last}, {default}) ELSE {field.col} END"
        )
    return replaced


OPERATORS = (
    Operator(FillMissing, plan_fillmissing, fillmissing_sql, ("fillmissing",), parse_fillmissing),
)
