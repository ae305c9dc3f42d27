"""What the parse family shares (spec §4): option grammar, nodrop planning, capture SQL, and the
fields that come from the data (`json auto`, `kv auto`).

Every parse-family stage reads one input text (`_raw` or `field=`), which its SQL puts in column
`__rg_in`; each target field takes its capture where the stage's pattern matched (else keeps its
old value), and rows where the stage did not match are dropped unless `nodrop`, or rescued by an
earlier nodrop stage (§4.2).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportgen.query.operators.rows import retyped
from reportgen.query.plan.schema import KEEP, RESCUED, Field, Schema
from reportgen.query.plan.steps import PendingPivot
from reportgen.query.problems import semantic, span_of
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

INPUT = "__rg_in"
MAX_KEYS = 10_000  # distinct keys `json auto`/`kv auto` look at
MAX_AUTO_FIELDS = 100
READS_RAW = "this parser reads '_raw', which is gone after aggregation"

# --- options ----------------------------------------------------------------------------------


def count_of(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def source_option(stream: Stream) -> Name | None:
    """`field=<name>`: the field to parse instead of `_raw`."""
    if stream.accept_word("field") is None:
        return None
    stream.expect_op("=", "'field'")
    return stream.name("the field to parse after 'field='")


def strings(stream: Stream, what: str) -> list[Token]:
    """`"a", "b", ...`: one or more quoted strings."""
    token = stream.peek()
    if token is None or token.kind is not Kind.STRING:
        raise stream.error(f"expected {what}")
    out = [stream.next()]
    while (comma := stream.peek()) is not None and comma.is_op(","):
        following = stream.peek(1)
        if following is None or following.kind is not Kind.STRING:
            break
        stream.pos += 2
        out.append(following)
    return out


def as_names(stream: Stream, wanted: int, noun: str) -> list[Name]:
    """`as a, b`: exactly `wanted` names (none without `as`)."""
    if stream.accept_word("as") is None:
        return []
    names = stream.names("a field name")
    if len(names) != wanted:
        span = span_of(stream.text, names[0].span.start, names[-1].span.end)
        counts = f"{count_of(wanted, noun)} but {count_of(len(names), 'name')}"
        raise stream.error_at(span, f"{counts} after 'as'")
    return names


# --- planning ---------------------------------------------------------------------------------


def string_field(planner: Planner, schema: Schema, name: str) -> Field:
    """A string field named `name` (an existing field of that name keeps its spelling)."""
    existing = schema.get(name.lower())
    display = existing.name if existing else name
    return Field(name.lower(), display, "string", planner.cols.col(name.lower()))


def put_strings(planner: Planner, prev: Step, names: Sequence[Name]) -> Step:
    """`prev` with a string field per name (an existing field keeps its spelling)."""
    schema = prev.schema
    ordering = prev.ordering
    for name in names:
        field = string_field(planner, schema, name.text)
        schema = schema.put(field)
        ordering = retyped(ordering, field.col, "string")
    return dataclasses.replace(
        prev, schema=schema, ordering=ordering, condition=None, pivot=None, computed=()
    )


def check_source(planner: Planner, stage: Any, prev: Step) -> None:
    """The input field exists (`field=`), or `_raw` still does."""
    if stage.source is not None:
        planner.field(prev.schema, stage.source)
    elif prev.schema.get("_raw") is None:
        planner.errors.append(
            semantic(planner.text, stage.span, READS_RAW, "use 'field=<name>' to parse a field")
        )


def plan_extraction(planner: Planner, stage: Any, prev: Step, names: Sequence[Name]) -> Step:
    """A parse-family stage adding string fields `names`; nodrop marks rescued rows."""
    check_source(planner, stage, prev)
    step = put_strings(planner, prev, names)
    schema = step.schema.with_internal(RESCUED) if stage.nodrop else step.schema
    return dataclasses.replace(step, node=stage, schema=schema)


# --- SQL --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Capture:
    key: str
    found: str  # condition: this capture's pattern matched
    value: str


def input_sql(gen: SqlGenerator, prev: Step, key: str, extra: str = "") -> str:
    """The previous rows with the stage's input text as `__rg_in`."""
    source = prev.schema.get(key)
    text = f"CAST(NULL AS {gen.dialect.text_type})" if source is None else source.col
    if source is not None and source.type != "string":
        text = gen.dialect.text(text)
    return f"SELECT *, {text} AS {INPUT}{extra} FROM {gen.source}"


