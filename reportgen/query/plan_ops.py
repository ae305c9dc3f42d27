"""Planning the Tier 2 row operators: the fields they add (strings for parsers, the expression's
type for `as`), the nodrop flag of parse-family stages (§4.2), and the checks of their inputs."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reportgen.query.expr_sql import ExprCompiler
from reportgen.query.nodes import (
    Assign,
    Dedup,
    Json,
    JsonAuto,
    KeyValue,
    Name,
    ParseRegex,
    Split,
)
from reportgen.query.problems import semantic
from reportgen.query.schema import RESCUED, Field, FieldType, OrderTerm

if TYPE_CHECKING:
    from reportgen.query.plan import PendingPivot, Planner, Step


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


MAX_AUTO_FIELDS = 100
_FULLKEY = re.compile(r'\.(?:"((?:[^"\\]|\\.)*)"|([^."\[]+))|\[(\d+)\]')


def json_key_parts(fullkey: str) -> list[str | int]:
    """DuckDB's `$.a."b c"[0]` -> ["a", "b c", 0]."""
    parts: list[str | int] = []
    for match in _FULLKEY.finditer(fullkey, 1):
        quoted, plain, index = match.groups()
        if index is not None:
            parts.append(int(index))
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else plain or "")
    return parts


def _auto_fields(stage: JsonAuto, fullkeys: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(field name, JSON paths) per flattened key: arrays stay whole unless `extractarrays`,
    objects deeper than `maxdepth` stay whole; spaces in keys become `_`; keys differing only in
    case are one field (the first spelling names it) read from whichever path a row has."""
    out: dict[str, tuple[str, list[str]]] = {}
    for fullkey in fullkeys:
        parts = json_key_parts(fullkey)
        if not stage.extractarrays:
            first_index = next((i for i, p in enumerate(parts) if isinstance(p, int)), None)
            parts = parts if first_index is None else parts[:first_index]
        if stage.maxdepth is not None:
            parts = parts[: stage.maxdepth]
        if not parts:
            continue
        name = ""
        path = "$"
        for part in parts:
            if isinstance(part, int):
                name += f"[{part}]"
                path += f"[{part}]"
            else:
                name += ("." if name else "") + part.replace(" ", "_")
                path += '."' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
        paths = out.setdefault(name.lower(), (name, []))[1]
        if path not in paths:
            paths.append(path)
    fields = list(out.values())
    if stage.keys:
        wanted = {key.lower(): i for i, key in enumerate(stage.keys)}
        fields = [f for f in fields if f[0].lower() in wanted]
        fields.sort(key=lambda f: wanted[f[0].lower()])
    return fields[:MAX_AUTO_FIELDS]


def plan_json_auto(
    planner: Planner, stage: JsonAuto, prev: Step, index: int
) -> Step | PendingPivot:
    """Fields come from the data: first a query for the JSON keys (a pending step), then the
    plan with one string field per key (`as` renames the listed `keys`)."""
    from reportgen.query.plan import PendingPivot as Pending

    source = planner._field(prev.schema, stage.source) if stage.source else prev.schema.get("_raw")
    if source is None:
        if stage.source is None:
            message = "'json auto' reads '_raw', which is gone after aggregation"
            planner.errors.append(semantic(planner.text, stage.span, message))
        return dataclasses.replace(prev, node=stage, condition=None, pivot=None, computed=())
    fullkeys = planner.pivot_values.get(index)
    if fullkeys is None:
        return Pending(index, (), json_input=source)
    found = _auto_fields(stage, fullkeys)
    schema = prev.schema
    ordering = prev.ordering
    computed: list[tuple[str, str]] = []
    renames = {key.lower(): name for key, name in zip(stage.keys, stage.names, strict=False)}
    for name, paths in found:
        target = renames.get(name.lower())
        display = target.text if target else name
        existing = schema.get(display.lower())
        field = Field(
            display.lower(),
            existing.name if existing else display,
            "string",
            planner.cols.col(display.lower()),
        )
        schema = schema.put(field)
        ordering = retyped(ordering, field.col, "string")
        computed.extend((field.key, path) for path in paths)
    return dataclasses.replace(
        prev,
        node=stage,
        schema=schema,
        ordering=ordering,
        condition=None,
        pivot=None,
        computed=tuple(computed),
    )
