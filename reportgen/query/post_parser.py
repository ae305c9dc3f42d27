"""Parsing the post-aggregate operators: `topk`, the window operators of §8.5, `fillmissing`,
and `count_frequent` (an aggregation with its own shape)."""

from __future__ import annotations

import re
from collections.abc import Callable

from reportgen.query import compare, outlier
from reportgen.query.expr_parser import number_value
from reportgen.query.nodes import (
    AggCall,
    Aggregate,
    FillConstant,
    FillGenerator,
    FillMissing,
    Name,
    Stage,
    Topk,
    Value,
    Window,
)
from reportgen.query.problems import span_of
from reportgen.query.stream import Stream
from reportgen.query.tokens import Kind, Token

MAX_WINDOW = 1000  # backshift, smooth and rollingstd (§8.5)
MAX_TOPK = 10_000
# Operator -> (what its number argument is, default) for the window operators.
WINDOWS: dict[str, tuple[str, int] | None] = {
    "total": None,
    "accum": None,
    "diff": None,
    "backshift": ("shift", 1),
    "smooth": ("window", 10),
    "rollingstd": ("window", 10),
}
_WIDTH = re.compile(r"(\d+)([smhdw])")


def operators(text: str) -> dict[str, Callable[[Stream, Token], Stage]]:
    """The `_parse_<op>` functions of this module, for the parser's OPERATORS table."""
    table: dict[str, Callable[[Stream, Token], Stage]] = {
        "topk": parse_topk,
        "fillmissing": parse_fillmissing,
        "compare": compare.parse_compare,
        "withtime": compare.parse_withtime,
        "outlier": outlier.parse_outlier,
    }
    for name in WINDOWS:
        table[name] = parse_window
    return table


def _end(stream: Stream) -> int:
    return stream.tokens[stream.pos - 1].span.end


