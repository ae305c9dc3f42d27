"""Query text -> `Query` (scope + stages). One `_parse_<op>` per operator, found via OPERATORS.

Problems are collected across independent parts (scope, each stage) and raised once as a
`QuerySyntaxError` whose `errors` lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from reportgen.errors import QuerySyntaxError, Span, suggestion
from reportgen.query import aggregates, expr_parser, post_parser
from reportgen.query.anchor import split_anchor
from reportgen.query.catalog import AGGREGATES, LATER
from reportgen.query.nodes import (
    AggCall,
    Aggregate,
    Fields,
    Limit,
    Name,
    Parse,
    ScopeAll,
    ScopeNode,
    Sort,
    SortKey,
    Stage,
    Timeslice,
    Top,
    Transpose,
    Where,
)
from reportgen.query.problems import raise_syntax, span_of
from reportgen.query.scope_parser import parse_scope
from reportgen.query.stream import Stream
from reportgen.query.tokens import (
    Kind,
    Token,
    control_characters,
    normalize_quotes,
    split_scope,
    split_stages,
    tokenize,
)

MAX_LIMIT = 10_000
_WIDTH = re.compile(r"(\d+)([smhdw])")


@dataclass(frozen=True)
class Query:
    """A parsed query. `text` is the query after typographic-quote normalisation (spans point
    into it); `warnings` lists tolerated oddities. `restriction` is an extra scope ANDed to
    `scope` when the query runs (a team's data access scope, see `restrict.py`); it is not part
    of the text, so it changes neither the spelling of result columns nor error carets."""

    text: str
    scope: ScopeNode
    stages: tuple[Stage, ...]
    warnings: list[str] = field(default_factory=list)
    restriction: ScopeNode | None = None


def parse_query(text: str, *, strict_quotes: bool = False) -> Query:
    """Parse a query; raise `QuerySyntaxError` (every problem found, with carets)."""
    normalized, warnings, errors = normalize_quotes(text, strict_quotes)
    errors.extend(control_characters(normalized))
    raise_syntax(errors)
    end, cleaned, errors = split_scope(normalized)
    scope: ScopeNode = ScopeAll(span_of(normalized, 0, 0))
    if not errors:
        scope, scope_errors = parse_scope(cleaned, end, warnings)
        errors.extend(scope_errors)
    stages: list[Stage] = []
    if end < len(normalized):
        tokens, lex_errors = tokenize(normalized, end)
        errors.extend(lex_errors)
        if not lex_errors:
            parser = StageParser(normalized)
            for pipe, stage_tokens in split_stages(tokens):
                try:
                    stages.append(parser.parse(pipe, stage_tokens))
                except QuerySyntaxError as error:
                    errors.append(error)
    raise_syntax(errors)
    return Query(normalized, scope, tuple(stages), warnings)


class StageParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.OPERATORS: dict[str, Callable[[Stream, Token], Stage]] = {
            "parse": self._parse_parse,
            "timeslice": self._parse_timeslice,
            "count": self._parse_aggregate,
            "sort": self._parse_sort,
            "order": self._parse_sort,
            "top": self._parse_top,
            "limit": self._parse_limit,
            "transpose": self._parse_transpose,
            "where": self._parse_where,
            "fields": self._parse_fields,
        }
        self.OPERATORS.update(post_parser.operators(self.text))  # issue 3b
        for aggregate in AGGREGATES:
            self.OPERATORS.setdefault(aggregate, self._parse_aggregate)

    def parse(self, pipe: Token, tokens: list[Token]) -> Stage:
        stream = Stream(self.text, tokens, pipe.span.start)
        if not tokens:
            raise stream.error_at(pipe.span, "expected an operator after '|'")
        first = stream.next()
        name = first.text.lower()
        if first.kind is Kind.WORD and name in self.OPERATORS:
            stage = self.OPERATORS[name](stream, first)
            stream.expect_end()
            return stage
        raise self._not_an_operator(stream, first)

    def _not_an_operator(self, stream: Stream, first: Token) -> QuerySyntaxError:
        name = first.text.lower()
        if first.kind is Kind.WORD and (name in AGGREGATES or name in LATER):
            return stream.later(first.span, f"operator '{first.text}'")
        following = stream.peek()
        expression = following is not None and (
            following.is_word("as") or following.kind is Kind.OP or first.kind is not Kind.WORD
        )
        if expression and any(token.is_word("as") for token in stream.tokens):
            return stream.later(first.span, "an expression stage ('<expression> as <name>')")
        if first.kind is not Kind.WORD:
            return stream.error_at(first.span, f"expected an operator, found '{first.text}'")
        hint = suggestion(first.text, [*self.OPERATORS, *AGGREGATES, *LATER])
        return stream.error_at(first.span, f"unknown operator '{first.text}'", hint)

    def _parse_parse(self, stream: Stream, first: Token) -> Stage:
        if (mode := stream.accept_word("regex", "xml")) is not None:
            raise stream.later(
                span_of(self.text, first.span.start, mode.span.end), f"operator 'parse {mode.text}'"
            )
        source = None
        if stream.accept_word("field"):
            stream.expect_op("=", "'field'")
            source = stream.name("the field to parse after 'field='")
        pattern = stream.peek()
        if pattern is None or pattern.kind is not Kind.STRING:
            raise stream.error("expected a quoted pattern after 'parse'")
        stream.pos += 1
        raw = pattern.text[1:-1]
        stream.expect_word("as", "the parse pattern")
        parenthesised = stream.accept_op("(") is not None
        names = stream.names("a field name")
        if parenthesised:
            stream.expect_op(")", "the field names")
        nodrop = stream.accept_word("nodrop") is not None
        anchor = split_anchor(raw)
        if anchor.double_star:
            raise stream.error_at(pattern.span, "'**' in a parse pattern")
        if anchor.stars != len(names):
            stars = f"{anchor.stars} '*'" if anchor.stars != 1 else "1 '*'"
            plural = "s" if len(names) != 1 else ""
            message = f"parse pattern has {stars} but {len(names)} name{plural} after 'as'"
            raise stream.error_at(pattern.span, message)
        self._no_duplicates(stream, names)
        end = stream.tokens[stream.pos - 1].span.end
        return Parse(raw, pattern.span, tuple(names), source, nodrop, self._span(first, end))

    def _parse_timeslice(self, stream: Stream, first: Token) -> Stage:
        stream.accept_word("by")
        width = stream.peek()
        unit = stream.peek(1)
        if width is None or width.is_word("as"):  # one bucket: the whole time range
            return self._timeslice_rest(stream, first, 0, "range")
        if width.kind is Kind.NUMBER and unit is not None and unit.is_word("buckets"):
            count, span = stream.integer("the number of buckets")
            stream.pos += 1
            if not 1 <= count <= MAX_LIMIT:
                raise stream.error_at(
                    span, f"the number of buckets must be between 1 and {MAX_LIMIT}"
                )
            return self._timeslice_rest(stream, first, count, "buckets")
        match = _WIDTH.fullmatch(width.text) if width.kind is Kind.NUMBER else None
        if match is None or int(match.group(1)) == 0:
            raise stream.error_at(
                width.span,
                f"invalid timeslice width '{width.text}'",
                "expected a width such as 5m, 1h or 1d (units s, m, h, d, w)",
            )
        stream.pos += 1
        return self._timeslice_rest(stream, first, int(match.group(1)), match.group(2))

    def _timeslice_rest(self, stream: Stream, first: Token, count: int, unit: str) -> Stage:
        alias = stream.name("a name after 'as'") if stream.accept_word("as") else None
        end = stream.tokens[stream.pos - 1].span.end if stream.pos else first.span.end
        return Timeslice(count, unit, alias, self._span(first, end))

    def _parse_aggregate(self, stream: Stream, first: Token) -> Stage:
        if first.is_word("count_frequent"):
            return post_parser.parse_count_frequent(stream, first)
        calls = [self._agg_call(stream, first)]
        by: list[Name] = []
        while not stream.at_end():
            if stream.accept_word("group"):
                stream.expect_word("by", "'group'")
                by = stream.names("a field to group by")
                break
            if stream.accept_word("by"):
                by = stream.names("a field to group by")
                break
            if stream.accept_op(","):
                func = stream.peek()
                if func is not None and func.kind is Kind.WORD and not func.is_word(*AGGREGATES):
                    hint = suggestion(func.text, sorted(AGGREGATES))
                    raise stream.error_at(func.span, f"unknown aggregate '{func.text}'", hint)
                if func is None or not func.is_word(*AGGREGATES):
                    raise stream.error("expected an aggregate function after ','")
                if func.is_word("count_frequent"):
                    message = "count_frequent cannot be combined with other aggregates"
                    raise stream.error_at(func.span, message)
                stream.pos += 1
                calls.append(self._agg_call(stream, func))
                continue
            if stream.is_name():  # `count user, host` = `count by user, host`
                by = stream.names("a field to group by")
                break
            break
        self._no_duplicates(stream, by)
        end = stream.tokens[stream.pos - 1].span.end
        return Aggregate(tuple(calls), tuple(by), self._span(first, end))

    def _agg_call(self, stream: Stream, func: Token) -> AggCall:
        return aggregates.parse_call(stream, func)

    def _parse_sort(self, stream: Stream, first: Token) -> Stage:
        stream.accept_word("by")
        keys = [self._sort_key(stream)]
        while stream.accept_op(","):
            keys.append(self._sort_key(stream))
        end = stream.tokens[stream.pos - 1].span.end
        return Sort(tuple(keys), self._span(first, end))

    def _sort_key(self, stream: Stream) -> SortKey:
        sign = stream.accept_op("+", "-")
        name = stream.name("a field to sort by")
        descending = sign is None or sign.text == "-"
        if (direction := stream.accept_word("asc", "desc")) is not None:
            descending = direction.text.lower() == "desc"
        start = sign.span.start if sign else name.span.start
        end = stream.tokens[stream.pos - 1].span.end
        return SortKey(name, descending, span_of(self.text, start, end))

    def _parse_top(self, stream: Stream, first: Token) -> Stage:
        count, _ = stream.integer("the number of rows after 'top'")
        fields = stream.names("a field after the number")
        if (by := stream.accept_word("by")) is not None:
            what = stream.name("'count' after 'by'")
            if what.key != "count":
                raise stream.later(
                    span_of(self.text, by.span.start, what.span.end), f"'top ... by {what.text}'"
                )
        self._no_duplicates(stream, fields)
        end = stream.tokens[stream.pos - 1].span.end
        return Top(count, tuple(fields), self._span(first, end))

    def _parse_limit(self, stream: Stream, first: Token) -> Stage:
        count, span = stream.integer("the number of rows after 'limit'")
        if not 1 <= count <= MAX_LIMIT:
            raise stream.error_at(span, f"limit must be between 1 and {MAX_LIMIT}")
        return Limit(count, self._span(first, span.end))

    def _parse_transpose(self, stream: Stream, first: Token) -> Stage:
        stream.expect_word("row", "'transpose'")
        rows = stream.names("a row field")
        stream.expect_word("column", "the row fields")
        columns = stream.names("a column field")
        outputs: list[Name] | None = None
        rest = False
        if stream.accept_word("as"):
            outputs = []
            while True:
                if stream.accept_op("*"):
                    rest = True
                else:
                    outputs.append(stream.name("a column name or '*'"))
                if not stream.accept_op(","):
                    break
            if rest and not outputs:
                outputs = None
        end = stream.tokens[stream.pos - 1].span.end
        span = self._span(first, end)
        return Transpose(
            tuple(rows), tuple(columns), tuple(outputs) if outputs is not None else None, rest, span
        )

    def _parse_where(self, stream: Stream, first: Token) -> Stage:
        condition = expr_parser.parse_condition(stream)
        return Where(condition, self._span(first, condition.span.end))

    def _parse_fields(self, stream: Stream, first: Token) -> Stage:
        remove = stream.accept_op("-") is not None
        names = stream.names("a field name")
        self._no_duplicates(stream, names)
        end = stream.tokens[stream.pos - 1].span.end
        return Fields(tuple(names), remove, self._span(first, end))

    def _no_duplicates(self, stream: Stream, names: list[Name]) -> None:
        seen: set[str] = set()
        for name in names:
            if name.key in seen:
                raise stream.error_at(name.span, f"duplicate field '{name.text}'")
            seen.add(name.key)

    def _span(self, first: Token, end: int) -> Span:
        return span_of(self.text, first.span.start, end)
