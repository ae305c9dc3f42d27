"""`parse regex` / `extract` (§4.3) and the nodrop chain across parse-family stages (§4.2)."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import QueryError, QuerySyntaxError, ReportgenError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE, log_table, raws, run


def fields(lines: tuple[str, ...], query: str, *names: str) -> list[tuple[Any, ...]]:
    """The named fields of each result row, oldest message first."""
    result = run(log_table(raws(*lines)), query)
    return [tuple(r[n] for n in names) for r in reversed(result.records())]


def message(query: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    return str(caught.value)


def test_conformance_8_inline_case_insensitive_flag() -> None:
    lines = ("a reported: error in log", "b reported: Error in log", "c reported: ERROR in log")
    query = r'* | parse regex "reported:\s(?<exception>(?i)error)\s"'
    assert fields(lines, query, "exception") == [("error",), ("Error",), ("ERROR",)]


def test_conformance_9_multi_gives_one_row_per_match() -> None:
    con = log_table(raws("a 10.0.0.1 b 10.0.0.2"))
    query = r'* | parse regex "(?<ip>\d+\.\d+\.\d+\.\d+)" multi | count by ip'
    assert run(con, query).rows == [("10.0.0.1", 1), ("10.0.0.2", 1)]


def test_groups_become_string_fields_and_non_matching_rows_are_dropped() -> None:
    lines = ("user=ann ip=10.1.1.1", "no user here", "user=bob ip=10.2.2.2")
    query = r'* | parse regex "user=(?<user>\w+) ip=(?<ip>\S+)"'
    assert fields(lines, query, "user", "ip") == [("ann", "10.1.1.1"), ("bob", "10.2.2.2")]
    result = run(log_table(raws(*lines)), query)
    assert [c.type for c in result.columns if c.name in ("user", "ip")] == ["string", "string"]


def test_matching_is_a_case_sensitive_search() -> None:
    lines = ("x User=ann y", "x user=bob y")
    assert fields(lines, r'* | extract "user=(?<u>\w+)"', "u") == [("bob",)]


def test_extract_is_an_alias_with_field_and_nodrop() -> None:
    lines = ("mail=ann@example.com", "mail=nobody")
    query = '* | parse "mail=*" as mail | extract field=mail "@(?<domain>.+)" nodrop'
    assert fields(lines, query, "mail", "domain") == [
        ("ann@example.com", "example.com"),
        ("nobody", None),
    ]


def test_several_regexes_must_all_match() -> None:
    lines = ("a=1 b=2", "a=3", "b=4")
    query = r'* | parse regex "a=(?<a>\d)", "b=(?<b>\d)"'
    assert fields(lines, query, "a", "b") == [("1", "2")]
    with_nodrop = r'* | parse regex "a=(?<a>\d)", "b=(?<b>\d)" nodrop'
    assert fields(lines, with_nodrop, "a", "b") == [("1", "2"), ("3", None), (None, "4")]


def test_multi_with_several_groups_and_nodrop() -> None:
    lines = ("k1=v1 k2=v2", "nothing")
    query = r'* | parse regex "(?<k>k\d)=(?<v>v\d)" multi nodrop | count by k, v'
    assert run(log_table(raws(*lines)), query).rows == [
        ("k1", "v1", 1),
        ("k2", "v2", 1),
        (None, None, 1),
    ]


def test_a_successful_match_overwrites_and_a_failed_one_keeps_the_field() -> None:
    lines = ("v=old n=1", "v=old")
    query = r'* | parse "v=*" as v | parse regex "n=(?<v>\d)" nodrop'
    assert fields(lines, query, "v") == [("1",), ("old",)]


def test_nodrop_chain_across_parse_family_stages() -> None:
    lines = ('{"u":"json"}', "user=regex", "u: kv", "none")
    query = (
        '* | json "u" as a nodrop | parse regex "user=(?<b>\\w+)" nodrop '
        '| kv "u" as c nodrop | parse "zzz*" as d'
    )
    # the last parse drops what no earlier nodrop stage matched
    assert fields(lines, query, "a", "b", "c") == [
        ("json", None, None),
        (None, "regex", None),
        (None, None, "kv"),
    ]


def test_regex_without_named_group() -> None:
    assert message(r'* | parse regex "\d+"') == (
        "regular expression without a named group at column 17; "
        "name what to extract, e.g. '(?<user>\\w+)'\n"
        '  * | parse regex "\\d+"\n'
        "                  ^~~~~"
    )


def test_unnamed_capturing_group_points_at_the_parenthesis() -> None:
    assert message('* | extract "(?<a>x)(y)"') == (
        "unnamed capturing group; name it '(?<name>...)' or use '(?:...)' at column 21\n"
        '  * | extract "(?<a>x)(y)"\n'
        "                      ^"
    )


def test_nested_named_groups_and_duplicates() -> None:
    assert message('* | extract "(?<a>x(?<b>y))"').startswith(
        "a named group inside another is not supported at column 20\n"
    )
    assert message('* | extract "(?<a>x)", "(?<A>y)"').startswith(
        "duplicate group name 'A' at column 25\n"
    )


def test_classes_escapes_and_non_capturing_groups_are_not_groups() -> None:
    lines = ("x(1) [y]",)
    query = r'* | extract "\((?<n>\d)\) [(][^)]*(?:\[)(?<w>[a-z])\]"'
    with pytest.raises(ReportgenError):
        run(log_table(raws(*lines)), r'* | extract "\((?<n>\d)\) (\[)"')
    assert fields(lines, r'* | extract "\((?<n>\d)\) (?:\[)(?<w>[a-z])\]"', "n", "w") == [
        ("1", "y")
    ]
    with pytest.raises(QueryError, match="invalid regular expression"):
        run(log_table(raws(*lines)), query.replace("[(]", "(?=x)"))


def test_lookaround_is_rejected_with_a_caret() -> None:
    with pytest.raises(QueryError) as caught:
        run(log_table(raws("ab")), '* | extract "(?<a>a)(?=b)"')
    assert str(caught.value).splitlines()[1:] == [
        '  * | extract "(?<a>a)(?=b)"',
        "              ^~~~~~~~~~~~~~",
    ]


def test_multi_takes_one_regex() -> None:
    with pytest.raises(QueryError, match="'multi' takes one regular expression"):
        compile_query(parse_query('* | extract "(?<a>a)", "(?<b>b)" multi'), WIDE)


def test_parse_regex_needs_raw_or_a_field() -> None:
    with pytest.raises(QuerySyntaxError, match="expected a quoted regular expression"):
        parse_query("* | parse regex a")
    text = message('* | count by _sourcehost | extract "(?<a>x)"')
    assert text.startswith("this parser reads '_raw', which is gone after aggregation")
