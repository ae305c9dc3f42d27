"""`where` (§5.1-5.3, 5.5) and `fields` (§5.6)."""

from __future__ import annotations

import pytest

from reportgen.errors import QueryError
from tests.query.conftest import log_table, raws, run

LINES = ("v=abc;n=10;", "v=ABC;n=9;", "v=a?c;n=10.0;", "v=abcd;n=x;", "other")
PARSE = '* | parse "v=*;n=*;" as v, n nodrop'


def kept(condition: str, lines: tuple[str, ...] = LINES, parse: str = PARSE) -> list[str]:
    """`_raw` of the rows a condition keeps, oldest first."""
    result = run(log_table(raws(*lines)), f"{parse} | where {condition}")
    return [r["_raw"] for r in reversed(result.records())]


def test_string_equality_is_case_sensitive() -> None:
    assert kept('v = "abc"') == ["v=abc;n=10;"]
    assert kept('v == "ABC"') == ["v=ABC;n=9;"]
    assert kept('"abc" = v') == ["v=abc;n=10;"]


def test_not_equal_and_null_comparisons_are_false() -> None:
    # the row without v is not "different from abc": comparisons with null are false.
    assert kept('v != "abc"') == ["v=ABC;n=9;", "v=a?c;n=10.0;", "v=abcd;n=x;"]
    assert kept('v <> "abc"') == kept('v != "abc"')
    # ... but the negation of a false comparison is true.
    assert kept('!(v = "abc")') == ["v=ABC;n=9;", "v=a?c;n=10.0;", "v=abcd;n=x;", "other"]


def test_numeric_literal_makes_the_comparison_numeric() -> None:
    assert kept("n > 9") == ["v=abc;n=10;", "v=a?c;n=10.0;"]  # as text "10" < "9"
    assert kept("n = 10") == ["v=abc;n=10;", "v=a?c;n=10.0;"]
    assert kept('n = "10"') == ["v=abc;n=10;"]
    assert kept("n != 10") == ["v=ABC;n=9;"]  # "x" is not a number: false
    assert kept("n <= 9.5") == ["v=ABC;n=9;"]
    assert kept("n >= 1e1") == ["v=abc;n=10;", "v=a?c;n=10.0;"]
    assert kept("n < 1k") == ["v=abc;n=10;", "v=ABC;n=9;", "v=a?c;n=10.0;"]


def test_strings_order_by_code_point() -> None:
    assert kept('v < "abc"') == ["v=ABC;n=9;", "v=a?c;n=10.0;"]  # "?" < "b"
    assert kept('v > "abc"') == ["v=abcd;n=x;"]


def test_matches_wildcard_is_whole_string_and_case_sensitive() -> None:
    assert kept('v matches "a*c"') == ["v=abc;n=10;", "v=a?c;n=10.0;"]
    assert kept('v matches "a?c"') == ["v=a?c;n=10.0;"]  # ? is literal
    assert kept('v matches "abc"') == ["v=abc;n=10;"]
    assert kept('v matches "*"') == ["v=abc;n=10;", "v=ABC;n=9;", "v=a?c;n=10.0;", "v=abcd;n=x;"]
    assert kept('v matches "a_c"') == []
    assert kept('v not matches "a*"') == ["v=ABC;n=9;", "other"]
    assert kept('!(v matches "a*")') == ["v=ABC;n=9;", "other"]


def test_matches_regex_is_a_full_match() -> None:
    assert kept("v matches /ab+c/") == ["v=abc;n=10;"]
    assert kept("v matches /(?i)abc/") == ["v=abc;n=10;", "v=ABC;n=9;"]
    assert kept("v matches /a.c|x|y/") == ["v=abc;n=10;", "v=a?c;n=10.0;"]
    assert kept("v matches /(?<first>a)bcd/") == ["v=abcd;n=x;"]


def test_matches_a_field_pattern() -> None:
    lines = ("a=xyz;p=x*;", "a=xyz;p=y*;")
    assert kept("a matches p", lines, '* | parse "a=*;p=*;" as a, p') == ["a=xyz;p=x*;"]


def test_in_is_strict_about_types() -> None:
    assert kept('v in ("abc", "ABC")') == ["v=abc;n=10;", "v=ABC;n=9;"]
    assert kept("n in (10, 9)") == []  # parsed values are strings
    assert kept('n in ("10", 9)') == ["v=abc;n=10;"]
    assert kept('v not in ("abc", "ABC")') == ["v=a?c;n=10.0;", "v=abcd;n=x;", "other"]


