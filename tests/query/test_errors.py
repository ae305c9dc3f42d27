"""Error messages, asserted whole: message, hint, the query line and the caret line."""

from __future__ import annotations

import pytest

from reportgen.errors import QueryError, QuerySyntaxError, ReportgenError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE


def message(query: str, *, strict_quotes: bool = False) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query, strict_quotes=strict_quotes), WIDE)
    return str(caught.value)


def test_unknown_operator() -> None:
    assert message("* | cout") == (
        "unknown operator 'cout' at column 5; did you mean 'count'?\n  * | cout\n      ^~~~"
    )
    with pytest.raises(QuerySyntaxError):
        parse_query("* | cout")


def test_unknown_operator_without_a_close_match() -> None:
    assert message("error | xyzzy x") == (
        "unknown operator 'xyzzy' at column 9\n  error | xyzzy x\n          ^~~~~"
    )


def test_unterminated_string() -> None:
    assert message('* | parse "abc as x') == (
        'unterminated string at column 11\n  * | parse "abc as x\n            ^'
    )
    assert message('"abc | count') == 'unterminated string at column 1\n  "abc | count\n  ^'


def test_star_name_mismatch_points_at_the_pattern() -> None:
    assert message('* | parse "a=* b=*" as a') == (
        "parse pattern has 2 '*' but 1 name after 'as' at column 11\n"
        '  * | parse "a=* b=*" as a\n'
        "            ^~~~~~~~~"
    )
    assert message('* | parse "a=*" as a, b') == (
        "parse pattern has 1 '*' but 2 names after 'as' at column 11\n"
        '  * | parse "a=*" as a, b\n'
        "            ^~~~~"
    )


def test_missing_as_in_parse() -> None:
    assert message('* | parse "a=*" a') == (
        "expected 'as' after the parse pattern, found 'a' at column 17\n"
        '  * | parse "a=*" a\n'
        "                  ^"
    )
    assert message('* | parse "a=*"') == (
        "expected 'as' after the parse pattern at column 16\n"
        '  * | parse "a=*"\n'
        "                 ^"
    )


def test_unknown_field_in_count_by_after_aggregation() -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(parse_query("* | count by _sourcehost | count by user"), WIDE)
    assert str(caught.value) == (
        "unknown field 'user' at column 37; fields here: _sourcehost, _count\n"
        "  * | count by _sourcehost | count by user\n"
        "                                      ^~~~"
    )


def test_unknown_field_in_sort_by_after_aggregation() -> None:
    assert message("* | count by _sourcehost | sort by _cont") == (
        "unknown field '_cont' at column 36; did you mean '_count'?\n"
        "  * | count by _sourcehost | sort by _cont\n"
        "                                     ^~~~~"
    )


def test_unknown_field_in_count_by_in_message_phase() -> None:
    assert message("* | count by _sourcehots") == (
        "unknown field '_sourcehots' at column 14; did you mean '_sourcehost'?\n"
        "  * | count by _sourcehots\n"
        "               ^~~~~~~~~~~"
    )


def test_out_of_scope_operators_say_so() -> None:
    assert message('* | parse xml "a"') == (
        "operator 'parse xml' is out of scope: reportgen runs queries over a log snapshot only; "
        "see 'Out of scope' in docs/query-language.md\n"
        '  * | parse xml "a"\n'
        "      ^~~~~~~~~"
    )
    assert message("* | count by x | logreduce") == (
        "operator 'logreduce' is out of scope: reportgen runs queries over a log snapshot only; "
        "see 'Out of scope' in docs/query-language.md\n"
        "  * | count by x | logreduce\n"
        "                   ^~~~~~~~~"
    )


def test_several_independent_problems_are_reported_together() -> None:
    text = message("* | cout | limit 0 | join a")
    assert text == (
        "unknown operator 'cout' at column 5; did you mean 'count'?\n"
        "  * | cout | limit 0 | join a\n"
        "      ^~~~\n"
        "limit must be between 1 and 10000 at column 18\n"
        "  * | cout | limit 0 | join a\n"
        "                   ^\n"
        "operator 'join' is out of scope: reportgen runs queries over a log snapshot only; "
        "see 'Out of scope' in docs/query-language.md\n"
        "  * | cout | limit 0 | join a\n"
        "                       ^~~~"
    )
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("* | cout | limit 0 | join a")
    assert len(caught.value.errors) == 3


def test_several_unknown_fields_are_reported_together() -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(parse_query("* | count by usr | sort by _cuont"), WIDE)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("unknown field 'usr' at column 14; fields here: _messagetime,")
    assert lines[3] == "unknown field '_cuont' at column 28; did you mean '_count'?"


def test_strict_quotes_reject_typographic_quotes() -> None:
    assert message("“error”", strict_quotes=True) == (
        "typographic quote '“' (U+201C) at column 1; use the ASCII quote \"\n"
        "  “error”\n"
        "  ^\n"
        "typographic quote '”' (U+201D) at column 7; use the ASCII quote \"\n"
        "  “error”\n"
        "        ^"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("(a OR b", "unclosed '(' at column 1\n  (a OR b\n  ^"),
        ("a) b", "unmatched ')' at column 2\n  a) b\n   ^"),
        ("a OR", "expected a keyword after 'OR' at column 5\n  a OR\n      ^"),
        ("a |", "expected an operator after '|' at column 3\n  a |\n    ^"),
        ("a | | count", "expected an operator after '|' at column 3\n  a | | count\n    ^"),
        ("_sourcehost=", "expected a value after '=' at column 12\n  _sourcehost=\n             ^"),
        (
            "* | limit 0",
            "limit must be between 1 and 10000 at column 11\n  * | limit 0\n            ^",
        ),
        ("* | sort by", "expected a field to sort by at column 12\n  * | sort by\n             ^"),
        (
            "* | timeslice 5x",
            "invalid timeslice width '5x' at column 15; expected a width such as 5m, 1h or 1d "
            "(units s, m, h, d, w)\n  * | timeslice 5x\n                ^~",
        ),
        (
            "* | where foo(a)",
            "unknown function 'foo' at column 11; did you mean 'floor'?\n"
            "  * | where foo(a)\n            ^~~",
        ),
        (
            "* | count by a, a",
            "duplicate field 'a' at column 17\n  * | count by a, a\n                  ^",
        ),
        (
            "* | where x = 1 |\n  count",
            "unknown field 'x' at line 1, column 11; fields here: _messagetime, _raw, "
            "_sourcehost, _sourcecategory, _sourcename, _source, _collector, _size, "
            "_messagecount, _receipttime, _format\n  * | where x = 1 |\n            ^",
        ),
        (
            "* | count by x |",
            "expected an operator after '|' at column 16\n  * | count by x |\n                 ^",
        ),
        ("error \x00", "unexpected control character U+0000 at column 7\n  error \x00\n        ^"),
        (
            '* | pase "x*" as y',
            "unknown operator 'pase' at column 5; did you mean 'parse'?\n"
            '  * | pase "x*" as y\n      ^~~~',
        ),
        (
            "* | ip as",
            "expected a name after 'as' at column 10\n  * | ip as\n           ^",
        ),
        (
            "* | where x = 'a'",
            "expected a value, found 'a' at column 15; strings use double quotes\n"
            "  * | where x = 'a'\n                ^~~",
        ),
    ],
)
def test_other_messages(query: str, expected: str) -> None:
    assert message(query) == expected
