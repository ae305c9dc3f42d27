"""Row operators: `where`, `fields`, `sort`/`order`, `limit`, `dedup` and expression stages
(`<expression> as name`, `num(x)`), spec §5.4-5.6 and §8.1.

They keep or drop rows, or add one computed field; none of them changes the phase.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator, passthrough_sql
from reportgen.query.plan.schema import Field, FieldType, OrderTerm
from reportgen.query.problems import semantic, span_of
from reportgen.query.sql.expressions import ExprCompiler
from reportgen.query.syntax import expressions
from reportgen.query.syntax.nodes import Call, Expr, FieldRef, Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

MAX_LIMIT = 10_000


@dataclass(frozen=True)
class Where:
    condition: Expr
    span: Span


@dataclass(frozen=True)
class Fields:
    """`fields a, b` keeps, `fields - a, b` removes (§5.6)."""

    names: tuple[Name, ...]
    remove: bool
    span: Span


@dataclass(frozen=True)
class SortKey:
    field: Name
    descending: bool
    span: Span


@dataclass(frozen=True)
class Sort:
    """`sort by a [asc|desc], ...` / `order by ...`; each key defaults to descending (§8.1)."""

    keys: tuple[SortKey, ...]
    span: Span


@dataclass(frozen=True)
class Limit:
    count: int
    span: Span


@dataclass(frozen=True)
class Dedup:
    """`dedup [consecutive] [N] [by f1, ...]` (§5.6): the first N rows of each key in the
    current order (`consecutive`: of each run of equal keys)."""

    count: int
    by: tuple[Name, ...]
    span: Span
    consecutive: bool = False


@dataclass(frozen=True)
class Assign:
    """`<expression> as name` (§5.4); a bare cast `num(x)` writes back to `x`."""

    expr: Expr
    target: Name
    span: Span


def expression_compiler(planner: Planner, prev: Step) -> ExprCompiler:
    """Expressions over the fields of `prev`, names and lookup tables found by the planner."""
    return ExprCompiler(
        planner.text,
        prev.schema,
        planner.errors,
        planner.tz,
        planner.field,
        planner.table,
        dialect=planner.dialect,
    )


def retyped(ordering: tuple[OrderTerm, ...], column: str, kind: FieldType) -> tuple[OrderTerm, ...]:
    """The row order after `column` changed type (text compares by code point, numbers not)."""
    return tuple(
        dataclasses.replace(term, text=kind == "string") if term.col == column else term
        for term in ordering
    )


# --- where ------------------------------------------------------------------------------------


def parse_where(stream: Stream, first: Token) -> Where:
    condition = expressions.parse_condition(stream)
    return Where(condition, span_of(stream.text, first.span.start, condition.span.end))


def plan_where(planner: Planner, stage: Where, prev: Step) -> Step:
    compiler = expression_compiler(planner, prev)
    condition = compiler.condition(stage.condition)
    return dataclasses.replace(prev, node=stage, condition=condition, pivot=None)


def where_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    return f"SELECT * FROM {gen.source}\n  WHERE {step.condition}"


# --- fields -----------------------------------------------------------------------------------


def parse_fields(stream: Stream, first: Token) -> Fields:
    remove = stream.accept_op("-") is not None
    names = stream.names("a field name")
    stream.no_duplicates(names)
    return Fields(tuple(names), remove, stream.span_from(first.span.start))


def plan_fields(planner: Planner, stage: Fields, prev: Step) -> Step:
    for name in stage.names:
        planner.field(prev.schema, name)
    listed = [name.key for name in stage.names]
    fields: list[Field] = []
    for item in prev.schema.fields:
        if stage.remove:
            hidden = item.hidden or item.key in listed
        else:
            keep = item.key in listed or (prev.phase == "messages" and item.key.startswith("_"))
            hidden = item.hidden or not keep
        fields.append(dataclasses.replace(item, hidden=hidden))
    if not stage.remove:
        fields.sort(key=lambda f: listed.index(f.key) if f.key in listed else len(listed))
    schema = dataclasses.replace(prev.schema, fields=tuple(fields))
    return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)


# --- sort / order -----------------------------------------------------------------------------


def _sort_key(stream: Stream) -> SortKey:
    sign = stream.accept_op("+", "-")
    name = stream.name("a field to sort by")
    descending = sign is None or sign.text == "-"
    if (direction := stream.accept_word("asc", "desc")) is not None:
        descending = direction.text.lower() == "desc"
    start = sign.span.start if sign else name.span.start
    return SortKey(name, descending, stream.span_from(start))


def parse_sort(stream: Stream, first: Token) -> Sort:
    stream.accept_word("by")
    keys = [_sort_key(stream)]
    while stream.accept_op(","):
        keys.append(_sort_key(stream))
    return Sort(tuple(keys), stream.span_from(first.span.start))


def plan_sort(planner: Planner, stage: Sort, prev: Step) -> Step:
    terms: list[OrderTerm] = []
    for key in stage.keys:
        found = planner.field(prev.schema, key.field)
        if found is not None:
            terms.append(OrderTerm(found.col, key.descending, found.type == "string"))
    # the previous order breaks ties: a stable sort
    ordering = (*terms, *(t for t in prev.ordering if t.col not in {u.col for u in terms}))
    return dataclasses.replace(prev, node=stage, ordering=ordering, condition=None, pivot=None)


# --- limit ------------------------------------------------------------------------------------


def parse_limit(stream: Stream, first: Token) -> Limit:
    count, span = stream.integer("the number of rows after 'limit'")
    if not 1 <= count <= MAX_LIMIT:
        raise stream.error_at(span, f"limit must be between 1 and {MAX_LIMIT}")
    return Limit(count, span_of(stream.text, first.span.start, span.end))


def plan_limit(planner: Planner, stage: Limit, prev: Step) -> Step:
    return dataclasses.replace(prev, node=stage, condition=None, pivot=None)


def limit_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert isinstance(step.node, Limit)
    order = f" ORDER BY {gen.order_sql(step.ordering)}" if step.ordering else ""
    return f"SELECT * FROM {gen.source}{order} LIMIT {step.node.count}"


# --- dedup ------------------------------------------------------------------------------------


def parse_dedup(stream: Stream, first: Token) -> Dedup:
    consecutive = stream.accept_word("consecutive") is not None
    count = 1
    token = stream.peek()
    if token is not None and token.kind is Kind.NUMBER and token.text.isdigit():
        count, number_span = stream.integer("the number of rows to keep")
        if count < 1:
            raise stream.error_at(number_span, "dedup keeps at least 1 row per key")
    by: list[Name] = []
    if stream.accept_word("by") is not None or stream.is_name():
        by = stream.names("a field to deduplicate by")
    return Dedup(count, tuple(by), stream.span_from(first.span.start), consecutive)


def plan_dedup(planner: Planner, stage: Dedup, prev: Step) -> Step:
    for name in stage.by:
        planner.field(prev.schema, name)
    if not stage.by and prev.schema.get("_raw") is None:
        message = "'dedup' without 'by' compares '_raw', which is gone after aggregation"
        planner.errors.append(semantic(planner.text, stage.span, message, "add 'by <fields>'"))
    return dataclasses.replace(prev, node=stage, condition=None, pivot=None, computed=())


def dedup_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """The first N rows of each key combination, in the current order (messages: newest first)."""
    assert prev is not None and isinstance(step.node, Dedup)
    keys = [f.col for name in step.node.by if (f := prev.schema.get(name.key)) is not None]
    if not step.node.by and (raw := prev.schema.get("_raw")) is not None:
        keys = [raw.col]
    ordering = gen.order_sql(prev.ordering)
    order = f" ORDER BY {ordering}" if ordering else ""
    if step.node.consecutive:
        return _consecutive_sql(gen, step, keys, order, step.node.count)
    partition = f"PARTITION BY {', '.join(keys)}" if keys else ""
    return _first_rows(step, gen.source, f"{partition}{order}", step.node.count)


def _first_rows(step: Step, source: str, over: str, count: int) -> str:
    """The rows of `source` numbered `over` (a window) up to `count` (a subquery rather than
    QUALIFY, which not every engine has)."""
    columns = ", ".join(step.schema.columns())
    numbered = f"SELECT *, row_number() OVER ({over.strip()}) AS __rg_q FROM {source}"
    return f"SELECT {columns} FROM ({numbered})\n  WHERE __rg_q <= {count}"


def _consecutive_sql(gen: SqlGenerator, step: Step, keys: list[str], order: str, count: int) -> str:
    """Runs of equal keys in the current order; the first N rows of each run."""
    window = f"OVER ({order.strip()})"
    same = " AND ".join(f"{k} IS NOT DISTINCT FROM lag({k}) {window}" for k in keys) or "FALSE"
    changed = f"SELECT *, CASE WHEN {same} THEN 0 ELSE 1 END AS __rg_chg FROM {gen.source}"
    runs = f"SELECT *, sum(__rg_chg) OVER ({order.strip()} ROWS UNBOUNDED PRECEDING) AS __rg_run"
    return _first_rows(step, f"({runs} FROM ({changed}))", f"PARTITION BY __rg_run{order}", count)


# --- expression stages ------------------------------------------------------------------------


def is_expression_stage(stream: Stream, first: Token) -> bool:
    """`<expr> as x`, `if(...) as x`, `num(x)`: anything but a bare unknown word."""
    following = stream.peek()
    if first.kind is not Kind.WORD:
        return True
    # `true or x as y`, `a matches "b*" as m`: an operator word after the first word
    return following is not None and (
        following.is_word("as", "and", "or", "not", "matches", "in", "contains")
        or following.kind is Kind.OP
    )


def parse_assignment(stream: Stream, first: Token) -> Assign:
    """The whole stage is an expression: `stream` is rewound to its first token."""
    stream.pos = 0
    expr = expressions.parse_value(stream)
    if stream.accept_word("as") is not None:
        target = stream.name("a name after 'as'")
        return Assign(expr, target, span_of(stream.text, expr.span.start, target.span.end))
    if isinstance(expr, Call) and expr.args and isinstance(expr.args[0], FieldRef):
        return Assign(expr, expr.args[0].name, expr.span)
    raise stream.error("expected 'as <name>' after the expression")


def plan_assign(planner: Planner, stage: Assign, prev: Step) -> Step:
    compiler = expression_compiler(planner, prev)
    sql, kind = compiler.value(stage.expr)
    field_type: FieldType = "string" if kind == "null" else kind
    if kind == "null":
        sql = f"CAST(NULL AS {planner.dialect.text_type})"
    existing = prev.schema.get(stage.target.key)
    display = existing.name if existing else stage.target.text
    column = planner.cols.col(stage.target.key)
    schema = prev.schema.put(Field(stage.target.key, display, field_type, column))
    return dataclasses.replace(
        prev,
        node=stage,
        schema=schema,
        ordering=retyped(prev.ordering, column, field_type),
        condition=None,
        pivot=None,
        computed=((stage.target.key, sql),),
    )


def assign_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    computed = dict(step.computed)
    columns = [
        f"{computed[f.key]} AS {f.col}" if f.key in computed else f.col for f in step.schema.fields
    ]
    columns += list(step.schema.internal)
    return f"SELECT {', '.join(columns)}\n  FROM {gen.source}"


OPERATORS = (
    Operator(Where, plan_where, where_sql, ("where",), parse_where),
    Operator(Fields, plan_fields, passthrough_sql, ("fields",), parse_fields),
    Operator(Sort, plan_sort, passthrough_sql, ("sort", "order"), parse_sort),
    Operator(Limit, plan_limit, limit_sql, ("limit",), parse_limit),
    Operator(Dedup, plan_dedup, dedup_sql, ("dedup",), parse_dedup),
)
# Reached when a stage starts with no operator word but an expression (see the parser).
EXPRESSION_STAGE = Operator(Assign, plan_assign, assign_sql, (), parse_assignment)
