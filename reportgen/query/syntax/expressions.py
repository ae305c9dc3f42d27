"""Expressions (spec §5.1): the ternary, `and/or/not/!`, comparisons, `matches`, `in`,
`contains`, arithmetic with number suffixes, function calls (`if(...)` becomes a ternary) and
parentheses. Function names and arities come from `catalog.SUPPORTED_FUNCTIONS`.
"""

from __future__ import annotations

import re

from reportgen.errors import Span, suggestion
from reportgen.query.problems import span_of
from reportgen.query.syntax.catalog import LATER_FUNCTIONS, SPELLINGS, SUPPORTED_FUNCTIONS
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
    Value,
)
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

COMPARISONS = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "<>": "!=",
    "<": "<",
    ">": ">",
    "<=": "<=",
    ">=": ">=",
}
_SIZE = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "B": 1e9, "T": 1e12, "P": 1e15}
_SIZE.update({"Ki": 1024.0, "Mi": 1024.0**2, "Gi": 1024.0**3, "Ti": 1024.0**4, "Pi": 1024.0**5})
_TIME = {
    "ns": 1e-6,
    "us": 1e-3,
    "ms": 1.0,
    "s": 1e3,
    "m": 6e4,
    "h": 3.6e6,
    "d": 8.64e7,
    "w": 6.048e8,
}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)([A-Za-z]*)")


