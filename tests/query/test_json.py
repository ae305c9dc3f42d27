"""`json` (§4.4): paths, names, nodrop, field=, non-JSON input."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import QuerySyntaxError
from reportgen.query import parse_query
from tests.query.conftest import log_table, raws, run

DOC = '{"module":"stream","sessionId":"90D97000","meta":{"type":"timestamps"}}'


def fields(lines: tuple[str, ...], query: str, *names: str) -> list[tuple[Any, ...]]:
    result = run(log_table(raws(*lines)), query)
    return [tuple(r[n] for n in names) for r in reversed(result.records())]


def test_conformance_10_paths_and_names() -> None:
    query = '* | json "sessionId", "meta.type" as sid, t'
    assert fields((DOC,), query, "sid", "t") == [("90D97000", "timestamps")]


def test_conformance_10_keys_are_case_sensitive_and_missing_keys_drop_the_row() -> None:
    assert fields((DOC,), '* | json "SessionId"', "SessionId") == []
    assert fields((DOC,), '* | json "SessionId" nodrop', "SessionId") == [(None,)]


def test_default_name_is_the_path_as_written() -> None:
    result = run(log_table(raws(DOC)), '* | json "meta.type", "module"')
    assert [n for n in result.names if not n.startswith("_")] == ["meta.type", "module"]
    assert [result.records()[0][n] for n in ("meta.type", "module")] == ["timestamps", "stream"]


def test_scalars_as_text_and_objects_and_arrays_as_compact_json() -> None:
    line = '{"n": 42, "f": 1.5, "b": true, "z": null, "o": {"a": [1, "x"]}, "l": [1, 2]}'
    query = '* | json "n", "f", "b", "z", "o", "l", "o.a[1]" as n, f, b, z, o, l, second'
    assert fields((line,), query, "n", "f", "b", "z", "o", "l", "second") == [
        ("42", "1.5", "true", None, '{"a":[1,"x"]}', "[1,2]", "x")
    ]


def test_bracket_keys_and_wildcards() -> None:
    line = '{"key with space": "v", "items": [{"id": "a"}, {"id": "b"}]}'
    query = """* | json "['key with space']", "items[*].id" as k, ids"""
    assert fields((line,), query, "k", "ids") == [("v", '["a","b"]')]


def test_non_json_input_is_dropped_and_a_prefix_before_the_first_brace_is_skipped() -> None:
    lines = ('<14>Nov 20 host app: {"user": "ann"}', "not json at all", '{"user": "bob"}')
    assert fields(lines, '* | json "user"', "user") == [("ann",), ("bob",)]
    assert fields(lines, '* | json "user" nodrop', "user") == [("ann",), (None,), ("bob",)]


def test_field_option() -> None:
    lines = ('payload={"a": {"b": "c"}}',)
    query = '* | parse "payload=*" as p | json field=p "a.b" as ab'
    assert fields(lines, query, "ab") == [("c",)]


def test_names_must_match_the_paths() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query('* | json "a", "b" as x')
    assert str(caught.value) == (
        "2 JSON paths but 1 name after 'as' at column 22\n"
        '  * | json "a", "b" as x\n'
        "                       ^"
    )


def test_a_path_without_as_names_its_field_as_written() -> None:
    con = log_table(raws('{"a": [{"b": "x"}], "c d": 1}'))
    query = """* | json "a[0].b", "['c d']" | where %a[0].b = "x" | fields %"a[0].b", %"c d" """
    result = run(con, query)
    assert result.names[2:4] == ["a[0].b", "c d"]
    assert result.rows[0][2:4] == ("x", "1")


def test_invalid_path() -> None:
    with pytest.raises(QuerySyntaxError, match=r"invalid JSON path 'a\[x\]'"):
        parse_query('* | json "a[x]"')


def test_conformance_11_json_auto_and_extractarrays() -> None:
    con = log_table(raws('{"foo":[1,2,3]}'))
    result = run(con, "* | json auto")
    assert (result.names[2], result.records()[0]["foo"]) == ("foo", "[1,2,3]")
    result = run(con, "* | json auto extractarrays")
    assert result.names[2:5] == ["foo[0]", "foo[1]", "foo[2]"]
    assert [result.records()[0][n] for n in result.names[2:5]] == ["1", "2", "3"]


def test_json_auto_flattens_keys_case_insensitively_and_never_drops() -> None:
    lines = (
        '<14>host x: {"User": "ann", "ctx": {"a b": 1, "deep": {"x": true}}, "e": {}}',
        "not json",
        '{"user": "bob"}',
    )
    result = run(log_table(raws(*lines)), "* | json auto")
    assert result.names[2:6] == ["User", "ctx.a_b", "ctx.deep.x", "e"]
    assert [tuple(r[n] for n in result.names[2:6]) for r in reversed(result.records())] == [
        ("ann", "1", "true", "{}"),
        (None, None, None, None),
        ("bob", None, None, None),
    ]
    query = '* | json auto | where %"ctx.deep.x" = "true" | count by user'
    assert run(log_table(raws(*lines)), query).rows == [("ann", 1)]


def test_json_auto_options() -> None:
    line = '{"User": "ann", "ctx": {"a b": 1, "deep": {"x": true}}}'
    result = run(log_table(raws(line)), "* | json auto maxdepth 1")
    assert result.names[2:4] == ["User", "ctx"]
    assert result.records()[0]["ctx"] == '{"a b":1,"deep":{"x":true}}'
    query = '* | parse "*" as p | json auto field=p keys "user", "ctx.a_b" refonly as u, ab'
    result = run(log_table(raws(line)), query)
    assert [n for n in result.names if not n.startswith("_")] == ["p", "u", "ab"]
    assert (result.records()[0]["u"], result.records()[0]["ab"]) == ("ann", "1")
    with pytest.raises(QuerySyntaxError, match="2 keys but 1 name after 'as'"):
        parse_query('* | json auto keys "a", "b" as x')
