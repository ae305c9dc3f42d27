"""`dedup` (§5.6) and conformance case 24."""

from __future__ import annotations

import pytest

from reportgen.errors import QueryError, QuerySyntaxError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE, log_table, raws, run

# The doc sample, oldest first (so the last line is the newest message).
CITIES = (
    "city=Sydney;country=Australia;",
    "city=Delhi;country=India;",
    "city=Lyon;country=France;",
    "city=Boston;country=USA;",
    "city=Lahore;country=;",
    "city=Mumbai;country=India;",
    "city=Chennai;country=India;",
    "city=Karachi;country=;",
    "city=Paris;country=France;",
    "city=Las Vegas;country=USA;",
)
PARSE = '* | parse "city=*;country=*;" as city, country'


def test_conformance_24_dedup_keeps_the_newest_row_of_each_value() -> None:
    result = run(log_table(raws(*CITIES)), f"{PARSE} | dedup by country")
    assert [(r["city"], r["country"]) for r in result.records()] == [
        ("Las Vegas", "USA"),
        ("Paris", "France"),
        ("Karachi", ""),
        ("Chennai", "India"),
        ("Sydney", "Australia"),
    ]


def test_dedup_n_and_several_fields() -> None:
    result = run(log_table(raws(*CITIES)), f"{PARSE} | dedup 2 by country")
    assert [r["city"] for r in result.records()] == [
        "Las Vegas", "Paris", "Karachi", "Chennai", "Mumbai", "Lahore", "Boston", "Lyon",
        "Sydney",
    ]  # fmt: skip


def test_dedup_without_fields_compares_raw_and_keeps_null_keys_together() -> None:
    lines = ("a", "b", "a", "x=1", "x=2")
    result = run(log_table(raws(*lines)), "* | dedup")
    assert [r["_raw"] for r in result.records()] == ["x=2", "x=1", "a", "b"]
    query = '* | parse "x=*" as x nodrop | dedup by x'
    assert [r["_raw"] for r in run(log_table(raws(*lines)), query).records()] == [
        "x=2",
        "x=1",
        "a",
    ]


def test_dedup_after_aggregation_follows_the_sort() -> None:
    lines = ("k=a;h=1;", "k=a;h=2;", "k=a;h=2;", "k=b;h=1;")
    query = '* | parse "k=*;h=*;" as k, h | count by k, h | sort by _count | dedup by k'
    assert run(log_table(raws(*lines)), query).rows == [("a", "2", 2), ("b", "1", 1)]


def test_dedup_consecutive_keeps_the_first_rows_of_each_run() -> None:
    lines = ("s=up;", "s=up;", "s=down;", "s=down;", "s=down;", "s=up;", "other")
    base = '* | parse "s=*;" as s nodrop'
    result = run(log_table(raws(*lines)), f"{base} | dedup consecutive by s")
    # newest first: other (null), up, down (3 rows), up (2 rows)
    assert [r["_raw"] for r in result.records()] == ["other", "s=up;", "s=down;", "s=up;"]
    assert [r["_messagecount"] for r in result.records()] == [7, 6, 5, 2]
    result = run(log_table(raws(*lines)), f"{base} | dedup consecutive 2 by s")
    assert [r["_messagecount"] for r in result.records()] == [7, 6, 5, 4, 2, 1]


def test_errors() -> None:
    with pytest.raises(QuerySyntaxError, match="dedup keeps at least 1 row per key"):
        parse_query("* | dedup 0 by a")
    with pytest.raises(QueryError, match="unknown field 'nope'"):
        compile_query(parse_query("* | dedup by nope"), WIDE)
