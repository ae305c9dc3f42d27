"""Typed SQL values shared by the expression compilers: a SQL text and its kind (§5.2)."""

from __future__ import annotations

from typing import Literal as TypingLiteral
from typing import Protocol

from reportgen.errors import QueryError
from reportgen.query.plan.schema import FieldType
from reportgen.query.sql.dialect import Dialect
from reportgen.query.syntax.nodes import Expr

ValueType = FieldType | TypingLiteral["null"]
Typed = tuple[str, ValueType]


class Compiler(Protocol):
    text: str
    tz: str
    errors: list[QueryError]
    dialect: Dialect

    def value(self, expr: Expr) -> Typed: ...


def text_sql(dialect: Dialect, sql: str, kind: ValueType) -> str:
    """Any value as text (numbers as Java would print them is out of reach: the engine's
    form)."""
    return sql if kind == "string" else dialect.text(sql)


# A decimal number as Java's Double.parseDouble reads it; DuckDB's cast alone would also take
# `inf`, `nan` and `1_000`, which no log writer means as numbers.
NUMBER_TEXT = r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*"


def text_number_sql(dialect: Dialect, sql: str) -> str:
    """A text as a DOUBLE, NULL when it is not a decimal number (§5.2)."""
    return f"CASE WHEN {dialect.full_match(sql, NUMBER_TEXT)} THEN TRY_CAST({sql} AS DOUBLE) END"


def number_sql(dialect: Dialect, sql: str, kind: ValueType) -> str:
    if kind in ("number", "time"):
        return sql
    if kind == "bool":
        return f"CAST({sql} AS INTEGER)"
    return text_number_sql(dialect, sql)
