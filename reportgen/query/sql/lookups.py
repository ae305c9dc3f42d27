"""The SQL and name matching that `lookup` and `lookupContains` share (see
`reportgen/query/operators/lookup.py`): which side of `a=b` is the field, how keys compare."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportgen.errors import QueryError, suggestion
from reportgen.query.plan.lookups import LookupTable, column_name
from reportgen.query.plan.schema import Field, Schema
from reportgen.query.problems import semantic
from reportgen.query.sql.dialect import Dialect
from reportgen.query.syntax.nodes import Name


def match_pairs(
    text: str,
    schema: Schema,
    table: LookupTable,
    pairs: Sequence[tuple[Name, Name]],
    resolve: Callable[[Schema, Name], Field | None],
    errors: list[QueryError],
) -> list[tuple[Field, int]]:
    """(field, column index) per pair: the field of the query and the column of the table,
    whichever side each is written on; unknown names get a caret and a suggestion (`resolve`
    is the planner's field lookup, which reports an unknown field itself)."""
    matched: list[tuple[Field, int]] = []
    for left, right in pairs:
        field, column = schema.get(left.key), table.column(right.text)
        if field is None or column is None:
            swapped_field, swapped_column = schema.get(right.key), table.column(left.text)
            if swapped_field is not None and swapped_column is not None:
                field, column = swapped_field, swapped_column
        if field is None:
            field = resolve(schema, left)
        if column is None:
            errors.append(missing_column(text, table, right))
        if field is not None and column is not None:
            matched.append((field, column))
    return matched


def missing_column(text: str, table: LookupTable, name: Name) -> QueryError:
    hint = suggestion(name.text, table.columns) or "columns: " + ", ".join(table.columns)
    return semantic(
        text, name.span, f"lookup table '{table.key}' has no column '{name.text}'", hint
    )


def key_sql(d: Dialect, field: Field, value: str, prefix: str = "") -> tuple[str, str]:
    """How a key compares: (the field's side, with `prefix` before its column; the table's side
    over column SQL `value`): numbers numerically, everything else as lower-case text."""
    column = prefix + field.col
    if field.type == "number":
        return column, f"TRY_CAST({value} AS DOUBLE)"
    text = column if field.type == "string" else d.text(column)
    return f"lower({text})", f"lower({value})"


def contains_sql(d: Dialect, table: str, keys: Sequence[tuple[Field, int]]) -> str:
    """`lookupContains`: some row of `table` (its SQL name) has all the keys. An IN over the
    table, not a correlated EXISTS: inside a subquery DuckDB reads even a quoted `"user"` as
    its current_user function, not the outer field."""
    if not keys:
        return "FALSE"
    fields, columns = [], []
    for field, index in keys:
        field_side, table_side = key_sql(d, field, column_name(index))
        fields.append(field_side)
        columns.append(table_side)
    left = fields[0] if len(fields) == 1 else f"({', '.join(fields)})"
    return f"coalesce({left} IN (SELECT {', '.join(columns)} FROM {table}), false)"
