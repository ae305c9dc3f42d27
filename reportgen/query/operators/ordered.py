"""For operators that work in the current row order (windows, `topk`, `fillmissing`).

Row order is not a property of a CTE, so such a stage numbers the rows in the previous step's
order (`row_number() OVER (ORDER BY ...)`), computes over that number, and keeps it as the
internal column ORDER_COL, by which the new step is ordered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.query.plan.schema import Field, OrderTerm, Schema

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator

ORDER_COL = "__rg_ord"
ORDERED = (OrderTerm(ORDER_COL, False, False),)
ROW = "__rg_rn"


def numbered(
    gen: SqlGenerator, source: str, ordering: tuple[OrderTerm, ...], part: str = ""
) -> str:
    """`source` with each row's number in `ordering` (within `part`) as column ROW."""
    over = f"{part} ORDER BY {gen.order_sql(ordering)}" if ordering else part
    return f"SELECT *, row_number() OVER ({over.strip()}) AS {ROW} FROM {source}"


def partition(fields: list[Field]) -> str:
    return f"PARTITION BY {', '.join(f.col for f in fields)}" if fields else ""


def select_columns(schema: Schema, replaced: dict[str, str]) -> str:
    """Every column of `schema`, with `replaced` (column -> SQL) computed instead."""
    columns = [f"{replaced[c]} AS {c}" if c in replaced else c for c in schema.columns()]
    return ", ".join(columns)
