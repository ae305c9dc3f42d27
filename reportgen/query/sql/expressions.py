"""`where` expressions -> SQL of a dialect, with the types and coercions of spec §5.2.

Conditions compile to two-valued SQL (never NULL): a comparison with null is false and `!` of it
is true, as the spec asks. Strings compare case-sensitively by code point; a comparison with a
numeric operand converts the other side with TRY_CAST (non-numbers compare false); `in` is strict
about types.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal as TypingLiteral

from reportgen.errors import QueryError
from reportgen.query.plan.lookups import LookupTable
from reportgen.query.plan.schema import Field, FieldType, Schema
from reportgen.query.problems import semantic, unknown_field
from reportgen.query.sql.conversions import is_numeric_sql
from reportgen.query.sql.dialect import DUCKDB, Dialect
from reportgen.query.sql.functions import arith_sql, compile_call
from reportgen.query.sql.ip import CONDITIONS as IP_CONDITIONS
from reportgen.query.sql.ip import compare_cidr_sql
from reportgen.query.sql.ip import condition_sql as ip_condition_sql
from reportgen.query.sql.lookups import contains_sql, match_pairs
from reportgen.query.sql.values import text_number_sql
from reportgen.query.syntax.catalog import BOOLEAN_FUNCTIONS
from reportgen.query.syntax.nodes import (
    Arith,
    Call,
    Compare,
    Expr,
    FieldRef,
    InList,
    Literal,
    Logical,
    Matches,
    Name,
    Negation,
    RegexLiteral,
    TableRef,
    Ternary,
)

ValueType = FieldType | TypingLiteral["null"]
NUMERIC = ("number", "time")


def like_pattern(wildcard: str) -> str:
    """A `matches` wildcard (only `*`, case-sensitive, whole string) as a LIKE pattern."""
    escaped = wildcard.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def literal_sql(value: object, dialect: Dialect = DUCKDB) -> tuple[str, ValueType]:
    if value is None:
        return "NULL", "null"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), "bool"
    if isinstance(value, int):
        return str(value), "number"
    if isinstance(value, float):
        # a bare 2.7 is a DECIMAL in DuckDB, and floor/ceil/abs of it would return Decimal
        return f"CAST({value!r} AS DOUBLE)", "number"
    return dialect.string(str(value)), "string"


class ExprCompiler:
    """Compiles expressions against the fields of one stage; problems go to `errors`."""

    def __init__(
        self,
        text: str,
        schema: Schema,
        errors: list[QueryError],
        tz: str = "UTC",
        resolve: Callable[[Schema, Name], Field | None] | None = None,
        tables: Callable[[TableRef], LookupTable | None] | None = None,
        dialect: Dialect = DUCKDB,
    ) -> None:
        self.text = text
        self.schema = schema
        self.errors = errors
        self.tz = tz  # formatDate/parseDate default zone
        self.resolve = resolve  # the planner's name lookup (records unknown names itself)
        self.tables = tables  # the planner's lookup tables (`lookupContains`)
        self.dialect = dialect

    def _text(self, sql: str, kind: ValueType) -> str:
        return sql if kind == "string" else self.dialect.text(sql)

    def condition(self, expr: Expr) -> str:
        if isinstance(expr, Logical):
            joiner = " AND " if expr.op == "and" else " OR "
            return "(" + joiner.join(self.condition(item) for item in expr.items) + ")"
        if isinstance(expr, Negation):
            return f"(NOT {self.condition(expr.operand)})"
        if isinstance(expr, Compare):
            return self._compare(expr)
        if isinstance(expr, Matches):
            return self._matches(expr)
        if isinstance(expr, InList):
            return self._in(expr)
        if isinstance(expr, Call) and expr.name.key in BOOLEAN_FUNCTIONS:
            return self._call(expr)
        sql, kind = self.value(expr)
        if kind == "bool":
            return f"coalesce({sql}, false)"
        if kind == "string":
            return f"coalesce({sql} = 'true', false)"
        if kind in NUMERIC:
            return f"coalesce({sql} <> 0, false)"
        return "FALSE"

    def value(self, expr: Expr) -> tuple[str, ValueType]:
        if isinstance(expr, FieldRef):
            if self.resolve is not None:
                found = self.resolve(self.schema, expr.name)
            elif (found := self.schema.get(expr.name.key)) is None:
                known = self.schema.names
                self.errors.append(unknown_field(self.text, expr.span, expr.name.text, known))
            if found is None:
                return "NULL", "null"
            return found.col, found.type
        if isinstance(expr, Literal):
            if isinstance(expr.value, float) and not math.isfinite(expr.value):
                self.errors.append(semantic(self.text, expr.span, "number out of range"))
                return "NULL", "null"
            return literal_sql(expr.value, self.dialect)
        if isinstance(expr, RegexLiteral):
            message = "a regular expression is only valid after 'matches'"
            self.errors.append(semantic(self.text, expr.span, message))
            return "NULL", "null"
        if isinstance(expr, TableRef):
            message = "a lookup table is only valid first in lookupContains()"
            self.errors.append(semantic(self.text, expr.span, message))
            return "NULL", "null"
        if isinstance(expr, Arith):
            return arith_sql(self.dialect, expr.op, self.value(expr.left), self.value(expr.right))
        if isinstance(expr, Ternary):
            return self._ternary(expr)
        if isinstance(expr, Call) and expr.name.key not in BOOLEAN_FUNCTIONS:
            return compile_call(self, expr)
        return self.condition(expr), "bool"

    def _ternary(self, expr: Ternary) -> tuple[str, ValueType]:
        """Both branches of one type keep it; mixed branches become text; null adapts."""
        condition = self.condition(expr.condition)
        (then, then_type), (other, other_type) = self.value(expr.then), self.value(expr.otherwise)
        kinds = {then_type, other_type} - {"null"}
        kind: ValueType
        if not kinds:
            return "NULL", "null"
        if kinds <= {"number", "time"}:
            kind = "number" if len(kinds) > 1 else kinds.pop()
        elif len(kinds) == 1:
            kind = kinds.pop()
        else:
            kind = "string"
            then, other = self._text(then, then_type), self._text(other, other_type)
        return f"(CASE WHEN {condition} THEN {then} ELSE {other} END)", kind

    def _compare(self, expr: Compare) -> str:
        left, left_type = self.value(expr.left)
        right, right_type = self.value(expr.right)
        if "null" in (left_type, right_type):
            return "FALSE"
        if left_type in NUMERIC or right_type in NUMERIC:
            left, right = self._number(left, left_type), self._number(right, right_type)
        elif left_type == "bool" and right_type == "bool":
            pass
        else:
            left = f"({self.dialect.binary(self._text(left, left_type))})"
            right = self._text(right, right_type)
        op = "<>" if expr.op == "!=" else expr.op
        return f"coalesce({left} {op} {right}, false)"

    def _matches(self, expr: Matches) -> str:
        subject, kind = self.value(expr.subject)
        pattern = expr.pattern
        d = self.dialect
        if kind == "null":
            sql = "FALSE"
        elif isinstance(pattern, RegexLiteral):
            matched = d.full_match(self._text(subject, kind), d.regex_text(pattern.pattern))
            sql = f"coalesce({matched}, false)"
        elif isinstance(pattern, Literal) and pattern.value is not None:
            text = (
                pattern.value if isinstance(pattern.value, str) else literal_sql(pattern.value)[0]
            )
            like = d.string(like_pattern(str(text)))
            sql = f"coalesce({d.like(self._text(subject, kind), like)}, false)"
        else:
            dynamic, dynamic_type = self.value(pattern)
            if dynamic_type == "null":
                sql = "FALSE"
            else:
                text = self._text(dynamic, dynamic_type)
                for old, new in (("\\", "\\\\"), ("%", "\\%"), ("_", "\\_"), ("*", "%")):
                    text = f"replace({text}, {d.string(old)}, {d.string(new)})"
                sql = f"coalesce({d.like(self._text(subject, kind), text)}, false)"
        return f"(NOT {sql})" if expr.negated else sql

    def _in(self, expr: InList) -> str:
        subject, kind = self.value(expr.subject)
        wanted = "number" if kind in NUMERIC else kind
        items = [
            literal_sql(item.value, self.dialect)[0]
            for item in expr.items
            if item.value is not None and literal_sql(item.value)[1] == wanted
        ]
        if kind == "null" or not items:
            sql = "FALSE"
        else:
            sql = f"coalesce({subject} IN ({', '.join(items)}), false)"
        return f"(NOT {sql})" if expr.negated else sql

    def _call(self, expr: Call) -> str:
        name = expr.name.key
        if name == "lookupcontains":
            return self._lookup_contains(expr)
        args = [self.value(arg) for arg in expr.args]
        if name == "contains":
            (left, left_type), (right, right_type) = args
            if "null" in (left_type, right_type):
                return "FALSE"
            a, b = self._text(left, left_type), self._text(right, right_type)
            return f"coalesce(CASE WHEN {b} = '' THEN {a} = '' ELSE contains({a}, {b}) END, false)"
        if name in IP_CONDITIONS:
            return ip_condition_sql(self.dialect, name, args[0])
        if name == "comparecidrprefix":
            return compare_cidr_sql(self.dialect, *args)
        if name == "isnumeric":
            return is_numeric_sql(self.dialect, args[0])
        sql, kind = args[0]
        if kind == "null":
            return "TRUE"
        if name == "isnull":
            return f"({sql} IS NULL)"
        if name in ("isnan", "isinfinity"):
            test = "isnan" if name == "isnan" else "isinf"
            number = f"CAST({self._number(sql, kind)} AS DOUBLE)"
            return f"coalesce({self.dialect.math(test, number)}, false)"
        text = f"coalesce({self._text(sql, kind)}, '')"
        if name == "isempty":
            return f"({text} = '')"
        return self.dialect.full_match(text, "[\\t-\\r ]*")  # isBlank

    def _number(self, sql: str, kind: ValueType) -> str:
        if kind in NUMERIC:
            return sql
        if kind == "bool":
            return f"CAST({sql} AS INTEGER)"
        return text_number_sql(self.dialect, sql)

    def _lookup_contains(self, expr: Call) -> str:
        """`lookupContains(PATH, field=column [AND field2=column2])`."""
        ref, condition = expr.args
        if not isinstance(ref, TableRef):
            message = 'lookupContains() takes a lookup table first, e.g. path://"/Library/t"'
            self.errors.append(semantic(self.text, ref.span, message))
            return "FALSE"
        table = self.tables(ref) if self.tables is not None else None
        pairs = _equalities(condition)
        if pairs is None:
            message = "lookupContains() matches with field=column pairs joined by AND"
            self.errors.append(semantic(self.text, condition.span, message))
            return "FALSE"
        if table is None:
            return "FALSE"
        resolve = self.resolve or (lambda schema, name: schema.get(name.key))
        keys = match_pairs(self.text, self.schema, table, pairs, resolve, self.errors)
        return contains_sql(self.dialect, table.name, keys)


def _equalities(expr: Expr) -> list[tuple[Name, Name]] | None:
    """`a=b AND c=d` as name pairs; None for anything else."""
    if isinstance(expr, Logical) and expr.op == "and":
        pairs: list[tuple[Name, Name]] = []
        for item in expr.items:
            found = _equalities(item)
            if found is None:
                return None
            pairs += found
        return pairs
    if (
        isinstance(expr, Compare)
        and expr.op == "="
        and isinstance(expr.left, FieldRef)
        and isinstance(expr.right, FieldRef)
    ):
        return [(expr.left.name, expr.right.name)]
    return None
