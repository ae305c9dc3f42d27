"""Ranking: `top N f1, f2 [by count]`, `top N f1, f2 by g` (spec §8.2) and `topk(N, f) [by g]`.

`top` is `count by f1, f2 | sort by _count | limit N`; `top N f by g` ranks the groups by the
largest value of `g` instead (`max(g) as g by f | sort by g | limit N`: after an aggregation each
group has one `g`, and `by _messagetime` gives the most recent first). `topk` works in the current
row order: it keeps the N rows with the highest values per group and adds `_rank`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.aggregate import aggregate_sql, plan_grouping
from reportgen.query.operators.aggregate_calls import number_sql
from reportgen.query.operators.base import Operator
from reportgen.query.operators.ordered import ROW, numbered, partition, select_columns
from reportgen.query.plan.schema import Field, FieldType, OrderTerm
from reportgen.query.problems import semantic
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

MAX_TOPK = 10_000
RANK = "_rank"


@dataclass(frozen=True)
class Top:
    """`top N f1, f2 [by count]` = count by f1, f2 | sort by _count | limit N (§8.2);
    `top N f1 by g` ranks by the largest `g` of each group."""

    count: int
    fields: tuple[Name, ...]
    span: Span
    by: Name | None = None


@dataclass(frozen=True)
class Topk:
    """`topk(N, f1[, f2]) [by g1, ...]`: the N rows with the highest f per group, with `_rank`."""

    count: int
    fields: tuple[Name, ...]
    by: tuple[Name, ...]
    span: Span


# --- top --------------------------------------------------------------------------------------


def parse_top(stream: Stream, first: Token) -> Top:
    count, _ = stream.integer("the number of rows after 'top'")
    fields = stream.names("a field after the number")
    by = stream.name("a field or 'count' after 'by'") if stream.accept_word("by") else None
    stream.no_duplicates(fields)
    return Top(count, tuple(fields), stream.span_from(first.span.start), by)


def _ranked_by(stage: Top, prev: Step) -> Name | None:
    """The field `top` ranks by; None for counting (`by count` counts unless a field is named
    `count`, as after `count as count`)."""
    if stage.by is None or (stage.by.key == "count" and prev.schema.get("count") is None):
        return None
    return stage.by


def plan_top(planner: Planner, stage: Top, prev: Step) -> Step:
    ranked = _ranked_by(stage, prev)
    if ranked is None:
        return plan_grouping(planner, stage, prev, stage.fields, (), counted=True)
    found = planner.field(prev.schema, ranked)
    step = plan_grouping(planner, stage, prev, stage.fields, (), counted=False)
    kind: FieldType = "time" if found is not None and found.type == "time" else "number"
    display = found.name if found is not None else ranked.text
    out = Field(ranked.key, display, kind, planner.cols.col(ranked.key))
    if any(f.key == out.key for f in step.schema.fields):
        message = f"duplicate output name '{out.name}'"
        planner.errors.append(semantic(planner.text, ranked.span, message))
    schema = dataclasses.replace(step.schema, fields=(*step.schema.fields, out))
    ordering = (OrderTerm(out.col, True, False), *step.ordering)
    return dataclasses.replace(step, schema=schema, ordering=ordering)


def top_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert isinstance(step.node, Top) and prev is not None
    ranked = _ranked_by(step.node, prev)
    if ranked is None:
        inner = aggregate_sql(gen, step, prev)
    else:
        source = prev.schema.get(ranked.key)
        assert source is not None
        value = source.col if source.type in ("number", "time") else number_sql(gen.dialect, source)
        keys = [k.col for k in step.keys]
        columns = [*keys, f"max({value}) AS {step.schema.fields[-1].col}"]
        inner = f"SELECT {', '.join(columns)}\n  FROM {gen.source}"
        if keys:
            inner += f"\n  GROUP BY {', '.join(keys)}"
    order = gen.order_sql(step.ordering)
    return f"SELECT * FROM (\n  {inner}\n  )\n  ORDER BY {order}\n  LIMIT {step.node.count}"


# --- topk -------------------------------------------------------------------------------------


def parse_topk(stream: Stream, first: Token) -> Topk:
    """`topk(N, f1[, f2 ...]) [by g1, ...]`."""
    stream.expect_op("(", "'topk'")
    count, span = stream.integer("the number of rows in topk(N, field)")
    if not 1 <= count <= MAX_TOPK:
        raise stream.error_at(span, f"topk needs a number between 1 and {MAX_TOPK}")
    stream.expect_op(",", "the number of rows")
    fields = stream.names("a field to rank by")
    stream.expect_op(")", "the fields")
    by = stream.by_names()
    return Topk(count, tuple(fields), tuple(by), stream.span_from(first.span.start))


def plan_topk(planner: Planner, stage: Topk, prev: Step) -> Step:
    """Keeps the ranked rows and adds `_rank`; rows come out by group, then by rank."""
    for name in stage.fields:
        planner.field(prev.schema, name)
    groups = [f for name in stage.by if (f := planner.field(prev.schema, name)) is not None]
    rank = Field(RANK, RANK, "number", planner.cols.col(RANK))
    schema = prev.schema.put(rank)
    ordering = (
        *(OrderTerm(g.col, False, g.type == "string") for g in groups),
        OrderTerm(rank.col, False, False),
    )
    return dataclasses.replace(
        prev, node=stage, schema=schema, ordering=ordering, condition=None, pivot=None
    )


def topk_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, Topk)
    node = step.node
    ranked = [f for n in node.fields if (f := prev.schema.get(n.key)) is not None]
    groups = [f for n in node.by if (f := prev.schema.get(n.key)) is not None]
    terms = (*(OrderTerm(f.col, True, f.type == "string") for f in ranked), *prev.ordering)
    inner = numbered(gen, gen.source, terms, partition(groups))
    rank = step.schema.get(RANK)
    assert rank is not None
    columns = select_columns(step.schema, {rank.col: ROW})
    return f"SELECT {columns}\n  FROM ({inner})\n  WHERE {ROW} <= {node.count}"


OPERATORS = (
    Operator(Top, plan_top, top_sql, ("top",), parse_top),
    Operator(Topk, plan_topk, topk_sql, ("topk",), parse_topk),
)
