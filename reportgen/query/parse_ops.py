"""Parsing the Tier 2 row operators: `parse regex`/`extract`, `csv`, `split`, `dedup` and
expression stages (`<expr> as name`, `num(x)`), spec §4.3-4.6, §5.4, §5.6.

`StageParser` registers these through `more_operators`; every parser gets the stage's token
stream positioned after the operator word and returns its node.
"""

from __future__ import annotations

from collections.abc import Callable

from reportgen.query import expr_parser
from reportgen.query.nodes import (
    Assign,
    Call,
    Dedup,
    FieldRef,
    Name,
    ParseRegex,
    RegexLiteral,
    Split,
    Stage,
)
from reportgen.query.parse_json_kv import OperatorParsers
from reportgen.query.problems import span_of
from reportgen.query.regex import scan_groups
from reportgen.query.stream import Stream
from reportgen.query.tokens import Kind, Token


class MoreOperators(OperatorParsers):
    """Parsers of the operators added by Tier 2 (bound to the query text for spans)."""

    def table(self) -> dict[str, Callable[[Stream, Token], Stage]]:
        return {
            "extract": self.parse_regex,
            "json": self.parse_json,
            "kv": self.parse_kv,
            "keyvalue": self.parse_kv,
            "csv": self.parse_csv,
            "split": self.parse_split,
            "dedup": self.parse_dedup,
        }

    # --- parse regex / extract (§4.3) ---------------------------------------------------------

    def parse_regex(self, stream: Stream, first: Token) -> Stage:
        source = self._source(stream)
        patterns = self._strings(stream, "a quoted regular expression")
        source = source or self._source(stream)
        multi = nodrop = False
        while (option := stream.accept_word("multi", "nodrop")) is not None:
            multi = multi or option.text.lower() == "multi"
            nodrop = nodrop or option.text.lower() == "nodrop"
        regexes: list[RegexLiteral] = []
        groups: list[tuple[Name, ...]] = []
        seen: set[str] = set()
        for token in patterns:
            found, problems = scan_groups(token.text[1:-1])
            if problems:
                start = token.span.start + 1 + problems[0].offset
                span = span_of(self.text, start, start + problems[0].length)
                raise stream.error_at(span, problems[0].message)
            if not found:
                hint = "name what to extract, e.g. '(?<user>\\w+)'"
                raise stream.error_at(token.span, "regular expression without a named group", hint)
            names: list[Name] = []
            for group in found:
                start = token.span.start + 1 + group.offset
                span = span_of(self.text, start, start + len(group.name) + 4)
                if group.name.lower() in seen:
                    raise stream.error_at(span, f"duplicate group name '{group.name}'")
                seen.add(group.name.lower())
                names.append(Name(group.name, span))
            regexes.append(RegexLiteral(token.value, token.span))
            groups.append(tuple(names))
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return ParseRegex(tuple(regexes), tuple(groups), source, multi, nodrop, span)

    # --- csv / split (§4.6) -------------------------------------------------------------------

    def parse_csv(self, stream: Stream, first: Token) -> Stage:
        return self._delimited(stream, first, ",", allow_delim=False)

    def parse_split(self, stream: Stream, first: Token) -> Stage:
        return self._delimited(stream, first, ",", allow_delim=True)

    def _delimited(self, stream: Stream, first: Token, delim: str, allow_delim: bool) -> Stage:
        source = stream.name(f"the field to split after '{first.text}' (e.g. _raw)")
        chars = {"delim": delim, "escape": "\\", "quote": '"'}
        allowed = ("delim", "escape", "quote") if allow_delim else ("escape", "quote")
        while (option := stream.accept_word(*allowed)) is not None:
            stream.expect_op("=", f"'{option.text}'")
            value = stream.peek()
            if value is None or value.kind is not Kind.CHAR or len(value.value) != 1:
                raise stream.error(
                    f"expected one character in single quotes after '{option.text}='"
                )
            stream.pos += 1
            chars[option.text.lower()] = value.value
            stream.accept_op(",")
        if len(set(chars.values())) != 3:
            message = "delim, escape and quote must be three different characters"
            raise stream.error_at(
                span_of(self.text, first.span.start, self._end(stream, first)), message
            )
        stream.expect_word("extract", "the options")
        items: list[tuple[int, Name]] = []
        index = 0
        while True:
            token = stream.peek()
            if token is not None and token.kind is Kind.NUMBER and token.text.isdigit():
                stream.pos += 1
                index = int(token.text)
                if index < 1:
                    raise stream.error_at(token.span, "column numbers start at 1")
                stream.expect_word("as", "the column number")
                items.append((index, stream.name("a field name")))
            else:
                index += 1
                name = stream.name("a field name, '_' or 'N as name'")
                if name.text != "_":
                    items.append((index, name))
            if not stream.accept_op(","):
                break
        seen: set[str] = set()
        for _, name in items:
            if name.key in seen:
                raise stream.error_at(name.span, f"duplicate field '{name.text}'")
            seen.add(name.key)
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return Split(source, chars["delim"], chars["escape"], chars["quote"], tuple(items), span)

    # --- dedup (§5.6) -------------------------------------------------------------------------

    def parse_dedup(self, stream: Stream, first: Token) -> Stage:
        consecutive = stream.accept_word("consecutive") is not None
        count = 1
        token = stream.peek()
        if token is not None and token.kind is Kind.NUMBER and token.text.isdigit():
            count, number_span = stream.integer("the number of rows to keep")
            if count < 1:
                raise stream.error_at(number_span, "dedup keeps at least 1 row per key")
        by: list[Name] = []
        if stream.accept_word("by") is not None or stream.is_name():
            by = stream.names("a field to deduplicate by")
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return Dedup(count, tuple(by), span, consecutive)

    # --- expression stages (§5.4) -------------------------------------------------------------

    def parse_assignment(self, stream: Stream) -> Stage:
        stream.pos = 0
        expr = expr_parser.parse_value(stream)
        if stream.accept_word("as") is not None:
            target = stream.name("a name after 'as'")
            return Assign(expr, target, span_of(self.text, expr.span.start, target.span.end))
        if isinstance(expr, Call) and expr.args and isinstance(expr.args[0], FieldRef):
            return Assign(expr, expr.args[0].name, expr.span)
        raise stream.error("expected 'as <name>' after the expression")


def is_expression_stage(stream: Stream, first: Token) -> bool:
    """`<expr> as x`, `if(...) as x`, `num(x)`: anything but a bare unknown word."""
    following = stream.peek()
    if first.kind is not Kind.WORD:
        return True
    # `true or x as y`, `a matches "b*" as m`: an operator word after the first word
    return following is not None and (
        following.is_word("as", "and", "or", "not", "matches", "in", "contains")
        or following.kind is Kind.OP
    )