def number_value(text: str) -> int | float | None:
    """`2k` -> 2000, `1.5s` -> 1500, `1Ki` -> 1024, `42` -> 42; None for an unknown suffix."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    digits, suffix = match.groups()
    value: float = float(digits)
    if suffix:
        factor = _SIZE.get(suffix, _TIME.get(suffix))
        if factor is None:
            return None
        value *= factor
    elif re.fullmatch(r"\d+", digits):
        return int(digits)
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


def _cover(a: Span, b: Span, stream: Stream) -> Span:
    return span_of(stream.text, a.start, b.end)


def parse_condition(stream: Stream) -> Expr:
    if stream.at_end():
        raise stream.error("expected a condition")
    expr = _ternary(stream)
    stream.expect_end()
    return expr


def _operand(stream: Stream) -> Expr:
    """`add := mul (("+"|"-") mul)*`."""
    left = _mul(stream)
    while (op := stream.accept_op("+", "-")) is not None:
        right = _mul(stream)
        left = Arith(op.text, left, right, _cover(left.span, right.span, stream))
    return left


def _mul(stream: Stream) -> Expr:
    left = _unary(stream)
    while (op := stream.accept_op("*", "/", "%")) is not None:
        right = _unary(stream)
        left = Arith(op.text, left, right, _cover(left.span, right.span, stream))
    return left


def _unary(stream: Stream) -> Expr:
    token = stream.peek()
    following = stream.peek(1)
    if (
        token is not None
        and token.is_op("-")
        and following is not None
        and following.kind is not Kind.NUMBER
    ):
        stream.pos += 1
        operand = _unary(stream)
        zero = Literal(0, token.span)
        return Arith("-", zero, operand, _cover(token.span, operand.span, stream))
    return _primary(stream)


def parse_value(stream: Stream) -> Expr:
    """An expression up to what cannot continue it (`as name` of an assignment stage)."""
    if stream.at_end():
        raise stream.error("expected an expression")
    return _ternary(stream)


def _ternary(stream: Stream) -> Expr:
    condition = _or(stream)
    if stream.accept_op("?") is None:
        return condition
    then = _ternary(stream)
    stream.expect_op(":", "the value after '?'")
    otherwise = _ternary(stream)
    return Ternary(condition, then, otherwise, _cover(condition.span, otherwise.span, stream))


def _or(stream: Stream) -> Expr:
    items = [_and(stream)]
    while stream.accept_word("or"):
        items.append(_and(stream))
    if len(items) == 1:
        return items[0]
    return Logical("or", tuple(items), _cover(items[0].span, items[-1].span, stream))


def _and(stream: Stream) -> Expr:
    items = [_not(stream)]
    while stream.accept_word("and"):
        items.append(_not(stream))
    if len(items) == 1:
        return items[0]
    return Logical("and", tuple(items), _cover(items[0].span, items[-1].span, stream))


def _not(stream: Stream) -> Expr:
    token = stream.peek()
    if token is not None and (token.is_op("!") or token.is_word("not")):
        stream.pos += 1
        operand = _not(stream)
        return Negation(operand, _cover(token.span, operand.span, stream))
    return _comparison(stream)


def _comparison(stream: Stream) -> Expr:
    left = _operand(stream)
    token = stream.peek()
    if token is None:
        return left
    if token.kind is Kind.OP and token.text in COMPARISONS:
        stream.pos += 1
        right = _operand(stream)
        return Compare(COMPARISONS[token.text], left, right, _cover(left.span, right.span, stream))
    negated = False
    if (
        token.is_word("not")
        and (after := stream.peek(1)) is not None
        and after.is_word("matches", "in")
    ):
        stream.pos += 1
        negated = True
    if stream.accept_word("matches"):
        pattern = _operand(stream)
        return Matches(left, pattern, negated, _cover(left.span, pattern.span, stream))
    if (keyword := stream.accept_word("in")) is not None:
        return _in_list(stream, left, negated, keyword)
    if stream.accept_word("contains"):
        right = _operand(stream)
        name = Name("contains", token.span)
        return Call(name, (left, right), _cover(left.span, right.span, stream))
    return left


def _in_list(stream: Stream, subject: Expr, negated: bool, keyword: Token) -> Expr:
    stream.expect_op("(", "'in'")
    items = [_literal(stream)]
    while stream.accept_op(","):
        items.append(_literal(stream))
    closing = stream.expect_op(")", "the list of values")
    return InList(subject, tuple(items), negated, _cover(subject.span, closing.span, stream))


def _literal(stream: Stream) -> Literal:
    expr = _primary(stream)
    if not isinstance(expr, Literal):
        raise stream.error_at(expr.span, "expected a literal value (a string or a number)")
    return expr


def _primary(stream: Stream) -> Expr:
    token = stream.next("a value")
    if token.kind is Kind.STRING:
        return Literal(token.value, token.span)
    if token.kind is Kind.REGEX:
        return RegexLiteral(token.value, token.span)
    if token.kind is Kind.NUMBER:
        value = number_value(token.text)
        if value is None:
            raise stream.error_at(token.span, f"invalid number '{token.text}'")
        return Literal(value, token.span)
    if token.kind is Kind.FIELD:
        return FieldRef(Name(token.value, token.span), token.span)
    if token.is_op("-") and (number := stream.peek()) is not None and number.kind is Kind.NUMBER:
        value = number_value(number.text)
        if value is None:
            raise stream.error_at(number.span, f"invalid number '{number.text}'")
        stream.pos += 1
        return Literal(-value, _cover(token.span, number.span, stream))
    if token.is_op("("):
        inner = _ternary(stream)
        stream.expect_op(")", "the expression")
        return inner
    if token.kind is Kind.WORD:
        return _word(stream, token)
    if token.kind is Kind.CHAR:
        hint = "strings use double quotes"
        raise stream.error_at(token.span, f"expected a value, found {token.text}", hint)
    raise stream.error_at(token.span, f"expected a value, found '{token.text}'")


_CONSTANTS: dict[str, Value] = {"true": True, "false": False, "null": None}
# Words that end or join expressions; never field names inside one (use %"as" for that).
_NOT_VALUES = frozenset({"as", "and", "or", "matches", "in", "contains"})


def _word(stream: Stream, token: Token) -> Expr:
    lower = token.text.lower()
    following = stream.peek()
    if following is not None and following.is_op("("):
        return _call(stream, token)
    if lower in _CONSTANTS:
        return Literal(_CONSTANTS[lower], token.span)
    if lower in _NOT_VALUES:
        raise stream.error_at(token.span, f"expected a value, found '{token.text}'")
    return FieldRef(Name(token.text, token.span), token.span)


def _call(stream: Stream, token: Token) -> Expr:
    lower = token.text.lower()
    if lower in LATER_FUNCTIONS:
        raise stream.later(token.span, f"function '{SPELLINGS.get(lower, token.text)}'")
    if lower not in SUPPORTED_FUNCTIONS:
        names = [SPELLINGS.get(n, n) for n in (*SUPPORTED_FUNCTIONS, *LATER_FUNCTIONS)]
        hint = suggestion(token.text, names)
        raise stream.error_at(token.span, f"unknown function '{token.text}'", hint)
    stream.expect_op("(", token.text)
    args: list[Expr] = []
    if lower == "lookupcontains":  # lookupContains(PATH, field=column [AND ...])
        token_path = stream.peek()
        if token_path is not None and token_path.kind is Kind.PATH:
            stream.pos += 1
            args.append(TableRef(token_path.text, token_path.span))
            stream.expect_op(",", "the lookup table")
    if not stream.accept_op(")"):
        args.append(_ternary(stream))
        while stream.accept_op(","):
            args.append(_ternary(stream))
        stream.expect_op(")", "the arguments")
    low, high = SUPPORTED_FUNCTIONS[lower]
    end = stream.tokens[stream.pos - 1].span
    span = _cover(token.span, end, stream)
    if not low <= len(args) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        plural = "s" if high != 1 else ""
        message = f"{token.text}() takes {wanted} argument{plural}, got {len(args)}"
        raise stream.error_at(span, message)
    if lower == "if":
        return Ternary(args[0], args[1], args[2], span)
    return Call(Name(token.text, token.span), tuple(args), span)
