"""`lookup a, b [as x] from PATH on field=column[, ...]`, `lookup * from PATH on field` and the
`lookupContains(PATH, field=column)` condition (Sumo's lookup tables).

PATH is how the query names the table (`path://"/Library/Users/me/t"`, `https://x/t.csv`,
`/shared/t`); sources.yaml maps each to a local CSV file, which the engine holds as a table (see
`plan/lookups.py`). As in Sumo, keys compare case-insensitively (as text; a numeric field
numerically), rows without a match are kept with nulls, and when a key is in several rows the
last one wins. Each `on` pair names a field of the query and a column of the table; either may
come first (Sumo's docs write both orders).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.operators.parsing import string_field
from reportgen.query.operators.rows import retyped
from reportgen.query.plan.lookups import ROW, column_name
from reportgen.query.plan.schema import Field
from reportgen.query.sql.lookups import key_sql, match_pairs, missing_column
from reportgen.query.syntax.nodes import Name, TableRef
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner


@dataclass(frozen=True)
class Output:
    column: Name
    alias: Name | None


@dataclass(frozen=True)
class Lookup:
    """`lookup <outputs> from <table> on <pairs>`; no outputs: `lookup *`."""

    outputs: tuple[Output, ...]
    table: TableRef
    on: tuple[tuple[Name, Name], ...]  # as written; `on f` is (f, f)
    span: Span


@dataclass(frozen=True)
class LookupJoin:
    """A planned lookup: the SQL table, (field, column index, numeric) per key, and (target
    field, column index) per output."""

    table: str
    keys: tuple[tuple[Field, int], ...]
    outputs: tuple[tuple[Field, int], ...]


# --- parsing ----------------------------------------------------------------------------------


def parse_table(stream: Stream, after: str) -> TableRef:
    """A lookup table path token."""
    token = stream.peek()
    if token is None or token.kind is not Kind.PATH:
        hint = 'e.g. path://"/Library/Users/me/table", https://host/table.csv or /shared/table'
        raise stream.error(f"expected a lookup table after {after}", hint)
    stream.pos += 1
    return TableRef(token.text, token.span)


def parse_lookup(stream: Stream, first: Token) -> Lookup:
    outputs: list[Output] = []
    if stream.accept_op("*") is None:
        while True:
            column = stream.name("a column of the lookup table")
            alias = stream.name("a name after 'as'") if stream.accept_word("as") else None
            outputs.append(Output(column, alias))
            if stream.accept_op(",") is None:
                break
    stream.expect_word("from", "the columns to look up")
    table = parse_table(stream, "'from'")
    stream.expect_word("on", "the lookup table")
    pairs: list[tuple[Name, Name]] = []
    while True:
        left = stream.name("a field to match on")
        right = stream.name("a column after '='") if stream.accept_op("=") else left
        pairs.append((left, right))
        if stream.accept_op(",") is None and stream.accept_word("and") is None:
            break
    stream.no_duplicates([o.alias or o.column for o in outputs], "output")
    return Lookup(tuple(outputs), table, tuple(pairs), stream.span_from(first.span.start))


# --- planning ---------------------------------------------------------------------------------


def plan_lookup(planner: Planner, stage: Lookup, prev: Step) -> Step:
    table = planner.table(stage.table)
    if table is None:
        return dataclasses.replace(prev, node=stage, condition=None, pivot=None, computed=())
    keys = match_pairs(planner.text, prev.schema, table, stage.on, planner.field, planner.errors)
    wanted: list[tuple[str, int]] = []
    if stage.outputs:
        for output in stage.outputs:
            index = table.column(output.column.text)
            if index is None:
                planner.errors.append(missing_column(planner.text, table, output.column))
                continue
            wanted.append(((output.alias or output.column).text, index))
    else:  # `*`: every column, but a key column named like its field would only copy it
        same = {index for field, index in keys if table.columns[index].lower() == field.key}
        wanted = [(name, i) for i, name in enumerate(table.columns) if i not in same]
    schema, ordering = prev.schema, prev.ordering
    outputs: list[tuple[Field, int]] = []
    for display, index in wanted:
        field = string_field(planner, schema, display)
        schema = schema.put(field)
        ordering = retyped(ordering, field.col, "string")
        outputs.append((field, index))
    join = LookupJoin(table.name, tuple(keys), tuple(outputs))
    return dataclasses.replace(
        prev,
        node=stage,
        schema=schema,
        ordering=ordering,
        condition=None,
        pivot=None,
        computed=(),
        join=join,
    )


# --- SQL --------------------------------------------------------------------------------------


def lookup_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """The previous rows LEFT JOIN the table's last row of each key (unmatched rows keep nulls)."""
    assert prev is not None and isinstance(step.node, Lookup)
    join = step.join
    if join is None:
        return f"SELECT * FROM {gen.source}"
    keys = [key_sql(gen.dialect, field, column_name(index), "s.") for field, index in join.keys]
    partition = ", ".join(table_side for _, table_side in keys) or "1"
    picked = [f"{table_side} AS __rg_k{i}" for i, (_, table_side) in enumerate(keys)]
    picked += [f"{column_name(i)} AS __rg_v{n}" for n, (_, i) in enumerate(join.outputs)]
    last = (
        f"SELECT {', '.join(picked)} FROM (SELECT *, row_number() OVER (PARTITION BY "
        f"{partition} ORDER BY {ROW} DESC) AS __rg_n FROM {gen.dialect.table(join.table)}) "
        "WHERE __rg_n = 1"
    )
    values = {field.key: f"lk.__rg_v{n}" for n, (field, _) in enumerate(join.outputs)}
    columns = [
        f"{values[f.key]} AS {f.col}" if f.key in values else f"s.{f.col}"
        for f in step.schema.fields
    ]
    columns += [f"s.{column}" for column in step.schema.internal]
    on = " AND ".join(f"lk.__rg_k{i} = {side}" for i, (side, _) in enumerate(keys))
    return (
        f"SELECT {', '.join(columns)}\n  FROM {gen.source} AS s\n"
        f"  LEFT JOIN ({last}) AS lk\n  ON {on or 'FALSE'}"
    )


OPERATORS = (Operator(Lookup, plan_lookup, lookup_sql, ("lookup",), parse_lookup),)