def extraction_sql(
    gen: SqlGenerator,
    step: Step,
    prev: Step,
    inner: str,
    captures: list[Capture],
    matched: str,
    nodrop: bool,
) -> str:
    """The CTE body of a parse-family stage over `inner` (rows with the input and helpers)."""
    by_key = {capture.key: capture for capture in captures}
    rescued_before = RESCUED in prev.schema.internal
    columns: list[str] = []
    for field in step.schema.fields:
        capture = by_key.get(field.key)
        if capture is None:
            columns.append(field.col)
            continue
        old = prev.schema.get(field.key)
        otherwise = "NULL" if old is None else old.col
        if old is not None and old.type != "string":
            otherwise = gen.dialect.text(otherwise)
        columns.append(
            f"CASE WHEN {capture.found} THEN {capture.value} ELSE {otherwise} END AS {field.col}"
        )
    kept = f"({matched} OR {RESCUED})" if rescued_before else matched
    marking = KEEP in step.schema.internal  # a field extraction rule: mark, never drop
    for column in step.schema.internal:
        if column == RESCUED and nodrop:
            flag = f"({RESCUED} OR {matched})" if rescued_before else matched
            columns.append(f"{flag} AS {RESCUED}")
        elif column == KEEP and not nodrop:
            columns.append(f"({KEEP} AND coalesce({kept}, false)) AS {KEEP}")
        else:
            columns.append(column)
    sql = f"SELECT {', '.join(columns)}\n  FROM ({inner})"
    if not nodrop and not marking:
        sql += f"\n  WHERE {kept}"
    return sql


def computed_columns(step: Step, values: dict[str, list[str]]) -> str:
    """Every column of `step`, the keys of `values` computed (several values: the first not
    null), the others passed through."""
    columns = [
        (f"coalesce({', '.join(values[f.key])})" if len(values[f.key]) > 1 else values[f.key][0])
        + f" AS {f.col}"
        if f.key in values
        else f.col
        for f in step.schema.fields
    ]
    return ", ".join(columns + list(step.schema.internal))


# --- fields from the data (`json auto`, `kv auto`) ----------------------------------------------

Discover = Callable[[Any, Sequence[str]], list[tuple[str, list[str]]]]
Infer = Callable[[str], list[str]]


def plan_auto(
    planner: Planner, stage: Any, prev: Step, discover: Discover, sanitize: bool, infer: Infer
) -> Step | PendingPivot:
    """Fields come from the data: first a query for the keys (a pending step), then the plan
    with one string field per key (`discover` maps the keys found to (name, sources) pairs;
    `as` renames the listed `keys`; `sanitize`: key characters other than letters, digits and
    `_` become `_`). A name the rest of the query uses that no key gave is a field too, read
    with the sources `infer` gives for it (so null where the data lacks it)."""
    source = planner.field(prev.schema, stage.source) if stage.source else prev.schema.get("_raw")
    if source is None:
        if stage.source is None:
            planner.errors.append(semantic(planner.text, stage.span, READS_RAW))
        return dataclasses.replace(prev, node=stage, condition=None, pivot=None, computed=())
    found_keys = planner.pivot_values.get(planner.index)
    if found_keys is None:
        return PendingPivot(planner.index, stage, auto_input=source)
    schema = prev.schema
    ordering = prev.ordering
    computed: list[tuple[str, str]] = []
    renames = {
        (field_name(key) if sanitize else key).lower(): name
        for key, name in zip(stage.keys, stage.names, strict=False)
    }
    fields = discover(stage, found_keys)
    given = {name.lower() for name, _ in fields} | {target.key for target in renames.values()}
    for used in planner.inferred.get(planner.index, ()):
        if used.key not in given and schema.get(used.key) is None:
            fields.append((used.text, infer(used.text)))
    for name, sources in fields:
        target = renames.get(name.lower())
        field = string_field(planner, schema, target.text if target else name)
        schema = schema.put(field)
        ordering = retyped(ordering, field.col, "string")
        computed.extend((field.key, item) for item in sources)
    return dataclasses.replace(
        prev,
        node=stage,
        schema=dataclasses.replace(schema, open_at=planner.index),
        ordering=ordering,
        condition=None,
        pivot=None,
        computed=tuple(computed),
    )


def field_name(key: str) -> str:
    """A key as a field name: characters other than letters, digits and `_` become `_`."""
    return re.sub(r"[^A-Za-z0-9_]", "_", key)


def chosen(fields: list[tuple[str, list[str]]], keys: Sequence[str]) -> list[tuple[str, list[str]]]:
    """With `keys "a", "b"`: only those fields, in that order; at most MAX_AUTO_FIELDS."""
    if keys:
        wanted = {key.lower(): i for i, key in enumerate(keys)}
        fields = [f for f in fields if f[0].lower() in wanted]
        fields.sort(key=lambda f: wanted[f[0].lower()])
    return fields[:MAX_AUTO_FIELDS]
