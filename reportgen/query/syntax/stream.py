"""A cursor over the tokens of one stage, with the helpers every operator's parser needs."""

from __future__ import annotations

from reportgen.errors import QuerySyntaxError, Span
from reportgen.query.problems import span_of, syntax
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.tokens import Kind, Token


class Stream:
    def __init__(self, text: str, tokens: list[Token], start: int) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0
        self.start = start  # offset of the stage's `|`

    def peek(self, offset: int = 0) -> Token | None:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def next(self, what: str = "more") -> Token:
        token = self.peek()
        if token is None:
            raise self.error(f"expected {what}")
        self.pos += 1
        return token

    def accept_word(self, *words: str) -> Token | None:
        token = self.peek()
        if token is not None and token.is_word(*words):
            self.pos += 1
            return token
        return None

    def accept_op(self, *ops: str) -> Token | None:
        token = self.peek()
        if token is not None and token.is_op(*ops):
            self.pos += 1
            return token
        return None

    def expect_word(self, word: str, after: str) -> Token:
        token = self.accept_word(word)
        if token is None:
            raise self.error(f"expected '{word}' after {after}")
        return token

    def expect_op(self, op: str, after: str) -> Token:
        token = self.accept_op(op)
        if token is None:
            raise self.error(f"expected '{op}' after {after}")
        return token

    def here(self) -> Span:
        """The current token's span, or just past the last token at the end of the stage."""
        token = self.peek()
        if token is not None:
            return token.span
        end = self.tokens[-1].span.end if self.tokens else self.start + 1
        return span_of(self.text, end, end + 1)

    def error(self, message: str, hint: str | None = None) -> QuerySyntaxError:
        token = self.peek()
        if token is not None and message.startswith("expected"):
            message = f"{message}, found '{token.text}'"
        return syntax(self.text, self.here(), message, hint)

    def error_at(
        self, span: Span, message: str, hint: str | None = None, *, located: bool = True
    ) -> QuerySyntaxError:
        return syntax(self.text, span, message, hint, located=located)

    def out_of_scope(self, span: Span, what: str) -> QuerySyntaxError:
        """Operators reportgen will not implement (they need data or services beyond a log
        snapshot: lookup tables, other searches, geo databases...)."""
        return syntax(
            self.text,
            span,
            f"{what} is out of scope: reportgen runs queries over a log snapshot only",
            "see 'Out of scope' in docs/query-language.md",
            located=False,
        )

    def later(self, span: Span, what: str) -> QuerySyntaxError:
        """ "<what> is not supported yet" (Tier 2/3 features), with a caret."""
        return syntax(self.text, span, f"{what} is not supported yet", located=False)

    def expect_end(self) -> None:
        token = self.peek()
        if token is not None:
            raise syntax(self.text, token.span, f"unexpected '{token.text}'")

    def is_name(self, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and (
            token.kind in (Kind.WORD, Kind.FIELD)
            or (token.kind is Kind.NUMBER and token.text.isalnum())
        )

    def name(self, what: str = "a field name") -> Name:
        """A field name: a word (operator words too: `count as count`), or `%"any text"`."""
        if not self.is_name():
            raise self.error(f"expected {what}")
        token = self.next()
        return Name(token.value, token.span)

    def names(self, what: str = "a field name") -> list[Name]:
        """`a, b, c`."""
        out = [self.name(what)]
        while self.accept_op(","):
            out.append(self.name(what))
        return out

    def by_names(self) -> list[Name]:
        """`by g1, g2` or `group by g1, g2` (none when absent)."""
        if self.accept_word("group"):
            self.expect_word("by", "'group'")
        elif not self.accept_word("by"):
            return []
        names = self.names("a field to group by")
        self.no_duplicates(names)
        return names

    def no_duplicates(self, names: list[Name], what: str = "field") -> None:
        """Refuse a name listed twice (`count by a, A`)."""
        seen: set[str] = set()
        for name in names:
            if name.key in seen:
                raise self.error_at(name.span, f"duplicate {what} '{name.text}'")
            seen.add(name.key)

    def end(self) -> int:
        """The offset just past the last token read (the stage start before any)."""
        return self.tokens[self.pos - 1].span.end if self.pos else self.start + 1

    def span_from(self, start: int) -> Span:
        """From `start` to the end of the last token read: the span of a whole stage."""
        return span_of(self.text, start, self.end())

    def integer(self, what: str) -> tuple[int, Span]:
        token = self.peek()
        if token is None or token.kind is not Kind.NUMBER or not token.text.isdigit():
            raise self.error(f"expected {what}")
        self.pos += 1
        return int(token.text), token.span
