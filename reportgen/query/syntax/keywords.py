"""Keyword search with token semantics (spec §2.2), compiled to one RE2 regex over `_raw`.

A message is a sequence of tokens: words (runs of Unicode letters, digits and `_`) and single
punctuation characters; whitespace separates and is dropped. A keyword matches when its own token
sequence occurs contiguously, compared case-insensitively. Unquoted `*`/`?` are wildcards inside
one word; in a phrase a lone `*` stands for exactly one token and the last word may end in `*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WORD = r"[\pL\pN_]"
NOT_WORD = r"[^\pL\pN_]"
_SPACE_CHARS = r"\t-\r\x{1c}-\x{1f} \x{85}\pZ"
SPACE = f"[{_SPACE_CHARS}]"
PUNCT = rf"[^{_SPACE_CHARS}\pL\pN_]"
LEFT = f"(?:^|{NOT_WORD})"
RIGHT = f"(?:$|{NOT_WORD})"


@dataclass(frozen=True)
class KeywordPattern:
    """How a keyword matches: everything, nothing, or `regex` (with an optional cheap
    `prefilter`: a lower-case ASCII word (letters, digits, `_`) that every match contains, in
    any case)."""

    kind: Literal["all", "none", "regex"]
    regex: str = ""
    prefilter: str | None = None
    warning: str | None = None


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def keyword_tokens(text: str, quoted: bool) -> list[str]:
    """Split a keyword like a message; unquoted, `*` and `?` stick to the word they touch."""
    tokens: list[str] = []
    index = 0
    glob = "" if quoted else "*?"
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
        elif is_word_char(char) or char in glob:
            end = index + 1
            while end < len(text) and (is_word_char(text[end]) or text[end] in glob):
                end += 1
            tokens.append(text[index:end])
            index = end
        else:
            tokens.append(char)
            index += 1
    return tokens


def re2_escape(text: str) -> str:
    """Escape `text` as a literal for RE2 (ASCII punctuation gets a backslash)."""
    out: list[str] = []
    for char in text:
        if is_word_char(char) or (ord(char) > 127 and char.isprintable()):
            out.append(char)
        elif char.isprintable() and ord(char) < 128:
            out.append("\\" + char)
        else:
            out.append(f"\\x{{{ord(char):x}}}")
    return "".join(out)


def _glob_word(token: str) -> str:
    return "".join(f"{WORD}*" if c == "*" else WORD if c == "?" else re2_escape(c) for c in token)


def _is_word(token: str, glob: bool) -> bool:
    return is_word_char(token[0]) or (glob and token[0] in "*?")


def _prefilter(tokens: list[str], quoted: bool) -> str | None:
    chunks: list[str] = []
    for token in tokens:
        if not _is_word(token, not quoted):
            continue
        # Wildcards (unquoted only) split a word into the literal pieces every match contains.
        pieces = [token] if quoted else token.replace("?", "*").split("*")
        chunks.extend(p.lower() for p in pieces if p.isascii() and len(p) >= 2)
    return max(chunks, key=len) if chunks else None


def analyze(text: str, quoted: bool) -> KeywordPattern:
    """The matching rule of one keyword (`quoted`: written in double quotes)."""
    tokens = keyword_tokens(text, quoted)
    if not tokens or (not quoted and len(tokens) == 1 and set(tokens[0]) == {"*"}):
        return KeywordPattern("all")
    glob = not quoted
    if len(tokens) == 1:
        token = tokens[0]
        if _is_word(token, glob):
            body = _glob_word(token) if glob else re2_escape(token)
            regex = f"{LEFT}{body}{RIGHT}"
        else:
            regex = re2_escape(token)
        return KeywordPattern("regex", "(?i)" + regex, _prefilter(tokens, quoted))
    parts: list[tuple[str, str]] = []  # (kind: word|punct|any, regex)
    for position, token in enumerate(tokens):
        if not _is_word(token, glob):
            parts.append(("punct", re2_escape(token)))
        elif not glob or not any(c in "*?" for c in token):
            parts.append(("word", re2_escape(token)))
        elif token == "*":
            parts.append(("any", ""))
        elif (
            position == len(tokens) - 1
            and token.endswith("*")
            and "*" not in token[:-1]
            and ("?" not in token)
        ):
            parts.append(("word", re2_escape(token[:-1]) + f"{WORD}*"))
        else:
            warning = (
                f"keyword '{text}': a wildcard inside a phrase must be a whole token ('*') "
                "or end the last word; this keyword matches nothing"
            )
            return KeywordPattern("none", warning=warning)
    return KeywordPattern("regex", "(?i)" + _phrase(parts), _prefilter(tokens, quoted))


def _phrase(parts: list[tuple[str, str]]) -> str:
    out: list[str] = []
    last = len(parts) - 1
    for index, (kind, regex) in enumerate(parts):
        if index > 0:
            both_words = kind == "word" and parts[index - 1][0] == "word"
            out.append(f"{SPACE}+" if both_words else f"{SPACE}*")
        if kind == "any":
            word = f"{WORD}+"
            if index == 0:
                word = LEFT + word
            if index == last:
                word += RIGHT
            out.append(f"(?:{word}|{PUNCT})")
            continue
        if kind == "word" and index == 0:
            out.append(LEFT)
        out.append(regex)
        if kind == "word" and index == last:
            out.append(RIGHT)
    return "".join(out)
