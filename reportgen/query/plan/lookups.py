"""Lookup tables as the planner sees them: a table the engine holds, and what the query may
name (spec-wise Sumo's lookup tables: CSV files mapped in sources.yaml, see docs/architecture.md).

The engine registers each table under `name` with generic columns, so no header can clash with
a field: column i of the CSV is `__rg_lc<i>`, and `__rg_row` numbers the rows (1 = the first
after the header), for "the last row of a duplicate key wins".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

ROW = "__rg_row"
# Sumo's own tables, which a snapshot cannot have unless a local CSV is mapped in their place
BUILT_IN_SCHEMES = ("geo://", "sumo://")


def column_name(index: int) -> str:
    """The SQL name of column `index` (0-based) of a registered lookup table."""
    return f"__rg_lc{index}"


def table_name(key: str) -> str:
    """A stable SQL table name for the table `key` (any text: a library path, a URL)."""
    return "__rg_lookup_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class LookupTable:
    """One lookup table: `key` is how queries name it, `name` its SQL table, `columns` its
    header as written in the file."""

    key: str
    name: str
    columns: tuple[str, ...]

    def column(self, name: str) -> int | None:
        """The index of column `name` (case-insensitive, as Sumo matches field names)."""
        lower = name.lower()
        return next((i for i, column in enumerate(self.columns) if column.lower() == lower), None)
