"""Lexing (spec §1): typographic quotes, the scope/pipeline split and the tokens of the stages.

The scope (text before the first `|` outside strings and parentheses) has its own lexer in
`scope_parser.py`: keywords there may hold any punctuation. Everything after it is cut into
tokens here; `|` tokens outside parentheses separate the stages.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from reportgen.errors import QuerySyntaxError, Span
from reportgen.query.problems import span_of, syntax
from reportgen.query.syntax.unquoted import escaped_name_end, path_end, skip_string

DOUBLE_QUOTES = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"'}
SINGLE_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'"}
TYPOGRAPHIC: dict[str, str | int | None] = {**DOUBLE_QUOTES, **SINGLE_QUOTES}


class Kind(enum.Enum):
    WORD = "word"  # names, operator words, function names
    NUMBER = "number"  # 5, 1.5, 5m, 2k (suffix kept in the text)
    STRING = "string"  # "..." (value: \" and \\ unescaped)
    FIELD = "field"  # %"escaped field name"
    REGEX = "regex"  # /.../ where an operand is expected
    CHAR = "char"  # '...' (one-character options of csv/split)
    PATH = "path"  # a lookup table: path://"/Library/...", https://x/t.csv, /shared/t
    OP = "op"  # punctuation and comparison operators
    PIPE = "pipe"


@dataclass(frozen=True)
class Token:
    """One token: `text` as written, `value` unescaped (strings), and where it is."""

    kind: Kind
    text: str
    value: str
    span: Span

    def is_word(self, *words: str) -> bool:
        return self.kind is Kind.WORD and self.text.lower() in words

    def is_op(self, *ops: str) -> bool:
        return self.kind is Kind.OP and self.text in ops

    def __repr__(self) -> str:
        return f"{self.kind.name}({self.text!r})@{self.span.col}"


def normalize_quotes(text: str, strict: bool) -> tuple[str, list[str], list[QuerySyntaxError]]:
    """Map typographic quotes to ASCII (§1.9) and say so; in strict mode report each instead."""
    counts: dict[str, int] = {}
    errors: list[QuerySyntaxError] = []
    for index, char in enumerate(text):
        if char in TYPOGRAPHIC:
            counts[char] = counts.get(char, 0) + 1
            if strict:
                message = f"typographic quote '{char}' (U+{ord(char):04X})"
                hint = f"use the ASCII quote {TYPOGRAPHIC[char]}"
                errors.append(syntax(text, span_of(text, index, index + 1), message, hint))
    if strict or not counts:
        return text, [], errors
    listed = ", ".join(f"{c} -> {TYPOGRAPHIC[c]} ({n}x)" for c, n in counts.items())
    warning = f"replaced typographic quotes with ASCII quotes: {listed}"
    return text.translate(str.maketrans(TYPOGRAPHIC)), [warning], errors


def control_characters(text: str) -> list[QuerySyntaxError]:
    """Control characters other than tab and line breaks are never valid in a query."""
    return [
        syntax(text, span_of(text, i, i + 1), f"unexpected control character U+{ord(c):04X}")
        for i, c in enumerate(text)
        if (ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127
    ]


def unescape(raw: str) -> str:
    """`\\"` -> `"` and `\\\\` -> `\\`; other backslashes stay (regexes and patterns need them)."""
    return re.sub(r"\\([\"\\])", r"\1", raw)


def split_scope(text: str) -> tuple[int, str, list[QuerySyntaxError]]:
    """Find where the scope ends (its first `|` outside strings and parentheses).

    `//` and `/* */` start comments at the start of a token only (see `_comment_starts`).
    Returns that offset, the text with comments blanked (same length, so spans stay valid) and
    any problems (unterminated string or comment, unclosed parenthesis).
    """
    chars = list(text)
    errors: list[QuerySyntaxError] = []
    opened: list[int] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            end = skip_string(text, index)
            if end < 0:
                errors.append(syntax(text, span_of(text, index, index + 1), "unterminated string"))
                return len(text), "".join(chars), errors
            index = end
            continue
        if _comment_starts(text, index):
            end = _comment_end(text, index)
            if end < 0:
                span = span_of(text, index, index + 2)
                errors.append(syntax(text, span, "unterminated comment"))
                end = len(text)
            for blank in range(index, end):
                if chars[blank] != "\n":
                    chars[blank] = " "
            index = end
            continue
        if char == "(":
            opened.append(index)
        elif char == ")" and opened:
            opened.pop()
        elif char == "|" and not opened:
            return index, "".join(chars), errors
        index += 1
    if opened:
        span = span_of(text, opened[-1], opened[-1] + 1)
        errors.append(syntax(text, span, "unclosed '('"))
    return len(text), "".join(chars), errors


def _comment_starts(text: str, index: int) -> bool:
    """In the scope a comment starts only where a token could: `prod/*` and `http://x` are
    keywords or metadata globs, `a // note` is a comment."""
    if not (text.startswith("//", index) or text.startswith("/*", index)):
        return False
    return index == 0 or text[index - 1].isspace() or text[index - 1] in "()"


def _comment_end(text: str, start: int) -> int:
    if text.startswith("//", start):
        end = text.find("\n", start)
        return len(text) if end < 0 else end
    end = text.find("*/", start + 2)
    return -1 if end < 0 else end + 2


_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[A-Za-z]*")
_TWO_CHAR_OPS = ("==", "!=", "<>", "<=", ">=")
_ONE_CHAR_OPS = "=<>!()+-*/%,?:[]."
_OPERAND_WORDS = {"matches", "and", "or", "not", "in", "where", "contains", "as"}


def tokenize(text: str, start: int = 0) -> tuple[list[Token], list[QuerySyntaxError]]:
    """Tokens of `text[start:]` (the stages); comments are dropped."""
    tokens: list[Token] = []
    errors: list[QuerySyntaxError] = []
    index = start
    length = len(text)

    def add(kind: Kind, begin: int, end: int, value: str | None = None) -> None:
        piece = text[begin:end]
        tokens.append(
            Token(kind, piece, piece if value is None else value, span_of(text, begin, end))
        )

    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
        elif (end := path_end(text, index, tokens[-1] if tokens else None)) > index:
            add(Kind.PATH, index, end)
            index = end
        elif text.startswith("//", index) or text.startswith("/*", index):
            end = _comment_end(text, index)
            if end < 0:
                errors.append(syntax(text, span_of(text, index, index + 2), "unterminated comment"))
                break
            index = end
        elif char == '"' or text.startswith('%"', index):
            quote = index + (1 if char == "%" else 0)
            end = skip_string(text, quote)
            if end < 0:
                errors.append(syntax(text, span_of(text, index, quote + 1), "unterminated string"))
                break
            kind = Kind.STRING if char == '"' else Kind.FIELD
            add(kind, index, end, unescape(text[quote + 1 : end - 1]))
            index = end
        elif char == "%" and (end := escaped_name_end(text, index)) > index:
            add(Kind.FIELD, index, end, text[index + 1 : end])
            index = end
        elif char == "'":
            end = _char_end(text, index)
            if end < 0:
                errors.append(syntax(text, span_of(text, index, index + 1), "unterminated quote"))
                break
            add(Kind.CHAR, index, end, text[index + 1 : end - 1])
            index = end
        elif char == "/" and _operand_expected(tokens) and (end := _regex_end(text, index)) > 0:
            add(Kind.REGEX, index, end, text[index + 1 : end - 1])
            index = end
        elif char.isdigit() and (match := _NUMBER.match(text, index)) is not None:
            # ('²' is a digit to str.isdigit but starts no number: it is an unexpected character.)
            add(Kind.NUMBER, index, match.end())
            index = match.end()
        elif char.isalpha() or char == "_":
            end = _word_end(text, index)
            add(Kind.WORD, index, end)
            index = end
        elif char == "|":
            add(Kind.PIPE, index, index + 1)
            index += 1
        elif text[index : index + 2] in _TWO_CHAR_OPS:
            add(Kind.OP, index, index + 2)
            index += 2
        elif char in _ONE_CHAR_OPS:
            add(Kind.OP, index, index + 1)
            index += 1
        else:
            span = span_of(text, index, index + 1)
            errors.append(syntax(text, span, f"unexpected character '{char}'"))
            index += 1
    return tokens, errors


def _word_end(text: str, index: int) -> int:
    end = index + 1
    while end < len(text):
        char = text[end]
        dotted = (
            char == "."
            and end + 1 < len(text)
            and (text[end + 1].isalnum() or text[end + 1] == "_")
        )
        if char.isalnum() or char == "_" or dotted:
            end += 1
        else:
            break
    return end


def _char_end(text: str, index: int) -> int:
    if text.startswith("'''", index):
        return index + 3
    end = text.find("'", index + 1)
    return -1 if end < 0 else end + 1


def _operand_expected(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind is Kind.OP:
        return last.text not in (")", "]")
    return last.kind is Kind.PIPE or (
        last.kind is Kind.WORD and last.text.lower() in _OPERAND_WORDS
    )


def _regex_end(text: str, start: int) -> int:
    """Index past the `/.../` literal at `start`, or -1 if it does not close on this line."""
    index = start + 1
    in_class = False
    while index < len(text):
        char = text[index]
        if char == "\n":
            return -1
        if char == "\\":
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "/" and not in_class:
            return index + 1 if index > start + 1 else -1
        index += 1
    return -1


def split_stages(tokens: list[Token]) -> list[tuple[Token, list[Token]]]:
    """Group tokens into stages: (the `|` that opens the stage, its tokens). Parentheses nest."""
    stages: list[tuple[Token, list[Token]]] = []
    depth = 0
    for token in tokens:
        if token.kind is Kind.PIPE and depth == 0:
            stages.append((token, []))
            continue
        if token.is_op("("):
            depth += 1
        elif token.is_op(")"):
            depth = max(0, depth - 1)
        if stages:
            stages[-1][1].append(token)
    return stages
