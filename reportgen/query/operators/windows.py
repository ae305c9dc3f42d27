"""Window operators (spec §8.5): `total`, `accum`, `diff`, `backshift`, `smooth`, `rollingstd`:
`op f[, n] [as name] [by g1, ...]` adds `_<op>` (or the alias) to every row.

They work in the current row order (see `ordered.py`), so "previous row" means the previous row
of the result as the user sees it; `by` partitions without reordering.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.aggregate_calls import number_sql
from reportgen.query.operators.base import Operator
from reportgen.query.operators.ordered import (
    ORDER_COL,
    ORDERED,
    ROW,
    numbered,
    partition,
    select_columns,
)
from reportgen.query.plan.schema import Field
from reportgen.query.problems import span_of
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

MAX_WINDOW = 1000  # backshift, smooth and rollingstd (§8.5)
# Operator -> (what its number argument is, default) for the window operators.
WINDOWS: dict[str, tuple[str, int] | None] = {
    "total": None,
    "accum": None,
    "diff": None,
    "backshift": ("shift", 1),
    "smooth": ("window", 10),
    "rollingstd": ("window", 10),
}


@dataclass(frozen=True)
class Window:
    """`total|accum|diff|backshift|smooth|rollingstd f[, n] [as name] [by g1, ...]` (§8.5)."""

    op: str
    field: Name
    size: int | None  # backshift's shift, smooth's and rollingstd's window
    alias: Name | None
    by: tuple[Name, ...]
    span: Span


# --- the window operators ---------------------------------------------------------------------


def parse_window(stream: Stream, first: Token) -> Window:
    """`total|accum|diff f [as n] [by g]`, `backshift f[, k]`, `smooth|rollingstd f[, w]`."""
    op = first.text.lower()
    field = stream.name(f"a field after '{first.text}'")
    size: int | None = None
    if (comma := stream.accept_op(",")) is not None:
        argument = WINDOWS[op]
        if argument is None:
            raise stream.error_at(
                span_of(stream.text, comma.span.start, stream.here().end),
                f"'{first.text}' takes one field",
                f"write '{first.text} {field.text}'",
            )
        size, span = stream.integer(f"the {argument[0]} of '{first.text}'")
        if not 1 <= size <= MAX_WINDOW:
            message = f"the {argument[0]} of '{first.text}' must be between 1 and {MAX_WINDOW}"
            raise stream.error_at(span, message)
    alias: Name | None = None
    by: list[Name] = []
    for _ in range(2):  # `as` and `by` in either order
        if alias is None and stream.accept_word("as"):
            alias = stream.name("a name after 'as'")
        elif not by:
            by = stream.by_names()
    return Window(op, field, size, alias, tuple(by), stream.span_from(first.span.start))


def plan_window(planner: Planner, stage: Window, prev: Step) -> Step:
    """Adds `_<op>` (or the alias) to every row; the row order does not change."""
    found = planner.field(prev.schema, stage.field)
    for name in stage.by:
        planner.field(prev.schema, name)
    display = stage.alias.text if stage.alias else f"_{stage.op}"
    kind = found.type if stage.op == "backshift" and found is not None else "number"
    output = Field(display.lower(), display, kind, planner.cols.col(display.lower()))
    schema = prev.schema.put(output).with_internal(ORDER_COL)
    return dataclasses.replace(
        prev, node=stage, schema=schema, ordering=ORDERED, condition=None, pivot=None
    )


def _window_expr(gen: SqlGenerator, node: Window, field: Field, part: str) -> str:
    number = number_sql(gen.dialect, field)
    ordered = f"{part} ORDER BY {ROW}".strip()
    running = f"OVER ({ordered} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    size = node.size
    if node.op == "total":
        return f"sum({number}) OVER ({part})"
    if node.op == "accum":
        return f"CASE WHEN {number} IS NOT NULL THEN sum({number}) {running} END"
    if node.op == "diff":
        before = f"OVER ({ordered} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        return f"{number} - {gen.dialect.last_ignore_nulls(number)} {before}"
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
    expr = _window_expr(gen, node, field, partition(groups))
    inner = numbered(gen, gen.source, prev.ordering)
    columns = select_columns(step.schema, {output.col: expr, ORDER_COL: ROW})
    return f"SELECT {columns}\n  FROM ({inner})"


OPERATORS = (Operator(Window, plan_window, window_sql, tuple(WINDOWS), parse_window),)
