"""`transpose row r column c [as a, b, *]` (spec §8.3): aggregated rows into a pivot table.

The dynamic columns come from the data, so planning stops at the transpose (a `PendingPivot`)
until the engine has fetched the distinct column values, then plans again with them: one column
per value (alphabetical, values differing only in case merged, narrowed and ordered by the `as`
list, at most MAX_COLUMNS). Cells take the first value in the previous row order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.plan.schema import ColumnNames, Field, OrderTerm, Schema
from reportgen.query.plan.steps import PendingPivot, Step
from reportgen.query.problems import semantic
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.planner import Planner

MAX_COLUMNS = 300
MAX_PIVOT_VALUES = 10_000


@dataclass(frozen=True)
class Transpose:
    """`transpose row r column c [as a, b, *]` (§8.3); `outputs` None = all dynamic columns."""

    rows: tuple[Name, ...]
    columns: tuple[Name, ...]
    outputs: tuple[Name, ...] | None
    rest: bool  # the `as` list ends with `*`
    span: Span


@dataclass(frozen=True)
class DynamicColumn:
    """One output column; `sources` are the (column value, value field) pairs it shows (more than
    one when values differ only by case and were merged); none = a column of nulls."""

    field: Field
    sources: tuple[tuple[str, Field], ...]


@dataclass(frozen=True)
class Pivot:
    rows: tuple[Field, ...]
    columns: tuple[Field, ...]
    values: tuple[Field, ...]
    dynamic: tuple[DynamicColumn, ...]


def dynamic_columns(
    values: Sequence[str],
    value_fields: Sequence[Field],
    outputs: Sequence[Name] | None,
    rest: bool,
    taken: set[str],
    names: ColumnNames,
    warnings: list[str],
) -> tuple[DynamicColumn, ...]:
    """Columns for the distinct column `values`: alphabetical, case-insensitive names merged,
    narrowed and ordered by the `as` list, at most 300."""
    groups: dict[str, list[tuple[str, str, Field]]] = {}
    for value in values:
        for value_field in value_fields:
            name = value if len(value_fields) == 1 else f"{value}_{value_field.name}"
            groups.setdefault(name.lower(), []).append((name, value, value_field))
    merged = [key for key, members in groups.items() if len({m[0] for m in members}) > 1]
    if merged:
        shown = ", ".join(repr(groups[key][0][0]) for key in merged[:5])
        warnings.append(f"transpose: column values differing only by case were merged: {shown}")
    ordered = sorted(groups, key=lambda key: (key, min(m[0] for m in groups[key])))
    if outputs is not None:
        chosen = [name.key for name in outputs]
        if rest:
            chosen += [key for key in ordered if key not in chosen]
    else:
        chosen = ordered
    if len(chosen) > MAX_COLUMNS:
        warnings.append(f"transpose: {len(chosen)} columns, only the first {MAX_COLUMNS} are kept")
        chosen = chosen[:MAX_COLUMNS]
    spelled = {name.key: name.text for name in outputs or ()}
    columns: list[DynamicColumn] = []
    for key in chosen:
        members = sorted(groups.get(key, []), key=lambda m: m[0])
        name = members[0][0] if members else spelled[key]
        field_type = members[0][2].type if members else value_fields[0].type
        unique = key
        while unique in taken:
            unique += "_"
        if unique != key:
            warnings.append(f"transpose: column '{name}' clashes with a row field; named '{name}_'")
            name += "_" * (len(unique) - len(key))
        taken.add(unique)
        item = Field(unique, name, field_type, names.col(unique))
        columns.append(DynamicColumn(item, tuple((m[1], m[2]) for m in members)))
    return tuple(columns)


# --- parsing ----------------------------------------------------------------------------------


def parse_transpose(stream: Stream, first: Token) -> Transpose:
    stream.expect_word("row", "'transpose'")
    rows = stream.names("a row field")
    stream.expect_word("column", "the row fields")
    columns = stream.names("a column field")
    outputs: list[Name] | None = None
    rest = False
    if stream.accept_word("as"):
        outputs = []
        while True:
            if stream.accept_op("*"):
                rest = True
            else:
                outputs.append(stream.name("a column name or '*'"))
            if not stream.accept_op(","):
                break
        if rest and not outputs:
            outputs = None
    span = stream.span_from(first.span.start)
    return Transpose(
        tuple(rows), tuple(columns), tuple(outputs) if outputs is not None else None, rest, span
    )


# --- planning ---------------------------------------------------------------------------------


def plan_transpose(planner: Planner, stage: Transpose, prev: Step) -> Step | PendingPivot:
    if prev.phase != "aggregate":
        message = "'transpose' needs aggregated rows"
        planner.errors.append(
            semantic(planner.text, stage.span, message, "aggregate first, e.g. 'count by ...'")
        )
    rows = [f for name in stage.rows if (f := planner.field(prev.schema, name)) is not None]
    columns = [f for name in stage.columns if (f := planner.field(prev.schema, name)) is not None]
    used = {f.key for f in rows + columns}
    values = [f for f in prev.schema.visible if f.key not in used]
    if not values and len(rows) == len(stage.rows) and len(columns) == len(stage.columns):
        message = "'transpose' needs a value field besides the row and column fields"
        planner.errors.append(semantic(planner.text, stage.span, message))
    if planner.errors or not values:
        return Step(stage, prev.schema, prev.ordering, "aggregate")
    if planner.index not in planner.pivot_values:
        return PendingPivot(planner.index, stage, tuple(columns))
    row_fields = tuple(
        dataclasses.replace(f, name=n.text) for f, n in zip(rows, stage.rows, strict=True)
    )
    dynamic = dynamic_columns(
        planner.pivot_values[planner.index],
        values,
        stage.outputs,
        stage.rest,
        {f.key for f in row_fields},
        planner.cols,
        planner.warnings,
    )
    pivot = Pivot(row_fields, tuple(columns), tuple(values), dynamic)
    schema = Schema(row_fields + tuple(d.field for d in dynamic))
    ordering = tuple(OrderTerm(f.col, False, f.type == "string") for f in row_fields)
    return Step(stage, schema, ordering, "aggregate", pivot=pivot)


# --- SQL --------------------------------------------------------------------------------------


def column_key(gen: SqlGenerator, columns: tuple[Field, ...]) -> str:
    """The text naming a dynamic column: the column values joined with `_`; null -> `null`."""
    parts = [f"coalesce({gen.dialect.text(c.col)}, 'null')" for c in columns]
    return parts[0] if len(parts) == 1 else " || '_' || ".join(parts)


def column_values_sql(gen: SqlGenerator, pending: PendingPivot) -> str:
    """The distinct column-key texts a pending transpose needs."""
    return (
        f"{gen.with_clause()}\nSELECT DISTINCT {column_key(gen, pending.columns)} AS v\n"
        f"FROM {gen.source}\nORDER BY v\nLIMIT {MAX_PIVOT_VALUES}"
    )


def transpose_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert step.pivot is not None and prev is not None
    pivot = step.pivot
    key = column_key(gen, pivot.columns)
    rows = ", ".join(f.col for f in pivot.rows)
    order = gen.order_sql(prev.ordering)
    source = gen.source
    if gen.dialect.numbered_picks and order:
        # the dialect picks each cell by a row number within the row's group
        numbered = f"row_number() OVER (PARTITION BY {rows} ORDER BY {order}) AS __rg_o0"
        source, order = f"(SELECT *, {numbered} FROM {source})", "__rg_o0"
    columns = [f.col for f in pivot.rows]
    for dynamic in pivot.dynamic:
        cells = [
            gen.dialect.pick(False, value.col, order, f"{key} = {gen.string(text)}")
            for text, value in dynamic.sources
        ]
        if not cells:
            cell = f"CAST(NULL AS {gen.dialect.type_name(dynamic.field.type)})"
        else:
            cell = cells[0] if len(cells) == 1 else f"coalesce({', '.join(cells)})"
        columns.append(f"{cell} AS {dynamic.field.col}")
    return f"SELECT {', '.join(columns)}\n  FROM {source}\n  GROUP BY {rows}"


OPERATORS = (
    Operator(
        Transpose,
        plan_transpose,
        transpose_sql,
        ("transpose",),
        parse_transpose,
        pending=column_values_sql,
    ),
)
