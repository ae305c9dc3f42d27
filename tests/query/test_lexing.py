"""Lexical rules (spec §1): quotes, pipeline splitting, comments, strings, names, case."""

from __future__ import annotations

import pytest

from reportgen.query import parse_query
from reportgen.query.operators.aggregate import Aggregate
from reportgen.query.operators.parse import Parse
from reportgen.query.operators.rows import Where
from reportgen.query.syntax.expressions import number_value
from reportgen.query.syntax.nodes import Keyword, Matches, MetaMatch, RegexLiteral, ScopeAnd
from reportgen.query.syntax.tokens import Kind, tokenize
from tests.query.conftest import log_table, raws, run


def test_typographic_quotes_become_ascii_with_a_warning() -> None:
    query = parse_query("“twistlock” | parse “rule *’” as r")
    assert query.text == '"twistlock" | parse "rule *\'" as r'
    assert query.warnings == [
        'replaced typographic quotes with ASCII quotes: “ -> " (2x), ” -> " (2x), ’ -> \' (1x)'
    ]
    stage = query.stages[0]
    assert isinstance(stage, Parse) and stage.pattern == "rule *'"


def test_all_typographic_quote_forms() -> None:
    query = parse_query('„a″ | parse "‘*‚′" as x')
    assert query.text == '"a" | parse "\'*\'\'" as x'


def test_pipe_inside_strings_regexes_and_parentheses_does_not_split() -> None:
    query = parse_query('"a|b" (c | d) | where x matches /co\\.uk|com/ | count')
    assert len(query.stages) == 2
    where = query.stages[0]
    assert isinstance(where, Where) and isinstance(where.condition, Matches)
    assert isinstance(where.condition.pattern, RegexLiteral)
    assert where.condition.pattern.pattern == "co\\.uk|com"


def test_no_space_needed_around_the_pipe() -> None:
    query = parse_query("(Process violation)|count by _sourcehost|sort _count")
    assert len(query.stages) == 2
    assert isinstance(query.scope, ScopeAnd)


def test_comments_outside_literals() -> None:
    query = parse_query("error // a | count\n| count /* | limit 1 */ by _sourcehost")
    assert len(query.stages) == 1
    stage = query.stages[0]
    assert isinstance(stage, Aggregate) and [n.text for n in stage.by] == ["_sourcehost"]
    keyword = parse_query('"http://x.com/*y*/"').scope
    assert isinstance(keyword, Keyword) and keyword.text == "http://x.com/*y*/"


def test_slashes_inside_scope_words_are_not_comments() -> None:
    meta = parse_query("_sourceCategory=prod/*").scope
    assert isinstance(meta, MetaMatch) and meta.value == "prod/*"
    url = parse_query("http://example.com").scope
    assert isinstance(url, Keyword) and url.text == "http://example.com"


def test_string_escapes() -> None:
    keyword = parse_query('"say \\"hi\\" \\\\ bye"').scope
    assert isinstance(keyword, Keyword) and keyword.text == 'say "hi" \\ bye'


def test_escaped_field_names_and_case_insensitive_names() -> None:
    con = log_table(raws("k=v;"))
    result = run(con, '* | parse "k=*;" as %"my field" | count by %"MY FIELD"')
    assert result.names == ["my field", "_count"]  # first spelling in the query (spec §9.1)
    assert result.rows == [("v", 1)]


def test_operator_and_option_words_are_case_insensitive() -> None:
    con = log_table(raws("k=v;", "k=v;", "k=w;"))
    query = '* | PARSE "k=*;" AS k NODROP | Count By k | SORT BY _count ASC | LIMIT 1'
    assert run(con, query).rows == [("w", 1)]
    query = '* | parse "k=*;" as k | count GROUP BY k | ORDER by _COUNT'
    assert run(con, query).rows == [("v", 2), ("w", 1)]


def test_keywords_are_valid_names() -> None:
    con = log_table(raws("by=1;as=2;"))
    result = run(con, '* | parse "by=*;as=*;" as by, as | count as count by by, as')
    assert result.names == ["by", "as", "count"]
    assert result.rows == [("1", "2", 1)]


def test_stage_tokens() -> None:
    text = '| where %"a b" >= 1.5s and x != "q\\"" or y matches /a\\/b/'
    tokens, errors = tokenize(text)
    assert errors == []
    assert [(t.kind, t.value) for t in tokens] == [
        (Kind.PIPE, "|"),
        (Kind.WORD, "where"),
        (Kind.FIELD, "a b"),
        (Kind.OP, ">="),
        (Kind.NUMBER, "1.5s"),
        (Kind.WORD, "and"),
        (Kind.WORD, "x"),
        (Kind.OP, "!="),
        (Kind.STRING, 'q"'),
        (Kind.WORD, "or"),
        (Kind.WORD, "y"),
        (Kind.WORD, "matches"),
        (Kind.REGEX, "a\\/b"),
    ]
    assert tokens[2].span.col == 9


def test_division_is_not_a_regex() -> None:
    tokens, _ = tokenize("| where a / 2 > b / 3")
    assert [t.text for t in tokens if t.kind is Kind.OP] == ["/", ">", "/"]


def test_multi_line_queries() -> None:
    con = log_table(raws("k=v;"))
    query = '_sourceCategory = cat\n  | parse "k=*;" as k\n  | count by k // per key\n'
    assert run(con, query).rows == [("v", 1)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2k", 2000),
        ("1.5s", 1500),
        ("1Ki", 1024),
        ("1m", 60000),
        ("2M", 2_000_000),
        ("1h", 3_600_000),
        ("10", 10),
        ("1.5", 1.5),
        ("1e3", 1000),
        ("5x", None),
    ],
)
def test_number_literals(text: str, value: float | None) -> None:
    assert number_value(text) == value


@pytest.mark.parametrize("char", ["²", "³", "⑦"])
def test_a_character_that_str_isdigit_calls_a_digit_is_unexpected(char: str) -> None:
    # str.isdigit() is true for superscripts and circled digits, which start no number (found
    # by the query fuzz test, where it raised an AssertionError).
    tokens, errors = tokenize(f"| {char}")
    assert [token.kind for token in tokens] == [Kind.PIPE]
    assert char.isdigit()
    assert [error.message for error in errors] == [f"unexpected character '{char}' at column 3"]