def _no_duplicates(stream: Stream, names: list[Name]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.key in seen:
            raise stream.error_at(name.span, f"duplicate field '{name.text}'")
        seen.add(name.key)


def _by(stream: Stream) -> list[Name]:
    if stream.accept_word("group"):
        stream.expect_word("by", "'group'")
    elif not stream.accept_word("by"):
        return []
    names = stream.names("a field to group by")
    _no_duplicates(stream, names)
    return names


def parse_topk(stream: Stream, first: Token) -> Stage:
    """`topk(N, f1[, f2 ...]) [by g1, ...]`."""
    stream.expect_op("(", "'topk'")
    count, span = stream.integer("the number of rows in topk(N, field)")
    if not 1 <= count <= MAX_TOPK:
        raise stream.error_at(span, f"topk needs a number between 1 and {MAX_TOPK}")
    stream.expect_op(",", "the number of rows")
    fields = stream.names("a field to rank by")
    stream.expect_op(")", "the fields")
    by = _by(stream)
    return Topk(
        count, tuple(fields), tuple(by), span_of(stream.text, first.span.start, _end(stream))
    )


def parse_window(stream: Stream, first: Token) -> Stage:
    """`total|accum|diff f [as n] [by g]`, `backshift f[, k]`, `smooth|rollingstd f[, w]`."""
    op = first.text.lower()
    field = stream.name(f"a field after '{first.text}'")
    size: int | None = None
    if (comma := stream.accept_op(",")) is not None:
        argument = WINDOWS[op]
        if argument is None:
            raise stream.error_at(
                span_of(stream.text, comma.span.start, stream.here().end),
                f"'{first.text}' takes one field",
                f"write '{first.text} {field.text}'",
            )
        size, span = stream.integer(f"the {argument[0]} of '{first.text}'")
        if not 1 <= size <= MAX_WINDOW:
            message = f"the {argument[0]} of '{first.text}' must be between 1 and {MAX_WINDOW}"
            raise stream.error_at(span, message)
    alias: Name | None = None
    by: list[Name] = []
    for _ in range(2):  # `as` and `by` in either order
        if alias is None and stream.accept_word("as"):
            alias = stream.name("a name after 'as'")
        elif not by:
            by = _by(stream)
    span = span_of(stream.text, first.span.start, _end(stream))
    return Window(op, field, size, alias, tuple(by), span)


def parse_count_frequent(stream: Stream, first: Token) -> Stage:
    """`count_frequent f1[, f2]`: counts by the fields, largest first (§7)."""
    fields = stream.names("a field after 'count_frequent'")
    _no_duplicates(stream, fields)
    if (token := stream.peek()) is not None and token.is_op(","):
        message = "count_frequent cannot be combined with other aggregates"
        raise stream.error_at(token.span, message)
    span = span_of(stream.text, first.span.start, _end(stream))
    call = AggCall(Name(first.text, first.span), None, None, span)
    return Aggregate((call,), tuple(fields), span)


def _generator(stream: Stream) -> FillGenerator:
    token = stream.next("a generator: 'timeslice' or 'values(...) in <field>'")
    if token.is_word("timeslice"):
        width = None
        if stream.accept_op("("):
            number = stream.next("a width such as 15m")
            match = _WIDTH.fullmatch(number.text) if number.kind is Kind.NUMBER else None
            if match is None or int(match.group(1)) == 0:
                hint = "expected a width such as 5m, 1h or 1d (units s, m, h, d, w)"
                raise stream.error_at(number.span, f"invalid timeslice width '{number.text}'", hint)
            width = (int(match.group(1)), match.group(2))
            stream.expect_op(")", "the width")
        field = stream.name("a field after 'in'") if stream.accept_word("in") else None
        span = span_of(stream.text, token.span.start, _end(stream))
        return FillGenerator("timeslice", field, width, (), False, span)
    if token.is_word("values"):
        values: list[str] = []
        every = stream.accept_word("all") is not None
        if not every:
            stream.expect_op("(", "'values'")
            while True:
                value = stream.next("a quoted value")
                if value.kind is not Kind.STRING:
                    raise stream.error_at(value.span, "values() takes quoted strings")
                values.append(value.value)
                if not stream.accept_op(","):
                    break
            stream.expect_op(")", "the values")
        stream.expect_word("in", "the values")
        field = stream.name("a field after 'in'")
        span = span_of(stream.text, token.span.start, _end(stream))
        return FillGenerator("values", field, None, tuple(values), every, span)
    raise stream.error_at(
        token.span,
        f"unknown fillmissing generator '{token.text}'",
        "use 'timeslice[(15m)] [in <field>]' or 'values(\"a\", \"b\") in <field>'",
    )


def _constant(stream: Stream) -> Value:
    """`-1`, `0.5`, `"text"` or `null` after `with`."""
    token = stream.next("a constant after 'with'")
    if token.kind is Kind.STRING:
        return token.value
    if token.is_word("null"):
        return None
    sign = 1
    if token.is_op("-"):
        sign = -1
        token = stream.next("a number after '-'")
    value = number_value(token.text) if token.kind is Kind.NUMBER else None
    if value is None:
        raise stream.error_at(
            token.span, f"expected a number, a quoted string or null, found '{token.text}'"
        )
    return sign * value


def parse_fillmissing(stream: Stream, first: Token) -> Stage:
    """`fillmissing <gen>[, <gen>] [with <const> for <field>[, ...]] [takeLast]` (§8.4)."""
    generators = [_generator(stream)]
    while stream.accept_op(","):
        generators.append(_generator(stream))
    constants: list[FillConstant] = []
    if stream.accept_word("with"):
        while True:
            start = stream.here().start
            value = _constant(stream)
            stream.expect_word("for", "the constant")
            field = stream.name("a field after 'for'")
            constants.append(FillConstant(value, field, span_of(stream.text, start, _end(stream))))
            if not stream.accept_op(","):
                break
    take_last = stream.accept_word("takelast") is not None
    keys = [g.field for g in generators if g.field is not None]
    _no_duplicates(stream, [*keys, *(c.field for c in constants)])
    span = span_of(stream.text, first.span.start, _end(stream))
    return FillMissing(tuple(generators), tuple(constants), take_last, span)
