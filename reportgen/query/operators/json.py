"""`json "path", ... [as ...]` and `json auto` (spec §4.4).

The input must be a JSON document, or hold one from its first `{` (a syslog prefix). Paths are
written as Sumo writes them (`a.b[0]`, `['k y']`, `a[*].b`) and stored as engine JSON paths.
`json auto` takes its fields from the data: the engine first lists every leaf's path, then the
query is planned with one field per flattened key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.operators.parsing import (
    INPUT,
    MAX_KEYS,
    Capture,
    as_names,
    chosen,
    computed_columns,
    extraction_sql,
    input_sql,
    plan_auto,
    plan_extraction,
    source_option,
    strings,
)
from reportgen.query.problems import span_of
from reportgen.query.syntax.nodes import Name, Stage
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import PendingPivot, Step
    from reportgen.query.planner import Planner

_PATH_PART = re.compile(r"\.?([A-Za-z0-9_\-$@]+)|\[\s*(\d+|\*)\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]")
_FULLKEY = re.compile(r'\.(?:"((?:[^"\\]|\\.)*)"|([^."\[]+))|\[(\d+)\]')


@dataclass(frozen=True)
class Json:
    """`json [field=f] "path", ... [as a, ...] [nodrop]` (§4.4); `paths` are engine JSON paths."""

    paths: tuple[str, ...]
    names: tuple[Name, ...]
    source: Name | None
    nodrop: bool
    span: Span


@dataclass(frozen=True)
class JsonAuto:
    """`json auto [field=f] [maxdepth N] [extractarrays] [keys "k", ... [refonly] [as ...]]`:
    one field per flattened key found in the data (§4.4); never drops a row."""

    source: Name | None
    maxdepth: int | None
    extractarrays: bool
    keys: tuple[str, ...]
    names: tuple[Name, ...]
    span: Span


# --- parsing ----------------------------------------------------------------------------------


def parse_json(stream: Stream, first: Token) -> Stage:
    source = source_option(stream)
    if stream.accept_word("auto") is not None:
        return _parse_auto(stream, first, source)
    paths = strings(stream, "a quoted JSON path after 'json'")
    source = source or source_option(stream)
    names = as_names(stream, len(paths), "JSON path")
    nodrop = stream.accept_word("nodrop") is not None
    converted = [_json_path(stream, token) for token in paths]
    if not names:
        names = [Name(_default_name(token.value), token.span) for token in paths]
    return Json(tuple(converted), tuple(names), source, nodrop, stream.span_from(first.span.start))


def _parse_auto(stream: Stream, first: Token, source: Name | None) -> Stage:
    maxdepth: int | None = None
    extractarrays = False
    keys: list[Token] = []
    names: list[Name] = []
    while not stream.at_end():
        if stream.accept_word("field") is not None:
            stream.expect_op("=", "'field'")
            source = stream.name("the field to parse after 'field='")
        elif stream.accept_word("maxdepth") is not None:
            maxdepth, depth_span = stream.integer("a depth after 'maxdepth'")
            if maxdepth < 1:
                raise stream.error_at(depth_span, "maxdepth must be at least 1")
        elif stream.accept_word("extractarrays") is not None:
            extractarrays = True
        elif stream.accept_word("keys") is not None:
            keys = strings(stream, "the quoted keys after 'keys'")
            stream.accept_word("refonly")
            names = as_names(stream, len(keys), "key")
        else:
            break
    span = stream.span_from(first.span.start)
    key_texts = tuple(token.value for token in keys)
    return JsonAuto(source, maxdepth, extractarrays, key_texts, tuple(names), span)


def _default_name(path: str) -> str:
    """The field a path without `as` fills: the path as written (`a.b` -> `a.b`, reachable as
    `%"a.b"`), or the key of a lone `['k y']`."""
    text = path.strip().removeprefix("$").removeprefix(".")
    lone = re.fullmatch(r"\[\s*'((?:[^'\\]|\\.)*)'\s*\]", text)
    return re.sub(r"\\(.)", r"\1", lone.group(1)) if lone else text


def _json_path(stream: Stream, token: Token) -> str:
    """`a.b[0]`, `['k y']`, `a[*].b` -> an engine path."""
    text = token.value.strip()
    text = text[1:] if text.startswith("$") else text
    position = 0
    parts: list[str] = []
    while position < len(text):
        match = _PATH_PART.match(text, position)
        if match is None or match.end() == position:
            span = span_of(stream.text, token.span.start + 1 + position, token.span.end - 1)
            raise stream.error_at(span, f"invalid JSON path '{token.value}'")
        key, index, quoted = match.groups()
        if key is not None or quoted is not None:
            name = key if key is not None else re.sub(r"\\(.)", r"\1", quoted or "")
            parts.append('."' + name.replace('"', '\\"') + '"')
        else:
            parts.append(f"[{index}]")
        position = match.end()
    if not parts:
        raise stream.error_at(token.span, "empty JSON path")
    return "$" + "".join(parts)


# --- planning ---------------------------------------------------------------------------------


def plan_json(planner: Planner, stage: Json, prev: Step) -> Step:
    return plan_extraction(planner, stage, prev, stage.names)


def json_key_parts(fullkey: str) -> list[str | int]:
    """An engine's `$.a."b c"[0]` -> ["a", "b c", 0]."""
    parts: list[str | int] = []
    for match in _FULLKEY.finditer(fullkey, 1):
        quoted, plain, index = match.groups()
        if index is not None:
            parts.append(int(index))
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else plain or "")
    return parts


