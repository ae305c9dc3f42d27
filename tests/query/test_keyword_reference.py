"""Differential test: keyword SQL on DuckDB against a naive Python reading of spec §2.2.

The reference tokenises the message (words = runs of letters, digits, `_`; every other
non-space character is a token) and compares token sequences, exactly as the spec's normative
algorithm says; the code under test compiles the keyword to an RE2 regex plus an ILIKE prefilter.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.query.problems import span_of
from reportgen.query.sql.dialect import DUCKDB
from reportgen.query.sql.scope import keyword_sql
from reportgen.query.syntax.nodes import Keyword


def is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def split(text: str, glob: bool) -> list[str]:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char.isspace():
            index += 1
            continue
        end = index + 1
        if is_word(char) or (glob and char in "*?"):
            while end < len(text) and (is_word(text[end]) or (glob and text[end] in "*?")):
                end += 1
        out.append(text[index:end].lower())
        index = end
    return out


def glob_matches(pattern: str, token: str) -> bool:
    if not is_word(token[0]):
        return False
    regex = "".join("\\w*" if c == "*" else "\\w" if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, token) is not None


def reference(keyword: str, quoted: bool, message: str) -> bool:
    glob = not quoted
    wanted = split(keyword, glob)
    tokens = split(message, False)
    if not wanted or (glob and len(wanted) == 1 and set(wanted[0]) == {"*"}):
        return True
    if len(wanted) == 1:
        (word,) = wanted
        if glob and any(c in "*?" for c in word):
            return any(glob_matches(word, token) for token in tokens)
        return word in tokens
    kinds: list[tuple[str, str]] = []  # (equal | any | prefix, text)
    for position, word in enumerate(wanted):
        if not glob or not any(c in "*?" for c in word):
            kinds.append(("equal", word))
        elif word == "*":
            kinds.append(("any", ""))
        elif position == len(wanted) - 1 and re.fullmatch(r"[^*?]+\*", word):
            kinds.append(("prefix", word[:-1]))
        else:
            return False  # unsupported partial wildcard: matches nothing
    width = len(kinds)
    return any(
        all(
            kind == "any"
            or (kind == "equal" and token == text)
            or (kind == "prefix" and is_word(token[0]) and token.startswith(text))
            for (kind, text), token in zip(kinds, tokens[i : i + width], strict=True)
        )
        for i in range(len(tokens) - width + 1)
    )


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def engine(con: duckdb.DuckDBPyConnection, keyword: str, quoted: bool, message: str) -> bool:
    predicate = keyword_sql(Keyword(keyword, quoted, span_of(keyword, 0, len(keyword))), DUCKDB)
    sql = f"SELECT coalesce({predicate}, false) FROM (SELECT ?::VARCHAR AS _raw) AS t"
    return bool(con.execute(sql, [message]).fetchone()[0])  # type: ignore[index]


MESSAGE = st.text(alphabet="abAB1_ .-:@*?éÉ\t\n", max_size=24)
KEYWORD = st.text(alphabet="abAB1_.-:@*?éÉ", min_size=1, max_size=8)
PHRASE = st.text(alphabet="abAB1_ .-:@*?é", min_size=1, max_size=8)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keyword=KEYWORD, message=MESSAGE)
def test_unquoted_keywords(con: duckdb.DuckDBPyConnection, keyword: str, message: str) -> None:
    assert engine(con, keyword, False, message) == reference(keyword, False, message)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keyword=PHRASE, message=MESSAGE)
def test_quoted_keywords(con: duckdb.DuckDBPyConnection, keyword: str, message: str) -> None:
    assert engine(con, keyword, True, message) == reference(keyword, True, message)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), message=MESSAGE.filter(lambda m: m.strip() != ""))
def test_keywords_cut_from_the_message(
    con: duckdb.DuckDBPyConnection, data: st.DataObject, message: str
) -> None:
    start = data.draw(st.integers(0, len(message) - 1))
    end = data.draw(st.integers(start + 1, len(message)))
    keyword = message[start:end].strip()
    if keyword:
        quoted = data.draw(st.booleans())
        assert engine(con, keyword, quoted, message) == reference(keyword, quoted, message)
