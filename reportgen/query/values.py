"""Typed SQL values shared by the expression compilers: a SQL text and its kind (§5.2)."""

from __future__ import annotations

from typing import Literal as TypingLiteral
from typing import Protocol

from reportgen.errors import QueryError
from reportgen.query.nodes import Expr
from reportgen.query.schema import FieldType

ValueType = FieldType | TypingLiteral["null"]
Typed = tuple[str, ValueType]


class Compiler(Protocol):
    text: str
    tz: str
    errors: list[QueryError]

    def value(self, expr: Expr) -> Typed: ...


def text_sql(sql: str, kind: ValueType) -> str:
    """Any value as text (numbers as Java would print them is out of reach: DuckDB's form)."""
    return sql if kind == "string" else f"CAST({sql} AS VARCHAR)"


def number_sql(sql: str, kind: ValueType) -> str:
    if kind in ("number", "time"):
        return sql
    if kind == "bool":
        return f"CAST({sql} AS INTEGER)"
    return f"TRY_CAST({sql} AS DOUBLE)"