def test_in_on_numbers_after_aggregation() -> None:
    con = log_table(raws("a", "a", "b", "c", "c", "c"))
    query = '* | parse "*" as k | count by k | where _count in (2, 3) | sort by _count asc'
    assert run(con, query).rows == [("a", 2), ("c", 3)]
    assert run(con, '* | parse "*" as k | count by k | where _count >= 2').rows == [
        ("a", 2),
        ("c", 3),
    ]


def test_conformance_15_is_null_empty_blank() -> None:
    lines = ("nothing", "v=;", "v= ;", "v=bob;")
    parse = '* | parse "v=*;" as v nodrop'
    assert kept("isNull(v)", lines, parse) == ["nothing"]
    assert kept("isEmpty(v)", lines, parse) == ["nothing", "v=;"]
    assert kept("isBlank(v)", lines, parse) == ["nothing", "v=;", "v= ;"]
    assert kept("!isBlank(v)", lines, parse) == ["v=bob;"]
    assert kept("ISNULL(v) or isempty(v)", lines, parse) == ["nothing", "v=;"]


def test_contains() -> None:
    lines = ("a=hello world;b=hello;", "a=hello;b=;", "a=;b=;", "a=Hello;b=hello;")
    parse = '* | parse "a=*;b=*;" as a, b'
    assert kept("contains(a, b)", lines, parse) == ["a=hello world;b=hello;", "a=;b=;"]
    assert kept('a contains "world"', lines, parse) == ["a=hello world;b=hello;"]


def test_boolean_precedence_and_parentheses() -> None:
    lines = ("a=1;b=0;c=0;", "a=0;b=1;c=0;", "a=0;b=1;c=1;", "a=1;b=1;c=1;")
    parse = '* | parse "a=*;b=*;c=*;" as a, b, c'
    or_and = 'a = "1" or b = "1" and c = "1"'
    assert kept(or_and, lines, parse) == ["a=1;b=0;c=0;", "a=0;b=1;c=1;", "a=1;b=1;c=1;"]
    grouped = '(a = "1" or b = "1") AND c = "1"'
    assert kept(grouped, lines, parse) == ["a=0;b=1;c=1;", "a=1;b=1;c=1;"]
    assert kept('not a = "1" and not b = "0"', lines, parse) == ["a=0;b=1;c=0;", "a=0;b=1;c=1;"]


def test_where_on_metadata_and_several_where_stages() -> None:
    con = log_table(
        [
            {"_messagetime": "2026-11-20 10:00", "_raw": "a", "_sourcehost": "web-1"},
            {"_messagetime": "2026-11-20 10:01", "_raw": "b", "_sourcehost": "db-1"},
        ]
    )
    result = run(con, '* | where _sourceHost matches "web*" | where _size = 1')
    assert [r["_raw"] for r in result.records()] == ["a"]


def test_where_unknown_field_is_an_error() -> None:
    with pytest.raises(QueryError, match="unknown field 'vv' at column 45; did you mean 'v'"):
        run(log_table(raws("x")), f'{PARSE} | where vv = "a"')


def test_fields_keeps_listed_fields_and_underscore_fields_of_messages() -> None:
    con = log_table(raws("a=1;b=2;c=3;"))
    result = run(con, '* | parse "a=*;b=*;c=*;" as a, b, c | fields c, a')
    assert result.names == [
        "_messagetime", "_raw", "c", "a", "_sourcehost", "_sourcecategory", "_sourcename",
        "_source", "_collector", "_size", "_messagecount", "_receipttime", "_format",
    ]  # fmt: skip


def test_fields_minus_removes_fields_including_metadata() -> None:
    con = log_table(raws("a=1;b=2;"))
    result = run(con, '* | parse "a=*;b=*;" as a, b | fields - b, _sourceName, _size, _format')
    assert result.names == [
        "_messagetime", "_raw", "a", "_sourcehost", "_sourcecategory", "_source", "_collector",
        "_messagecount", "_receipttime",
    ]  # fmt: skip
    with pytest.raises(QueryError, match="unknown field 'b'"):
        run(con, '* | parse "a=*;b=*;" as a, b | fields - b | count by b')


def test_fields_after_aggregation_keeps_only_the_listed_fields_in_order() -> None:
    con = log_table(raws("x"))
    result = run(con, "* | count by _sourcehost, _sourcecategory | fields _count, _sourcehost")
    assert (result.names, result.rows) == (["_count", "_sourcehost"], [(1, "host-a")])
