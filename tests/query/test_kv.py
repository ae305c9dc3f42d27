"""`kv` / `keyvalue` (§4.5): inference, regex mode, names, nodrop."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import QueryError, QuerySyntaxError
from reportgen.query import parse_query
from tests.query.conftest import log_table, raws, run

PERF = (
    "... {perf.response_time_ms=129, request.trace_local_flag=true, serviceinfo.IP=10.211.77.111,"
    " request.country=US, perf.request_start_timestamp_ms=1339189318397,"
    " serviceinfo.service_name=API, request.method=GET}"
)


def fields(lines: tuple[str, ...], query: str, *names: str) -> list[tuple[Any, ...]]:
    result = run(log_table(raws(*lines)), query)
    return [tuple(r[n] for n in names) for r in reversed(result.records())]


def test_conformance_12_regex_mode_and_sanitised_names() -> None:
    query = '* | keyvalue regex "=(.*?)," "serviceinfo.IP", "perf.request_start_timestamp_ms"'
    result = run(log_table(raws(PERF)), query)
    assert [n for n in result.names if not n.startswith("_")] == [
        "serviceinfo_IP",
        "perf_request_start_timestamp_ms",
    ]
    assert fields((PERF,), query, "serviceinfo_IP", "perf_request_start_timestamp_ms") == [
        ("10.211.77.111", "1339189318397")
    ]


def test_inference_of_separators_and_quotes() -> None:
    lines = (
        'user=ann action: "read file" src->10.0.0.1',
        "user = bob, action:'write';src -> 10.0.0.2",
    )
    query = '* | kv "user", "action", "src"'
    assert fields(lines, query, "user", "action", "src") == [
        ("ann", "read file", "10.0.0.1"),
        ("bob", "write", "10.0.0.2"),
    ]


def test_keys_match_whole_keys_case_sensitively() -> None:
    lines = ("myuser=x user=ann", "User=bob")
    assert fields(lines, '* | kv "user"', "user") == [("ann",)]


def test_as_names_field_and_nodrop() -> None:
    lines = ("ctx=[id=7]", "ctx=[other=1]")
    query = '* | parse "ctx=*" as ctx | keyvalue field=ctx "id" as ident nodrop'
    assert fields(lines, query, "ident") == [("7",), (None,)]
    query = '* | parse "ctx=*" as ctx | kv field=ctx "id" as ident'
    assert fields(lines, query, "ident") == [("7",)]


def test_a_row_is_kept_when_one_key_is_found() -> None:
    lines = ("a=1", "b=2", "c=3")
    assert fields(lines, '* | kv "a", "b"', "a", "b") == [("1", None), (None, "2")]


def test_errors() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query('* | kv "a", "b" as x')
    assert str(caught.value) == (
        '2 keys but 1 name after \'as\' at column 20\n  * | kv "a", "b" as x\n'
        "                     ^"
    )
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query('* | keyvalue regex "(\\w+)(=)(\\w+)" "a"')
    assert str(caught.value) == (
        "'keyvalue regex' needs one capturing group (the value) or two (key, value) at "
        'column 20; write one group for the value, e.g. "=(.*?),", or two: "(\\w+)=(\\S+)"\n'
        '  * | keyvalue regex "(\\w+)(=)(\\w+)" "a"\n'
        "                     ^~~~~~~~~~~~~~~"
    )
    with pytest.raises(QuerySyntaxError, match="2 keys but 1 name after 'as'"):
        parse_query('* | kv auto keys "a", "b" as x')


def test_an_invalid_value_regex_gets_a_caret() -> None:
    with pytest.raises(QueryError) as caught:
        run(log_table(raws("a=1")), '* | keyvalue regex "=(\\d+" "a"')
    assert str(caught.value).splitlines()[1:] == [
        '  * | keyvalue regex "=(\\d+" "a"',
        "                     ^~~~~~~",
    ]


AUTO = (
    'user=ann action: "read file" src.ip->10.0.0.1 user=zed',
    "nothing here",
    "User=bob, n='1 2';",
)


def test_kv_auto_finds_every_key_and_the_last_duplicate_wins() -> None:
    result = run(log_table(raws(*AUTO)), "* | kv auto")
    assert [n for n in result.names if not n.startswith("_")] == ["User", "action", "n", "src_ip"]
    assert fields(AUTO, "* | kv auto", "User", "action", "n", "src_ip") == [
        ("zed", "read file", None, "10.0.0.1"),
        (None, None, None, None),
        ("bob", None, "1 2", None),
    ]


def test_kv_auto_options() -> None:
    query = '* | kv auto keys "user", "src.ip" as u, ip'
    assert fields(AUTO, query, "u", "ip") == [("zed", "10.0.0.1"), (None, None), ("bob", None)]
    query = '* | kv auto delim "=" | count by user'
    assert run(log_table(raws(*AUTO)), query).rows == [("bob", 1), ("zed", 1), (None, 1)]
    query = '* | parse "nothing *" as rest nodrop | kv auto field=rest delim "="'
    result = run(log_table(raws(*AUTO)), query)
    assert [n for n in result.names if not n.startswith("_")] == ["rest"]
