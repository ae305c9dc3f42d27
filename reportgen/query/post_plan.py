"""Planning `topk`, the window operators (§8.5) and `fillmissing` (§8.4).

These operators work in the current row order, so their steps materialise it: the row number of
the previous order becomes the internal column ORDER_COL, and the new step is ordered by it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reportgen.query import compare, outlier
from reportgen.query.nodes import (
    FillMissing,
    Name,
    Outlier,
    TimeCompare,
    Timeslice,
    Topk,
    Window,
    WithTime,
)
from reportgen.query.problems import semantic
from reportgen.query.schema import Field, OrderTerm

if TYPE_CHECKING:
    from reportgen.query.plan import Planner, Step

ORDER_COL = "__rg_ord"
RANK = "_rank"
ORDERED = (OrderTerm(ORDER_COL, False, False),)


def planners(planner: Planner) -> dict[type[Any], Callable[[Any, Step], Step]]:
    """The planning functions of this module, bound to `planner`, for its PLANNERS table."""
    return {
        Topk: lambda stage, prev: plan_topk(planner, stage, prev),
        Window: lambda stage, prev: plan_window(planner, stage, prev),
        FillMissing: lambda stage, prev: plan_fillmissing(planner, stage, prev),
        TimeCompare: lambda stage, prev: compare.plan_compare(planner, stage, prev),
        WithTime: lambda stage, prev: compare.plan_withtime(planner, stage, prev),
        Outlier: lambda stage, prev: outlier.plan_outlier(planner, stage, prev),
    }


def _fields(planner: Planner, prev: Step, names: tuple[Name, ...]) -> list[Field]:
    return [f for name in names if (f := planner._field(prev.schema, name)) is not None]


def plan_topk(planner: Planner, stage: Topk, prev: Step) -> Step:
    """Keeps the ranked rows and adds `_rank`; rows come out by group, then by rank."""
    _fields(planner, prev, stage.fields)
    groups = _fields(planner, prev, stage.by)
    rank = Field(RANK, RANK, "number", planner.cols.col(RANK))
    schema = prev.schema.put(rank)
    ordering = (
        *(OrderTerm(g.col, False, g.type == "string") for g in groups),
        OrderTerm(rank.col, False, False),
    )
    return dataclasses.replace(
        prev, node=stage, schema=schema, ordering=ordering, condition=None, pivot=None
    )


def plan_window(planner: Planner, stage: Window, prev: Step) -> Step:
    """Adds `_<op>` (or the alias) to every row; the row order does not change."""
    found = planner._field(prev.schema, stage.field)
    _fields(planner, prev, stage.by)
    display = stage.alias.text if stage.alias else f"_{stage.op}"
    kind = found.type if stage.op == "backshift" and found is not None else "number"
    output = Field(display.lower(), display, kind, planner.cols.col(display.lower()))
    schema = prev.schema.put(output).with_internal(ORDER_COL)
    return dataclasses.replace(
        prev, node=stage, schema=schema, ordering=ORDERED, condition=None, pivot=None
    )


def previous_timeslice(stages: tuple[object, ...], stage: object) -> Timeslice | None:
    """The last `timeslice` stage before `stage`."""
    found = None
    for item in stages:
        if item is stage:
            break
        if isinstance(item, Timeslice):
            found = item
    return found


def plan_fillmissing(planner: Planner, stage: FillMissing, prev: Step) -> Step:
    """Appends the missing key combinations after the existing rows (§8.4)."""
    keys: set[str] = set()
    timeslices = 0
    for generator in stage.generators:
        name = generator.field or Name("_timeslice", generator.span)
        found = planner._field(prev.schema, name)
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
        planner._field(prev.schema, constant.field)
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
