"""Aggregation stages (spec §7): `count [as n] [by k1, k2]`, `sum(f), avg(g) by k`, and
`count_frequent f1[, f2]` (counts by the fields, largest first).

Group keys come first in the written order, then the aggregates. Without a `sort`, rows ascend by
their keys (code point for strings, nulls last).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span, suggestion
from reportgen.query.operators import aggregate_calls
from reportgen.query.operators.aggregate_calls import AggCall
from reportgen.query.operators.base import Operator
from reportgen.query.plan.schema import TS, Field, OrderTerm, Schema
from reportgen.query.plan.steps import NEWEST_FIRST, Step
from reportgen.query.problems import semantic
from reportgen.query.syntax.catalog import AGGREGATES
from reportgen.query.syntax.nodes import Name, Stage
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.planner import Planner


@dataclass(frozen=True)
class Aggregate:
    """`count [as n] [by k1, k2]` and friends (§7)."""

    calls: tuple[AggCall, ...]
    by: tuple[Name, ...]
    span: Span


def parse_aggregate(stream: Stream, first: Token) -> Stage:
    if first.is_word("count_frequent"):
        return _parse_count_frequent(stream, first)
    calls = [aggregate_calls.parse_call(stream, first)]
    by: list[Name] = []
    while not stream.at_end():
        if stream.accept_word("group"):
            stream.expect_word("by", "'group'")
            by = stream.names("a field to group by")
            break
        if stream.accept_word("by"):
            by = stream.names("a field to group by")
            break
        if stream.accept_op(","):
            func = stream.peek()
            if func is not None and func.kind is Kind.WORD and not func.is_word(*AGGREGATES):
                hint = suggestion(func.text, sorted(AGGREGATES))
                raise stream.error_at(func.span, f"unknown aggregate '{func.text}'", hint)
            if func is None or not func.is_word(*AGGREGATES):
                raise stream.error("expected an aggregate function after ','")
            if func.is_word("count_frequent"):
                message = "count_frequent cannot be combined with other aggregates"
                raise stream.error_at(func.span, message)
            stream.pos += 1
            calls.append(aggregate_calls.parse_call(stream, func))
            continue
        if stream.is_name():  # `count user, host` = `count by user, host`
            by = stream.names("a field to group by")
            break
        break
    stream.no_duplicates(by)
    return Aggregate(tuple(calls), tuple(by), stream.span_from(first.span.start))


def _parse_count_frequent(stream: Stream, first: Token) -> Stage:
    fields = stream.names("a field after 'count_frequent'")
    stream.no_duplicates(fields)
    if (token := stream.peek()) is not None and token.is_op(","):
        message = "count_frequent cannot be combined with other aggregates"
        raise stream.error_at(token.span, message)
    span = stream.span_from(first.span.start)
    call = AggCall(Name(first.text, first.span), None, None, span)
    return Aggregate((call,), tuple(fields), span)


def plan_aggregate(planner: Planner, stage: Aggregate, prev: Step) -> Step:
    return plan_grouping(planner, stage, prev, stage.by, stage.calls, counted=False)


def plan_grouping(
    planner: Planner,
    stage: Stage,
    prev: Step,
    by: tuple[Name, ...],
    calls: tuple[AggCall, ...],
    counted: bool,
) -> Step:
    """Group keys as written, then each call's outputs; `counted` adds `_count` and orders by it,
    largest first (`top`)."""
    args = [planner.field(prev.schema, c.arg) if c.arg is not None else None for c in calls]
    keys: list[Field] = []
    outputs: list[Field] = []
    for name in by:
        found = planner.field(prev.schema, name)
        column = found.col if found else planner.cols.col(name.key)
        keys.append(
            Field(
                name.key,
                found.name if found else name.text,
                found.type if found else "string",
                column,
            )
        )
        outputs.append(keys[-1])
    owners: list[Name | AggCall] = list(by)
    for call, arg in zip(calls, args, strict=True):
        recent = aggregate_calls.canonical(call.func.text) in ("most_recent", "least_recent")
        if recent and TS not in prev.schema.internal:
            message = f"{call.func.text}() needs messages; put it before the aggregation"
            planner.errors.append(semantic(planner.text, call.span, message))
        for out in aggregate_calls.outputs(call, arg):
            outputs.append(
                Field(out.name.lower(), out.name, out.type, planner.cols.col(out.name.lower()))
            )
            owners.append(call)
    if counted:
        outputs.append(Field("_count", "_count", "number", planner.cols.col("_count")))
    seen: set[str] = set()
    for index, output in enumerate(outputs):
        if output.key in seen:
            span = owners[index].span if index < len(owners) else stage.span
            message = f"duplicate output name '{output.name}'"
            planner.errors.append(semantic(planner.text, span, message, "rename one with 'as'"))
        seen.add(output.key)
    ordering = tuple(OrderTerm(k.col, False, k.type == "string") for k in keys)
    frequent = any(c.func.key == "count_frequent" for c in calls)
    if counted or frequent:
        ordering = (OrderTerm(outputs[-1].col, True, False), *ordering)
    return Step(stage, Schema(tuple(outputs)), ordering, "aggregate", keys=tuple(keys))


def aggregate_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """One GROUP BY over the previous rows (`count_frequent`: the largest counts only)."""
    assert prev is not None
    keys = [k.col for k in step.keys]
    columns = list(keys)
    outputs = iter(step.schema.fields[len(keys) :])
    calls = step.node.calls if isinstance(step.node, Aggregate) else ()
    source = gen.source
    order, newest = gen.order_sql(prev.ordering), gen.order_sql(NEWEST_FIRST)
    if gen.dialect.numbered_picks and any(aggregate_calls.in_order(c.func.text) for c in calls):
        # the dialect picks first/last values by a row number within each group
        by = f"PARTITION BY {', '.join(keys)} " if keys else ""
        numbered = {"__rg_o0": order, "__rg_o1": newest} if order else {"__rg_o1": newest}
        numbers = [f"row_number() OVER ({by}ORDER BY {o}) AS {c}" for c, o in numbered.items()]
        source = f"(SELECT *, {', '.join(numbers)} FROM {source})"
        order, newest = ("__rg_o0" if order else ""), "__rg_o1"
    for call in calls:
        arg = prev.schema.get(call.arg.key) if call.arg is not None else None
        for out in aggregate_calls.outputs(call, arg):
            sql = aggregate_calls.call_sql(gen.dialect, call, out, arg, order, newest)
            columns.append(f"{sql} AS {next(outputs).col}")
    columns += [f"count(*) AS {rest.col}" for rest in outputs]  # top's _count
    sql = f"SELECT {', '.join(columns)}\n  FROM {source}"
    if keys:
        sql += f"\n  GROUP BY {', '.join(keys)}"
    if any(c.func.key == "count_frequent" for c in calls):
        order = gen.order_sql(step.ordering)
        limit = aggregate_calls.MAX_FREQUENT
        sql = f"SELECT * FROM (\n  {sql}\n  )\n  ORDER BY {order}\n  LIMIT {limit}"
    return sql


OPERATORS = (
    Operator(Aggregate, plan_aggregate, aggregate_sql, tuple(sorted(AGGREGATES)), parse_aggregate),
)
