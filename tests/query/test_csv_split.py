"""`csv` and `split` (§4.6): positions, quotes, escapes, missing columns."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import QuerySyntaxError
from reportgen.query import parse_query
from tests.query.conftest import log_table, raws, run


def fields(lines: tuple[str, ...], query: str, *names: str) -> list[tuple[Any, ...]]:
    result = run(log_table(raws(*lines)), query)
    return [tuple(r[n] for n in names) for r in reversed(result.records())]


def test_conformance_13_split_after_parse() -> None:
    line = (
        "[05/09/2014 09:39:990] INFO little@sumologic.com:ABCD00001239:EFGH1234509:"
        '"Upload Complete - Your message has been uploaded successfully."'
    )
    query = (
        '* | parse "] * *" as log_level, f '
        "| split f delim=':' extract 1 as user, 2 as account_id, 3 as session_id, 4 as result"
    )
    names = ("log_level", "user", "account_id", "session_id", "result")
    assert fields((line,), query, *names) == [
        (
            "INFO",
            "little@sumologic.com",
            "ABCD00001239",
            "EFGH1234509",
            "Upload Complete - Your message has been uploaded successfully.",
        )
    ]


def test_csv_quotes_escapes_and_positions() -> None:
    lines = ('a,"b,c",d\\,e,"say ""hi""",', "only")
    query = "* | csv _raw extract one, two, three, four, five, six"
    assert fields(lines, query, "one", "two", "three", "four", "five", "six") == [
        ("a", "b,c", "d,e", 'say "hi"', "", None),
        ("only", None, None, None, None, None),
    ]


def test_skip_with_underscore_and_continue_after_a_numbered_item() -> None:
    lines = ("1,2,3,4,5,6,7",)
    query = "* | csv _raw extract a, _, c, 5 as e, f"
    assert fields(lines, query, "a", "c", "e", "f") == [("1", "3", "5", "6")]


def test_split_options() -> None:
    lines = ("a 'b c' d\\ e",)
    query = "* | split _raw delim=' ' quote=''' extract x, y, z"
    assert fields(lines, query, "x", "y", "z") == [("a", "b c", "d e")]
    lines = ("a|b|c",)
    assert fields(lines, "* | split _raw delim='|', escape='!' extract 3 as c", "c") == [("c",)]


def test_a_missing_field_gives_nulls_and_keeps_the_row() -> None:
    lines = ("x=1", "nothing")
    query = '* | parse "x=*" as x nodrop | csv x extract a'
    assert fields(lines, query, "a") == [("1",), (None,)]


def test_errors() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("* | split _raw delim=',' quote=',' extract a")
    assert str(caught.value) == (
        "delim, escape and quote must be three different characters at column 5\n"
        "  * | split _raw delim=',' quote=',' extract a\n"
        "      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"
    )
    with pytest.raises(QuerySyntaxError, match="expected 'extract' after the options"):
        parse_query("* | csv _raw a, b")
    with pytest.raises(QuerySyntaxError, match="duplicate field 'a'"):
        parse_query("* | csv _raw extract a, 2 as a")
    with pytest.raises(QuerySyntaxError, match="expected 'as' after the column number"):
        parse_query("* | csv _raw extract 1 a")
