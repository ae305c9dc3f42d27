"""Aggregation (§7), sort (§8.1), top and limit (§8.2)."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from reportgen.engine import run_query
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.timerange import Window
from tests.query.conftest import WIDE, at, log_table, ms, raws, run

# Case 21: counts a=5, b=9, c=1 (lines interleaved so input order says nothing).
COUNTS = ["c=b"] * 4 + ["c=a"] * 2 + ["c=c"] + ["c=b"] * 5 + ["c=a"] * 3
PARSE = '* | parse "c=*" as c'


@pytest.fixture(scope="module")
def counts() -> duckdb.DuckDBPyConnection:
    return log_table(raws(*COUNTS))


def rows(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[Any, ...]]:
    return run(con, query).rows


def test_count_without_groups_is_one_row(counts: duckdb.DuckDBPyConnection) -> None:
    result = run(counts, "* | count")
    assert (result.names, result.rows, result.kind) == (["_count"], [(15,)], "aggregate")
    assert rows(counts, "nothing_matches_this | count") == [(0,)]


@pytest.mark.parametrize(
    "stage",
    ["count by c", "count group by c", "count c", "count(*) by c", "count (*) by c", "COUNT BY c"],
)
def test_count_forms_group_by_keys_ascending(counts: duckdb.DuckDBPyConnection, stage: str) -> None:
    result = run(counts, f"{PARSE} | {stage}")
    assert result.names == ["c", "_count"]
    assert result.rows == [("a", 5), ("b", 9), ("c", 1)]


def test_count_alias_may_be_an_operator_word(counts: duckdb.DuckDBPyConnection) -> None:
    result = run(counts, f"{PARSE} | count as count by c")
    assert result.names == ["c", "count"]
    assert result.rows == [("a", 5), ("b", 9), ("c", 1)]


def test_count_of_a_field_counts_non_null_values() -> None:
    con = log_table(raws("u=1;", "none", "u=2;", "none"))
    result = run(con, '* | parse "u=*;" as u nodrop | count(u) as with_u, count as all')
    assert (result.names, result.rows) == (["with_u", "all"], [(2, 4)])


def test_null_keys_form_their_own_group_sorted_last() -> None:
    con = log_table(raws("k=b;", "none", "k=a;", "none"))
    result = run(con, '* | parse "k=*;" as k nodrop | count by k')
    assert result.rows == [("a", 1), ("b", 1), (None, 2)]


def test_conformance_21_sort_defaults_to_descending(counts: duckdb.DuckDBPyConnection) -> None:
    assert rows(counts, f"{PARSE} | count by c | sort by _count") == [("b", 9), ("a", 5), ("c", 1)]
    ascending = [("c", 1), ("a", 5), ("b", 9)]
    assert rows(counts, f"{PARSE} | count by c | sort by _count asc") == ascending
    assert rows(counts, f"{PARSE} | count by c | sort by +_count") == ascending
    assert rows(counts, f"{PARSE} | count by c | order by _count DESC") == rows(
        counts, f"{PARSE} | count by c | sort _count"
    )
    assert rows(counts, f"{PARSE} | count by c | sort by -_count") == [
        ("b", 9),
        ("a", 5),
        ("c", 1),
    ]


def test_conformance_21_strings_sort_by_code_point() -> None:
    con = log_table(raws("name=apple", "name=Banana", "name=cherry"))
    query = '* | parse "name=*" as name | count by name | sort by name'
    assert [r[0] for r in rows(con, query)] == ["cherry", "apple", "Banana"]
    assert [r[0] for r in rows(con, query + " asc")] == ["Banana", "apple", "cherry"]


def test_each_sort_key_defaults_to_descending() -> None:
    con = log_table(raws("x=1 y=a", "x=1 y=b", "x=2 y=a", "x=2 y=b"))
    query = '* | parse "x=* y=*" as x, y | count by x, y | sort by x asc, y'
    assert [r[:2] for r in rows(con, query)] == [("1", "b"), ("1", "a"), ("2", "b"), ("2", "a")]


def test_numbers_sort_numerically_parsed_numbers_as_text() -> None:
    con = log_table(raws(*(["n=9"] * 10 + ["n=10"] * 2)))
    query = '* | parse "n=*" as n | count by n'
    assert rows(con, query + " | sort by _count") == [("9", 10), ("10", 2)]
    assert rows(con, query + " | sort by n") == [("9", 10), ("10", 2)]  # "9" > "10" as text
    assert rows(con, query + " | sort by n asc") == [("10", 2), ("9", 10)]


def test_sort_is_stable_and_nulls_go_last() -> None:
    con = log_table(raws("k=b;", "k=a;", "k=c;", "k=c;", "none"))
    query = '* | parse "k=*;" as k nodrop | count by k'
    # ties keep the key order of the aggregation (ascending); the null key stays last.
    assert rows(con, query + " | sort by _count") == [("c", 2), ("a", 1), ("b", 1), (None, 1)]
    assert rows(con, query + " | sort by k") == [("c", 2), ("b", 1), ("a", 1), (None, 1)]
    assert rows(con, query + " | sort by k asc") == [("a", 1), ("b", 1), ("c", 2), (None, 1)]


def test_sort_messages_by_a_parsed_field_keeps_newest_first_among_ties() -> None:
    con = log_table(raws("p=1 #1", "p=2 #2", "p=1 #3"))
    result = run(con, '* | parse "p=* " as p | sort by p')
    assert [r["_raw"] for r in result.records()] == ["p=2 #2", "p=1 #3", "p=1 #1"]


def test_top(counts: duckdb.DuckDBPyConnection) -> None:
    result = run(counts, f"{PARSE} | top 2 c")
    assert (result.names, result.rows) == (["c", "_count"], [("b", 9), ("a", 5)])
    assert rows(counts, f"{PARSE} | top 2 c by count") == [("b", 9), ("a", 5)]
    assert rows(counts, f"{PARSE} | top 10 c") == [("b", 9), ("a", 5), ("c", 1)]


def test_limit_on_messages_keeps_the_newest() -> None:
    con = log_table(raws("first", "second", "third"))
    result = run(con, "* | limit 2")
    assert [r["_raw"] for r in result.records()] == ["third", "second"]
    assert result.records()[0]["_messagetime"] == ms("2026-11-20 10:02")


def test_limit_after_sort(counts: duckdb.DuckDBPyConnection) -> None:
    assert rows(counts, f"{PARSE} | count by c | sort by _count asc | limit 2") == [
        ("c", 1),
        ("a", 5),
    ]
    assert rows(counts, f"{PARSE} | count by c | limit 1") == [("a", 5)]


def test_group_keys_keep_the_spelling_of_the_by_list() -> None:
    con = log_table(raws("x"))
    result = run(con, "* | count by _SourceHost, _sourceCATEGORY")
    assert result.names == ["_SourceHost", "_sourceCATEGORY", "_count"]
    assert result.rows == [("host-a", "cat", 1)]


def test_message_results_are_capped_with_a_warning() -> None:
    con = log_table(raws("a", "b", "c"))
    result = run(con, "*", max_messages=2)
    assert [r["_raw"] for r in result.records()] == ["c", "b"]
    assert result.warnings == ["result cut to the first 2 newest messages"]
    assert result.rows_scanned == 3


def test_rows_scanned_is_the_window_of_each_query() -> None:
    """One engine counts each window once, and each query gets the count of its own window."""
    engine = DuckDBEngine(log_table(raws("a", "b", "c", "d")))  # 10:00, 10:01, 10:02, 10:03
    narrow = Window(at("2026-11-20 10:01"), at("2026-11-20 10:03"), "UTC")
    scanned = [
        run_query(engine, query, window).rows_scanned
        for query, window in (("* | count", WIDE), ("a", narrow), ("b", WIDE), ("c", narrow))
    ]
    assert scanned == [4, 2, 4, 2]
