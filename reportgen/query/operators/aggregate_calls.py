"""Aggregate functions (spec §7): parsing one call, its output names and types, and its SQL.
The aggregation stages themselves (`count by`, `top`) are in `aggregate.py` and `top.py`.

Aggregates take a field, never an expression (`avg(x+y)` is an error: compute `x + y as v` in a
stage of its own first). Numeric aggregates coerce strings with TRY_CAST and skip what is not a
number; `first`/`last` follow the current row order (messages: newest first) and skip nulls.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.errors import QuerySyntaxError, Span, suggestion
from reportgen.query.plan.schema import Field, FieldType
from reportgen.query.problems import span_of
from reportgen.query.sql.dialect import Dialect
from reportgen.query.sql.values import text_number_sql
from reportgen.query.syntax.catalog import AGGREGATES
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

MAX_VALUES = 100  # `values` keeps the first 100 distinct values (§0)
MAX_FREQUENT = 10_000  # `count_frequent` keeps the top 10 000 (§7)

# Default output names (§7); `pct` names its outputs `_<field>_pct_<p>`.
DEFAULT_NAMES = {
    "count": "_count",
    "count_distinct": "_count_distinct",
    "count_frequent": "_approxcount",
    "sum": "_sum",
    "avg": "_avg",
    "min": "_min",
    "max": "_max",
    "stddev": "_stddev",
    "median": "_median",
    "first": "_first",
    "last": "_last",
    "most_recent": "_mostrecent",
    "least_recent": "_leastrecent",
    "values": "_values",
}
NUMERIC = frozenset({"sum", "avg", "min", "max", "stddev", "median", "pct"})
ALIASES = {"percentile": "pct"}


@dataclass(frozen=True)
class AggCall:
    """One aggregate of an aggregation stage: `count`, `count(*)`, `count(f) as n`."""

    func: Name
    arg: Name | None
    alias: Name | None
    span: Span
    params: tuple[float, ...] = ()  # `pct(f, 95, 99)`: the percentiles


def canonical(name: str) -> str:
    """The function an aggregate name stands for (`percentile` is `pct`)."""
    lower = name.lower()
    return ALIASES.get(lower, lower)


def _expression_error(stream: Stream, func: Token, start: Token) -> QuerySyntaxError:
    """`avg(x+y)`: point at the expression and say how to write it."""
    depth, index = 0, stream.pos
    while index < len(stream.tokens):
        token = stream.tokens[index]
        if token.is_op("("):
            depth += 1
        elif token.is_op(")"):
            if depth == 0:
                break
            depth -= 1
        elif token.is_op(",") and depth == 0:
            break
        index += 1
    end = stream.tokens[index - 1].span.end if index > stream.pos else start.span.end
    span = span_of(stream.text, start.span.start, end)
    expression = stream.text[span.start : span.end]
    name = canonical(func.text)
    hint = f"compute it in a stage first: '| {expression} as value | {name}(value)'"
    return stream.error_at(span, f"{func.text}() takes a field, not an expression", hint)


def _field_argument(stream: Stream, func: Token) -> Name:
    start = stream.peek()
    if start is None or not stream.is_name():
        if start is not None and not start.is_op(")"):
            raise _expression_error(stream, func, start)
        raise stream.error(f"expected a field name in {func.text}()")
    name = stream.name()
    following = stream.peek()
    if following is not None and not following.is_op(")", ","):
        stream.pos -= 1
        raise _expression_error(stream, func, start)
    return name


def _arity(stream: Stream, func: Token, wanted: str, got: int) -> QuerySyntaxError:
    end = stream.tokens[stream.pos - 1].span.end
    span = span_of(stream.text, func.span.start, end)
    return stream.error_at(span, f"{func.text}() takes {wanted}, got {got}")


def _percentile(stream: Stream) -> tuple[float, Token]:
    token = stream.peek()
    if token is None or token.kind is not Kind.NUMBER:
        raise stream.error("expected a percentile between 0 and 100")
    stream.pos += 1
    try:
        value = float(token.text)
    except ValueError:
        raise stream.error_at(token.span, f"invalid percentile '{token.text}'") from None
    if not 0 <= value <= 100:
        raise stream.error_at(token.span, f"percentile {token.text} is not between 0 and 100")
    return value, token


def parse_call(stream: Stream, func: Token) -> AggCall:
    """One aggregate: `count`, `count(*)`, `count(f)`, `sum(f)`, `pct(f, 95, 99)` ... `[as n]`."""
    name = canonical(func.text)
    if name not in AGGREGATES and name != "pct":
        hint = suggestion(func.text, sorted(AGGREGATES))
        raise stream.error_at(func.span, f"unknown aggregate '{func.text}'", hint)
    arg: Name | None = None
    params: list[float] = []
    if name == "count":
        if stream.accept_op("("):
            if not stream.accept_op("*"):
                arg = _field_argument(stream, func)
            extra = 0
            while stream.accept_op(","):
                extra += 1
                stream.next()
            if extra:
                raise _arity(stream, func, "1 argument", 1 + extra)
            stream.expect_op(")", "the argument")
    else:
        stream.expect_op("(", f"'{func.text}'")
        if stream.accept_op(")"):
            wanted = "a field and percentiles" if name == "pct" else "1 argument"
            raise _arity(stream, func, wanted, 0)
        arg = _field_argument(stream, func)
        extra = 0
        while stream.accept_op(","):
            if name == "pct":
                params.append(_percentile(stream)[0])
            else:
                extra += 1
                stream.next()
        closing = stream.accept_op(")")
        if extra:
            raise _arity(stream, func, "1 argument", 1 + extra)
        if name == "pct" and not params:
            raise _arity(stream, func, "a field and at least one percentile", 1)
        if closing is None:
            raise stream.error("expected ')' after the arguments")
    alias = None
    if stream.accept_word("as"):
        alias = stream.name("a name after 'as'")
        if len(params) > 1:
            end = alias.span.end
            span = span_of(stream.text, func.span.start, end)
            hint = "write one pct() per percentile, each with its own 'as'"
            raise stream.error_at(span, "'as' names one output, but pct() has several", hint)
    end = stream.tokens[stream.pos - 1].span.end
    span = span_of(stream.text, func.span.start, end)
    return AggCall(Name(func.text, func.span), arg, alias, span, tuple(params))


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


@dataclass(frozen=True)
class Output:
    """One output column of an aggregate call (`percentile` for each output of `pct`)."""

    name: str
    type: FieldType
    percentile: float | None = None


def outputs(call: AggCall, arg: Field | None) -> list[Output]:
    """The columns `call` produces: its alias or default name (§7), and type."""
    name = canonical(call.func.text)
    if name == "pct":
        label = call.arg.text if call.arg else "x"
        return [
            Output(
                call.alias.text if call.alias else f"_{label}_pct_{_number_text(p)}", "number", p
            )
            for p in call.params
        ]
    if name in ("first", "last", "most_recent", "least_recent"):
        kind: FieldType = arg.type if arg is not None else "string"
    elif name == "values":
        kind = "string"
    else:
        kind = "number"
    display = call.alias.text if call.alias else DEFAULT_NAMES[name]
    return [Output(display, kind, 50.0 if name == "median" else None)]


def number_sql(dialect: Dialect, field: Field) -> str:
    """The field as a DOUBLE: strings that are not numbers become NULL (and are skipped)."""
    if field.type in ("number", "time"):
        return f"CAST({field.col} AS DOUBLE)"
    if field.type == "bool":
        return f"CAST(CAST({field.col} AS INTEGER) AS DOUBLE)"
    return text_number_sql(dialect, field.col)


def in_order(name: str) -> bool:
    """Whether aggregate `name` depends on the row order (`first`, `most_recent`...)."""
    return canonical(name) in ("first", "last", "most_recent", "least_recent")


def call_sql(
    dialect: Dialect,
    call: AggCall,
    output: Output,
    arg: Field | None,
    order: str,
    newest: str,
) -> str:
    """The SQL aggregate of one output; `order` is the input's row order (first/last) and
    `newest` the message order (most_recent/least_recent), as the dialect's `pick` reads them
    (ORDER BY terms, or the column numbering the rows in that order)."""
    name = canonical(call.func.text)
    if arg is None:
        return "count(*)"
    col = arg.col
    if name == "count":
        return f"count({col})"
    if name == "count_distinct":
        return f"count(DISTINCT {col})"
    number = number_sql(dialect, arg)
    simple = {"sum": dialect.fsum, "avg": dialect.favg}
    if name in simple:
        return f"CAST({simple[name](number)} AS DOUBLE)"
    if name in ("min", "max", "stddev"):
        return f"CAST({'stddev_samp' if name == 'stddev' else name}({number}) AS DOUBLE)"
    if name in ("pct", "median"):
        assert output.percentile is not None
        return dialect.quantile(number, output.percentile / 100)
    present = f"{col} IS NOT NULL"
    if name in ("first", "last"):
        return dialect.pick(name == "last", col, order, present)
    if name in ("most_recent", "least_recent"):
        return dialect.pick(name == "least_recent", col, newest, present)
    # values: distinct texts, sorted by code point, the first 100, one per line
    listed = dialect.sorted_texts(dialect.text(col), MAX_VALUES)
    return f"CASE WHEN count({col}) = 0 THEN NULL ELSE {listed} END"