def auto_fields(stage: JsonAuto, fullkeys: Sequence[str]) -> list[tuple[str, list[str]]]:
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
    return chosen(list(out.values()), stage.keys)


def name_path(name: str) -> list[str]:
    """The JSON path of a flattened name the data did not show (`users[2].address.street`)."""
    path = "$"
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", name):
        path += (
            f"[{index}]" if index else '."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
        )
    return [path]


def plan_json_auto(planner: Planner, stage: JsonAuto, prev: Step) -> Step | PendingPivot:
    return plan_auto(planner, stage, prev, auto_fields, sanitize=False, infer=name_path)


# --- SQL --------------------------------------------------------------------------------------


def json_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, Json)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    inner = f"SELECT *, {gen.dialect.json_document(INPUT)} AS __rg_doc FROM ({inner})"
    captures: list[Capture] = []
    found: list[str] = []
    for path, name in zip(node.paths, node.names, strict=True):
        if "[*]" in path:
            hit, value = gen.dialect.json_matches("__rg_doc", path)
        else:
            hit = gen.dialect.json_found("__rg_doc", path)
            value = gen.dialect.json_text("__rg_doc", path)
        found.append(hit)
        captures.append(Capture(name.key, hit, value))
    matched = "(" + " AND ".join(found) + ")"
    return extraction_sql(gen, step, prev, inner, captures, matched, node.nodrop)


def json_keys_sql(gen: SqlGenerator, pending: PendingPivot) -> str:
    """`json auto` first asks the data for its keys: every leaf's path (`$.a."b c"[0]`)."""
    source = pending.auto_input
    assert source is not None
    text = source.col if source.type == "string" else gen.dialect.text(source.col)
    leaves = gen.dialect.json_leaf_paths(gen.source, gen.dialect.json_document(text), MAX_KEYS)
    return f"{gen.with_clause()}\n{leaves}"


def json_auto_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, JsonAuto)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    inner = f"SELECT *, {gen.dialect.json_document(INPUT)} AS __rg_doc FROM ({inner})"
    paths: dict[str, list[str]] = {}
    for key, path in step.computed:
        paths.setdefault(key, []).append(gen.dialect.json_text("__rg_doc", path))
    return f"SELECT {computed_columns(step, paths)}\n  FROM ({inner})"


OPERATORS = (
    Operator(Json, plan_json, json_sql, ("json",), parse_json),
    Operator(JsonAuto, plan_json_auto, json_auto_sql, pending=json_keys_sql),
)
