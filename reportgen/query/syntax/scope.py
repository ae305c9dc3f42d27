"""The scope (spec §2.1): keywords, phrases, `_field=value`, AND/OR/NOT, parentheses.

Precedence NOT > AND > OR; juxtaposition is AND. A bare word is a keyword unless it is AND, OR or
NOT (any case); quote it to search for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportgen.errors import QuerySyntaxError, Span
from reportgen.query.problems import span_of, syntax
from reportgen.query.syntax import keywords
from reportgen.query.syntax.catalog import SCOPE_FIELDS
from reportgen.query.syntax.nodes import (
    FieldMatch,
    Keyword,
    MetaMatch,
    Name,
    ScopeAll,
    ScopeAnd,
    ScopeNode,
    ScopeNot,
    ScopeOr,
)
from reportgen.query.syntax.tokens import unescape
from reportgen.query.syntax.unquoted import skip_string

_META = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)(?!=)\s*")


@dataclass(frozen=True)
class ScopeToken:
    kind: str  # ( ) ! quoted bare meta
    text: str
    span: Span
    node: ScopeNode | None = None  # keyword and metadata tokens carry their node


def _bare_end(text: str, index: int, end: int) -> int:
    """A bare word runs to whitespace, `"`, or a `)` it did not open itself."""
    depth = 0
    while index < end:
        char = text[index]
        if char.isspace() or char == '"':
            break
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        index += 1
    return index


class ScopeLexer:
    def __init__(self, text: str, end: int, warnings: list[str]) -> None:
        self.text = text  # comments already blanked
        self.end = end
        self.warnings = warnings
        self.errors: list[QuerySyntaxError] = []

    def tokens(self) -> list[ScopeToken]:
        out: list[ScopeToken] = []
        text, index = self.text, 0
        while index < self.end:
            char = text[index]
            if char.isspace():
                index += 1
            elif char in "()":
                out.append(ScopeToken(char, char, span_of(text, index, index + 1)))
                index += 1
            elif char == "!" and not text.startswith("!=", index):
                out.append(ScopeToken("!", char, span_of(text, index, index + 1)))
                index += 1
            elif char == '"':
                stop = skip_string(text, index)
                if stop < 0 or stop > self.end:
                    self.errors.append(
                        syntax(text, span_of(text, index, index + 1), "unterminated string")
                    )
                    break
                span = span_of(text, index, stop)
                node = Keyword(unescape(text[index + 1 : stop - 1]), True, span)
                out.append(ScopeToken("quoted", text[index:stop], span, self._checked(node)))
                index = stop
            elif match := _META.match(text, index, self.end):
                token = self._meta(match)
                if token is None:
                    break
                out.append(token)
                index = token.span.end
            else:
                stop = _bare_end(text, index, self.end)
                span = span_of(text, index, stop)
                node = Keyword(text[index:stop], False, span)
                out.append(ScopeToken("bare", text[index:stop], span, self._checked(node)))
                index = stop
        return out

    def _meta(self, match: re.Match[str]) -> ScopeToken | None:
        text = self.text
        start, index = match.start(), match.end()
        if index < self.end and text[index] == '"':
            stop = skip_string(text, index)
            if stop < 0 or stop > self.end:
                self.errors.append(
                    syntax(text, span_of(text, index, index + 1), "unterminated string")
                )
                return None
            value, quoted = unescape(text[index + 1 : stop - 1]), True
        else:
            stop = _bare_end(text, index, self.end)
            value, quoted = text[index:stop], False
            if stop == index:
                span = span_of(text, match.start(2), match.end(2))
                self.errors.append(syntax(text, span, f"expected a value after '{match.group(2)}'"))
                return ScopeToken("bare", "", span_of(text, start, index), None)
        field, op = match.group(1), match.group(2)
        span = span_of(text, start, stop)
        name = Name(field, span_of(text, match.start(1), match.end(1)))
        if field.lower() not in SCOPE_FIELDS:
            phrase = Keyword(f"{field}{op}{value}", quoted, span)
            if not field.startswith("_"):  # maybe a field: the plan knows (FieldMatch)
                found = FieldMatch(name, value, quoted, op == "!=", span, phrase, text[start:stop])
                return ScopeToken("meta", text[start:stop], span, found)
            self.warnings.append(phrase_warning(field, text[start:stop], phrase.text))
            return ScopeToken("bare", text[start:stop], span, self._checked(phrase))
        meta = MetaMatch(name, value, quoted, op == "!=", span)
        return ScopeToken("meta", text[start:stop], span, meta)

    def _checked(self, node: Keyword) -> Keyword:
        warning = keywords.analyze(node.text, node.quoted).warning
        if warning:
            self.warnings.append(warning)
        return node


def phrase_warning(field: str, written: str, phrase: str) -> str:
    """What a `field=value` on no known field means (spec §2.1 [deviation])."""
    return (
        f"'{field}' is not a metadata field; '{written}' is searched as the keyword phrase "
        + repr(phrase)
    )


class ScopeParser:
    """Recursive descent over scope tokens; problems are collected, not raised."""

    def __init__(self, text: str, tokens: list[ScopeToken], end: int) -> None:
        self.text = text
        self.tokens = tokens
        self.end = end
        self.pos = 0
        self.errors: list[QuerySyntaxError] = []

    def parse(self) -> ScopeNode:
        if not self.tokens:
            return ScopeAll(span_of(self.text, 0, 0))
        try:
            node = self._or()
            if self.pos < len(self.tokens):
                token = self.tokens[self.pos]
                message = "unmatched ')'" if token.kind == ")" else f"unexpected '{token.text}'"
                raise syntax(self.text, token.span, message)
            return node
        except QuerySyntaxError as error:
            self.errors.append(error)
            return ScopeAll(span_of(self.text, 0, 0))

    def _peek(self) -> ScopeToken | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _is_word(self, token: ScopeToken | None, word: str) -> bool:
        return token is not None and token.kind == "bare" and token.text.upper() == word

    def _or(self) -> ScopeNode:
        items = [self._and()]
        while self._is_word(self._peek(), "OR"):
            self.pos += 1
            items.append(self._and())
        return items[0] if len(items) == 1 else ScopeOr(tuple(items), self._cover(items))

    def _and(self) -> ScopeNode:
        items = [self._not()]
        while (token := self._peek()) is not None:
            if self._is_word(token, "AND"):
                self.pos += 1
            elif token.kind == ")" or self._is_word(token, "OR"):
                break
            items.append(self._not())
        return items[0] if len(items) == 1 else ScopeAnd(tuple(items), self._cover(items))

    def _not(self) -> ScopeNode:
        token = self._peek()
        if token is not None and (token.kind == "!" or self._is_word(token, "NOT")):
            self.pos += 1
            item = self._not()
            return ScopeNot(item, span_of(self.text, token.span.start, item.span.end))
        return self._atom()

    def _atom(self) -> ScopeNode:
        token = self._peek()
        previous = self.tokens[self.pos - 1] if self.pos else None
        if token is None:
            after = f" after '{previous.text}'" if previous else ""
            raise syntax(
                self.text, span_of(self.text, self.end, self.end), f"expected a keyword{after}"
            )
        if token.kind == "(":
            self.pos += 1
            if (inner := self._peek()) is not None and inner.kind == ")":
                raise syntax(
                    self.text,
                    span_of(self.text, token.span.start, inner.span.end),
                    "empty parentheses",
                )
            node = self._or()
            closing = self._peek()
            if closing is None or closing.kind != ")":
                raise syntax(self.text, token.span, "unclosed '('")
            self.pos += 1
            return node
        if token.kind == ")":
            raise syntax(self.text, token.span, "unmatched ')'")
        if token.kind == "bare" and token.text.upper() in ("AND", "OR"):
            raise syntax(
                self.text,
                token.span,
                f"unexpected '{token.text}'",
                "quote it to search for the word",
            )
        self.pos += 1
        assert token.node is not None
        return token.node

    def _cover(self, items: list[ScopeNode]) -> Span:
        return span_of(self.text, items[0].span.start, items[-1].span.end)


def parse_scope(
    text: str, end: int, warnings: list[str]
) -> tuple[ScopeNode, list[QuerySyntaxError]]:
    """Parse `text[:end]` (comments blanked) as a scope expression."""
    lexer = ScopeLexer(text, end, warnings)
    tokens = lexer.tokens()
    if lexer.errors:
        return ScopeAll(span_of(text, 0, 0)), lexer.errors
    parser = ScopeParser(text, tokens, end)
    node = parser.parse()
    return node, parser.errors
