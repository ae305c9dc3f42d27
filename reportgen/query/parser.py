"""Query text -> `Query` (scope + stages). Each stage's first word finds its operator's parse
function in the registry (`reportgen.query.operators`).

Problems are collected across independent parts (scope, each stage) and raised once as a
`QuerySyntaxError` whose `errors` lists them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reportgen.errors import QuerySyntaxError, suggestion
from reportgen.query.operators import EXPRESSION_STAGE, WORDS
from reportgen.query.operators.rows import is_expression_stage
from reportgen.query.problems import raise_syntax, span_of
from reportgen.query.syntax.catalog import AGGREGATES, OUT_OF_SCOPE
from reportgen.query.syntax.nodes import ScopeAll, ScopeNode, Stage
from reportgen.query.syntax.scope import parse_scope
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import (
    Kind,
    Token,
    control_characters,
    normalize_quotes,
    split_scope,
    split_stages,
    tokenize,
)
from reportgen.query.syntax.variables import substitute


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


def parse_query(
    text: str, *, strict_quotes: bool = False, variables: Mapping[str, str] | None = None
) -> Query:
    """Parse a query; raise `QuerySyntaxError` (every problem found, with carets).

    `variables` give the values of `{{name}}` placeholders, replaced before parsing."""
    if "{{" in text:
        text = substitute(text, variables)
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
    """Parses one stage: its first word picks the operator (`operators.WORDS`); a stage that
    starts with an expression is an expression stage (`<expr> as name`)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def parse(self, pipe: Token, tokens: list[Token]) -> Stage:
        stream = Stream(self.text, tokens, pipe.span.start)
        if not tokens:
            raise stream.error_at(pipe.span, "expected an operator after '|'")
        first = stream.next()
        name = first.text.lower()
        if first.kind is Kind.WORD and name in WORDS:
            stage = WORDS[name](stream, first)
            stream.expect_end()
            return stage
        if not (first.kind is Kind.WORD and (name in AGGREGATES or name in OUT_OF_SCOPE)) and (
            is_expression_stage(stream, first)
        ):
            assert EXPRESSION_STAGE.parse is not None
            stage = EXPRESSION_STAGE.parse(stream, first)
            stream.expect_end()
            return stage
        raise self._not_an_operator(stream, first)

    def _not_an_operator(self, stream: Stream, first: Token) -> QuerySyntaxError:
        name = first.text.lower()
        if first.kind is Kind.WORD and name in OUT_OF_SCOPE:
            return stream.out_of_scope(first.span, f"operator '{first.text}'")
        if first.kind is Kind.WORD and name in AGGREGATES:
            return stream.later(first.span, f"operator '{first.text}'")
        if first.kind is not Kind.WORD:
            return stream.error_at(first.span, f"expected an operator, found '{first.text}'")
        hint = suggestion(first.text, [*WORDS, *AGGREGATES, *OUT_OF_SCOPE])
        return stream.error_at(first.span, f"unknown operator '{first.text}'", hint)
