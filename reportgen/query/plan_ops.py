"""Planning the Tier 2 row operators: the fields they add (strings for parsers, the expression's
type for `as`), the nodrop flag of parse-family stages (§4.2), and the checks of their inputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reportgen.query.expr_sql import ExprCompiler
from reportgen.query.nodes import (
    Assign,
    Dedup,
    Json,
    KeyValue,
    Name,
    ParseRegex,
    Split,
)
from reportgen.query.problems import semantic
from reportgen.query.schema import RESCUED, Field, FieldType, OrderTerm

if TYPE_CHECKING:
    from reportgen.query.plan import Planner, Step


def more_planners(planner: Planner) -> dict[type[Any], Callable[[Any, Step], Step]]:
    def parse_family(stage: ParseRegex | Json | KeyValue, prev: Step) -> Step:
        return _plan_parse_family(planner, stage, prev)

    return {
        ParseRegex: parse_family,
        Json: parse_family,
        KeyValue: parse_family,
        Split: lambda stage, prev: _plan_split(planner, stage, prev),
        Assign: lambda stage, prev: _plan_assign(planner, stage, prev),
        Dedup: lambda stage, prev: _plan_dedup(planner, stage, prev),
    }


def target_names(stage: ParseRegex | Json | KeyValue) -> tuple[Name, ...]:
    if isinstance(stage, ParseRegex):
        return tuple(name for names in stage.groups for name in names)
    return stage.names


def retyped(ordering: tuple[OrderTerm, ...], column: str, kind: FieldType) -> tuple[OrderTerm, ...]:
    """The row order after `column` changed type (text compares by code point, numbers not)."""
    return tuple(
        dataclasses.replace(term, text=kind == "string") if term.col == column else term
        for term in ordering
    )


def _put_strings(planner: Planner, prev: Step, names: tuple[Name, ...]) -> Step:
    schema = prev.schema
    ordering = prev.ordering
    for name in names:
        existing = schema.get(name.key)
        display = existing.name if existing else name.text
        column = planner.cols.col(name.key)
        schema = schema.put(Field(name.key, display, "string", column))
        ordering = retyped(ordering, column, "string")
    return dataclasses.replace(
        prev, schema=schema, ordering=ordering, condition=None, pivot=None, computed=()
    )


def _plan_parse_family(planner: Planner, stage: ParseRegex | Json | KeyValue, prev: Step) -> Step:
    if stage.source is not None:
        planner._field(prev.schema, stage.source)
    elif prev.schema.get("_raw") is None:
        message = "this parser reads '_raw', which is gone after aggregation"
        planner.errors.append(
            semantic(planner.text, stage.span, message, "use 'field=<name>' to parse a field")
        )
    if isinstance(stage, ParseRegex) and stage.multi and len(stage.regexes) > 1:
        message = "'multi' takes one regular expression"
        planner.errors.append(
            semantic(planner.text, stage.span, message, "use one 'parse regex' per expression")
        )
    step = _put_strings(planner, prev, target_names(stage))
    schema = step.schema.with_internal(RESCUED) if stage.nodrop else step.schema
    return dataclasses.replace(step, node=stage, schema=schema)


def _plan_split(planner: Planner, stage: Split, prev: Step) -> Step:
    planner._field(prev.schema, stage.source)
    step = _put_strings(planner, prev, tuple(name for _, name in stage.items))
    return dataclasses.replace(step, node=stage)


def _plan_assign(planner: Planner, stage: Assign, prev: Step) -> Step:
    compiler = ExprCompiler(planner.text, prev.schema, planner.errors, planner.tz)
    sql, kind = compiler.value(stage.expr)
    field_type: FieldType = "string" if kind == "null" else kind
    if kind == "null":
        sql = "CAST(NULL AS VARCHAR)"
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


def _plan_dedup(planner: Planner, stage: Dedup, prev: Step) -> Step:
    for name in stage.by:
        planner._field(prev.schema, name)
    if not stage.by and prev.schema.get("_raw") is None:
        message = "'dedup' without 'by' compares '_raw', which is gone after aggregation"
        planner.errors.append(semantic(planner.text, stage.span, message, "add 'by <fields>'"))
    return dataclasses.replace(prev, node=stage, condition=None, pivot=None, computed=())
