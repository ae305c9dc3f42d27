"""`compare [with] timeshift 1d [N [avg|min|max]] [as alias], ...` (spec §8.6) and `withtime`.

The stages before `compare` run again on each shifted range (the same SQL with the range moved
back), and their value columns are joined to the current rows by the group keys; a `_timeslice`
key matches the bucket one shift earlier. Names: `<column>_<shift>` (`_count_1d`), `_<2d>`...
for the runs of `timeshift 1d 3`, `<column>_<shift>_<N>_<avg|min|max>` when combined, and
`<column>_<alias>` with `as`. A range the snapshot does not cover gives null cells (the engine
adds a warning, see `coverage_warnings`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.operators.timeslice import UNIT_MS, WIDTH
from reportgen.query.plan.schema import Field
from reportgen.query.plan.steps import Plan
from reportgen.query.problems import semantic, span_of
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token
from reportgen.timerange import Window as TimeWindow

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

MAX_RUNS = 7  # Sumo runs at most seven extra queries for one compare


@dataclass(frozen=True)
class Timeshift:
    """One comparison of `compare`: `timeshift 1d [N [avg|min|max]] [as alias]`."""

    count: int
    unit: str  # s m h d w
    times: int  # how many shifted runs (1d, 2d, ... N d)
    combine: str | None  # avg, min or max over the N runs
    alias: Name | None
    span: Span


@dataclass(frozen=True)
class TimeCompare:
    """`compare [with] timeshift ...[, timeshift ...]` (§8.6): the same query on past ranges."""

    shifts: tuple[Timeshift, ...]
    span: Span


@dataclass(frozen=True)
class WithTime:
    """`withtime f`: adds `f_withtime` for `most_recent`/`least_recent` (§7)."""

    field: Name
    span: Span


def _timeshift(stream: Stream) -> Timeshift:
    start = stream.expect_word("timeshift", "'compare'")
    width = stream.next("a shift such as 1d")
    match = WIDTH.fullmatch(width.text) if width.kind is Kind.NUMBER else None
    if match is None or int(match.group(1)) == 0:
        hint = "expected a shift such as 15m, 1d or 1w (units s, m, h, d, w)"
        raise stream.error_at(width.span, f"invalid timeshift '{width.text}'", hint)
    times = 1
    combine = None
    following = stream.peek()
    if following is not None and following.kind is Kind.NUMBER and following.text.isdigit():
        times, span = stream.integer("the number of shifts")
        if not 1 <= times <= MAX_RUNS:
            raise stream.error_at(span, f"the number of shifts must be between 1 and {MAX_RUNS}")
        if (word := stream.accept_word("avg", "min", "max")) is not None:
            combine = word.text.lower()
    alias = stream.name("a name after 'as'") if stream.accept_word("as") else None
    span = span_of(stream.text, start.span.start, stream.tokens[stream.pos - 1].span.end)
    return Timeshift(int(match.group(1)), match.group(2), times, combine, alias, span)


def parse_compare(stream: Stream, first: Token) -> TimeCompare:
    """`compare [with] timeshift ...[, timeshift ...]`."""
    stream.accept_word("with")
    shifts = [_timeshift(stream)]
    while stream.accept_op(","):
        shifts.append(_timeshift(stream))
    span = span_of(stream.text, first.span.start, stream.tokens[stream.pos - 1].span.end)
    runs = sum(shift.times for shift in shifts)
    if runs > MAX_RUNS:
        message = f"compare runs at most {MAX_RUNS} shifted queries, this one needs {runs}"
        raise stream.error_at(span, message)
    seen: set[str] = set()
    for shift in shifts:
        if shift.alias is not None:
            if shift.alias.key in seen:
                raise stream.error_at(shift.alias.span, f"duplicate alias '{shift.alias.text}'")
            seen.add(shift.alias.key)
    return TimeCompare(tuple(shifts), span)


def parse_withtime(stream: Stream, first: Token) -> WithTime:
    """`withtime f`."""
    field = stream.name("a field after 'withtime'")
    return WithTime(field, span_of(stream.text, first.span.start, field.span.end))


def _label(shift: Timeshift, run: int) -> str:
    return f"{shift.count * run}{shift.unit}"


def outputs(node: TimeCompare, value: Field) -> Iterator[tuple[str, Timeshift, list[int]]]:
    """(column name, comparison, the runs it reads) of each column `node` adds for `value`."""
    for shift in node.shifts:
        alias = shift.alias.text if shift.alias else None
        if shift.times == 1 or shift.combine is not None:
            suffix = alias or (
                _label(shift, 1)
                if shift.times == 1
                else f"{_label(shift, 1)}_{shift.times}_{shift.combine}"
            )
            yield f"{value.name}_{suffix}", shift, list(range(1, shift.times + 1))
        else:
            for run in range(1, shift.times + 1):
                suffix = f"{alias}_{run}" if alias else _label(shift, run)
                yield f"{value.name}_{suffix}", shift, [run]


def key_fields(prev: Step) -> list[Field]:
    """The group keys of aggregated rows (the row fields after a transpose)."""
    if prev.keys:
        return [f for f in prev.schema.visible if f.col in {k.col for k in prev.keys}]
    if prev.pivot is not None:
        return list(prev.pivot.rows)
    return [f for f in prev.schema.visible if f.type != "number"]


def plan_compare(planner: Planner, stage: TimeCompare, prev: Step) -> Step:
    if prev.phase != "aggregate":
        message = "'compare' must follow an aggregation"
        hint = "e.g. 'timeslice 1h | count by _timeslice | compare timeshift 1d'"
        planner.errors.append(semantic(planner.text, stage.span, message, hint))
    keys = {f.key for f in key_fields(prev)}
    schema = prev.schema
    for value in [f for f in prev.schema.visible if f.key not in keys]:
        for name, shift, _ in outputs(stage, value):
            if schema.get(name.lower()) is not None:
                message = f"compare would create '{name}', which exists already"
                planner.errors.append(semantic(planner.text, shift.span, message, "use 'as'"))
            schema = schema.put(
                Field(name.lower(), name, value.type, planner.cols.col(name.lower()))
            )
    return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)


def plan_withtime(planner: Planner, stage: WithTime, prev: Step) -> Step:
    found = planner.field(prev.schema, stage.field)
    name = f"{stage.field.text}_withtime"
    kind = found.type if found is not None else "string"
    schema = prev.schema.put(Field(name.lower(), name, kind, planner.cols.col(name.lower())))
    return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)


def shifted_windows(node: TimeCompare, window: TimeWindow) -> list[tuple[str, TimeWindow, int]]:
    """(label, shifted window, shift in ms) of every run, in run order."""
    runs = []
    for shift in node.shifts:
        for run in range(1, shift.times + 1):
            moved = shift.count * UNIT_MS[shift.unit] * run
            back = timedelta(milliseconds=moved)
            shifted = TimeWindow(window.start - back, window.end - back, window.tz)
            runs.append((_label(shift, run), shifted, moved))
    return runs


def compare_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, TimeCompare) and gen.window is not None
    node = step.node
    index = gen.plan.steps.index(step)
    before: Plan = Plan(gen.plan.steps[:index], "aggregate", ())
    keys = key_fields(prev)
    runs = shifted_windows(node, gen.window)
    joins = []
    for number, (_label_text, shifted, moved) in enumerate(runs, start=1):
        sub = gen.shifted(before, shifted, prefix=f"c{number}_")
        gen.ctes.extend(sub.ctes)
        conditions = [
            f"cur.{k.col} IS NOT DISTINCT FROM r{number}.{k.col}"
            + (f" + {moved}" if k.type == "time" else "")
            for k in keys
        ] or ["TRUE"]
        joins.append(f"LEFT JOIN {sub.source} AS r{number} ON {' AND '.join(conditions)}")
    key_set = {k.key for k in keys}
    first_run = {}
    number = 1
    for shift in node.shifts:
        first_run[id(shift)] = number
        number += shift.times
    columns = ["cur.*"]
    for value in [f for f in prev.schema.visible if f.key not in key_set]:
        for name, shift, reads in outputs(node, value):
            cells = [f"r{first_run[id(shift)] + run - 1}.{value.col}" for run in reads]
            out = step.schema.get(name.lower())
            assert out is not None
            combine = shift.combine
            cell = cells[0] if combine is None else gen.dialect.list_combine(combine, cells)
            columns.append(f"{cell} AS {out.col}")
    return f"SELECT {', '.join(columns)}\n  FROM {gen.source} AS cur\n  " + "\n  ".join(joins)


def withtime_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, WithTime)
    source = prev.schema.get(step.node.field.key)
    target = step.schema.get(f"{step.node.field.key}_withtime")
    assert target is not None
    value = source.col if source is not None else "NULL"
    kept = [c for c in prev.schema.columns() if c != target.col]
    return f"SELECT {', '.join(kept)}, {value} AS {target.col}\n  FROM {gen.source}"


def coverage_warnings(plan: Plan, window: TimeWindow, first: datetime | None) -> list[str]:
    """Warnings for the shifted ranges that start before the snapshot's first message."""
    warnings = []
    for step in plan.steps:
        if not isinstance(step.node, TimeCompare):
            continue
        for label, shifted, _ in shifted_windows(step.node, window):
            if first is None or first > shifted.start:
                seen = "no messages" if first is None else f"messages from {first.isoformat()} on"
                warnings.append(
                    f"compare timeshift {label}: the snapshot has {seen}, so it does not cover "
                    f"{shifted.start.isoformat()} - {shifted.end.isoformat()}; its cells are "
                    "null or partial"
                )
    return warnings


OPERATORS = (
    Operator(TimeCompare, plan_compare, compare_sql, ("compare",), parse_compare),
    Operator(WithTime, plan_withtime, withtime_sql, ("withtime",), parse_withtime),
)
