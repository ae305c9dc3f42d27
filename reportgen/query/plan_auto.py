"""Planning `json auto` and `kv auto`: their fields come from the data, so planning stops at
them once (a pending step whose SQL lists the keys) and resumes with the keys found."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reportgen.query.nodes import JsonAuto, KvAuto
from reportgen.query.plan_ops import retyped
from reportgen.query.problems import semantic
from reportgen.query.schema import Field

if TYPE_CHECKING:
    from reportgen.query.plan import PendingPivot, Planner, Step


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


def _kv_fields(stage: KvAuto, keys: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(field name, keys) per key found: other characters than letters, digits and `_` become
    `_`; keys equal but for case (or those characters) are one field."""
    out: dict[str, tuple[str, list[str]]] = {}
    for key in keys:
        name = re.sub(r"[^A-Za-z0-9_]", "_", key)
        out.setdefault(name.lower(), (name, []))[1].append(key)
    fields = list(out.values())
    if stage.keys:
        wanted = {re.sub(r"[^A-Za-z0-9_]", "_", key).lower(): i for i, key in enumerate(stage.keys)}
        fields = [f for f in fields if f[0].lower() in wanted]
        fields.sort(key=lambda f: wanted[f[0].lower()])
    return fields[:MAX_AUTO_FIELDS]


def plan_auto(
    planner: Planner, stage: JsonAuto | KvAuto, prev: Step, index: int
) -> Step | PendingPivot:
    """Fields come from the data: first a query for the JSON keys (a pending step), then the
    plan with one string field per key (`as` renames the listed `keys`)."""
    from reportgen.query.plan import PendingPivot as Pending

    source = planner._field(prev.schema, stage.source) if stage.source else prev.schema.get("_raw")
    if source is None:
        if stage.source is None:
            message = "this parser reads '_raw', which is gone after aggregation"
            planner.errors.append(semantic(planner.text, stage.span, message))
        return dataclasses.replace(prev, node=stage, condition=None, pivot=None, computed=())
    fullkeys = planner.pivot_values.get(index)
    if fullkeys is None:
        return Pending(index, (), auto_input=source)
    found = (
        _auto_fields(stage, fullkeys)
        if isinstance(stage, JsonAuto)
        else _kv_fields(stage, fullkeys)
    )
    schema = prev.schema
    ordering = prev.ordering
    computed: list[tuple[str, str]] = []
    sanitize = isinstance(stage, KvAuto)
    renames = {
        (re.sub(r"[^A-Za-z0-9_]", "_", key) if sanitize else key).lower(): name
        for key, name in zip(stage.keys, stage.names, strict=False)
    }
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
