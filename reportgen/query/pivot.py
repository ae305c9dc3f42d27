"""`transpose` (spec §8.3): which dynamic columns a pivot produces from its column values.

The column values come from the data, so the engine first runs the query up to the transpose to
fetch them (`CompiledQuery.pivot_sql`), then compiles again with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportgen.query.nodes import Name
from reportgen.query.schema import ColumnNames, Field

MAX_COLUMNS = 300


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
