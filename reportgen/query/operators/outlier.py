"""`outlier f [by g] [window=10, threshold=3, consecutive=1, direction=+-]` (spec §8.6).

Per group, in `_timeslice` order: the mean and the sample standard deviation of the `window`
previous points (the current one excluded, so a spike does not hide itself) give
`f_error` = f - mean, `f_lower`/`f_upper` = mean -/+ threshold * std and `f_std`;
`f_indicator` is 1 when f is outside the bounds (in the chosen direction; bounds need at least
two previous points), `f_violation` is 1 when the last `consecutive` points are all indicators.
The last bucket is ignored (null bounds, indicator 0) when the query range ends inside it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.aggregate_calls import number_sql
from reportgen.query.operators.base import Operator
from reportgen.query.operators.timeslice import previous_timeslice, width_ms
from reportgen.query.plan.schema import Field
from reportgen.query.problems import semantic, span_of
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

SUFFIXES = ("error", "lower", "upper", "indicator", "violation", "std")
OPTIONS = ("window", "threshold", "consecutive", "direction")


@dataclass(frozen=True)
class Outlier:
    """`outlier f [by g] [window=10, threshold=3, consecutive=1, direction=+-]` (§8.6)."""

    field: Name
    by: tuple[Name, ...]
    window: int
    threshold: float
    consecutive: int
    direction: str  # "+-", "+" or "-"
    span: Span


def _option(stream: Stream, values: dict[str, object]) -> None:
    key = stream.next("an option: window, threshold, consecutive or direction")
    name = key.text.lower()
    if key.kind is not Kind.WORD or name not in OPTIONS:
        raise stream.error_at(
            key.span,
            f"unknown outlier option '{key.text}'",
            "use window, threshold, consecutive or direction",
        )
    stream.expect_op("=", f"'{key.text}'")
    if name == "direction":
        signs = ""
        while (sign := stream.accept_op("+", "-", "+-")) is not None:
            signs += sign.text
        if signs not in ("+-", "+", "-"):
            raise stream.error("expected '+-', '+' or '-' after 'direction='")
        values[name] = signs
        return
    token = stream.next(f"a number after '{key.text}='")
    try:
        number = float(token.text) if name == "threshold" else int(token.text)
    except ValueError:
        raise stream.error_at(token.span, f"invalid {name} '{token.text}'") from None
    if number <= 0 or (name != "threshold" and number > 1000):
        raise stream.error_at(
            token.span,
            f"{name} must be between 1 and 1000"
            if name != "threshold"
            else "threshold must be positive",
        )
    values[name] = number


def parse_outlier(stream: Stream, first: Token) -> Outlier:
    field = stream.name("a field after 'outlier'")
    by: list[Name] = []
    values: dict[str, object] = {}
    while not stream.at_end():
        if stream.accept_word("by"):
            by = stream.names("a field to group by")
        elif stream.accept_op(",") is None:
            _option(stream, values)
    span = span_of(stream.text, first.span.start, stream.tokens[stream.pos - 1].span.end)
    return Outlier(
        field,
        tuple(by),
        int(values.get("window", 10)),  # type: ignore[call-overload]
        float(values.get("threshold", 3.0)),  # type: ignore[arg-type]
        int(values.get("consecutive", 1)),  # type: ignore[call-overload]
        str(values.get("direction", "+-")),
        span,
    )


def plan_outlier(planner: Planner, stage: Outlier, prev: Step) -> Step:
    if prev.phase != "aggregate" or prev.schema.get("_timeslice") is None:
        message = "'outlier' needs rows aggregated by _timeslice"
        hint = "e.g. 'timeslice 1h | count by _timeslice | outlier _count'"
        planner.errors.append(semantic(planner.text, stage.span, message, hint))
    found = planner.field(prev.schema, stage.field)
    for group in stage.by:
        planner.field(prev.schema, group)
    schema = prev.schema
    label = found.name if found is not None else stage.field.text
    for suffix in SUFFIXES:
        name = f"{label}_{suffix}"
        schema = schema.put(Field(name.lower(), name, "number", planner.cols.col(name.lower())))
    return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)


def outlier_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, Outlier)
    node = step.node
    field = prev.schema.get(node.field.key)
    slice_field = prev.schema.get("_timeslice")
    assert field is not None and slice_field is not None
    groups = [f.col for n in node.by if (f := prev.schema.get(n.key)) is not None]
    partition = f"PARTITION BY {', '.join(groups)} " if groups else ""
    ordered = f"{partition}ORDER BY {slice_field.col}"
    value = number_sql(gen.dialect, field)
    trailing = f"OVER ({ordered} ROWS BETWEEN {node.window} PRECEDING AND 1 PRECEDING)"
    stage = previous_timeslice(tuple(s.node for s in gen.plan.steps), node)
    width = width_ms(stage, gen.window) if stage is not None else None
    complete = "TRUE"
    if width is not None:
        end = gen.dialect.window_bound("end")
        complete = f"({slice_field.col} + {width} <= {gen.dialect.epoch_ms(end)})"
    stats = (
        f"SELECT *, avg({value}) {trailing} AS __rg_mean,"
        f" stddev_samp({value}) {trailing} AS __rg_std, {value} AS __rg_v,"
        f" {complete} AS __rg_complete FROM {gen.source}"
    )
    lower = f"(__rg_mean - {node.threshold} * __rg_std)"
    upper = f"(__rg_mean + {node.threshold} * __rg_std)"
    checks = {
        "+-": f"__rg_v > {upper} OR __rg_v < {lower}",
        "+": f"__rg_v > {upper}",
        "-": f"__rg_v < {lower}",
    }
    live = "__rg_complete AND __rg_std IS NOT NULL"
    indicator = f"CASE WHEN {live} AND ({checks[node.direction]}) THEN 1 ELSE 0 END"
    flagged = f"SELECT *, {indicator} AS __rg_ind FROM ({stats})"
    run = f"OVER ({ordered} ROWS BETWEEN {node.consecutive - 1} PRECEDING AND CURRENT ROW)"
    violation = (
        f"CASE WHEN min(__rg_ind) {run} = 1 AND count(*) {run} = {node.consecutive}"
        " THEN 1 ELSE 0 END"
    )
    label = field.name
    exprs = {
        "error": "CASE WHEN __rg_complete THEN __rg_v - __rg_mean END",
        "lower": f"CASE WHEN {live} THEN {lower} END",
        "upper": f"CASE WHEN {live} THEN {upper} END",
        "indicator": "__rg_ind",
        "violation": violation,
        "std": "CASE WHEN __rg_complete THEN __rg_std END",
    }
    replaced = {}
    for suffix in SUFFIXES:
        out = step.schema.get(f"{label}_{suffix}".lower())
        assert out is not None
        replaced[out.col] = exprs[suffix]
    columns = [f"{replaced[c]} AS {c}" if c in replaced else c for c in step.schema.columns()]
    return f"SELECT {', '.join(columns)}\n  FROM ({flagged})"


OPERATORS = (Operator(Outlier, plan_outlier, outlier_sql, ("outlier",), parse_outlier),)
