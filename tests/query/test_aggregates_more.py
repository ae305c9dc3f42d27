"""Aggregates beyond `count` (§7): numeric coercion, percentiles, first/last, values, names."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE, log_table, raws, run

# Oldest first; messages flow newest first: v=7 (a), v= (b), v=2.5 (a), v=x (a), v=3 (b), v=10 (a).
LINES = ["k=a v=10", "k=b v=3", "k=a v=x", "k=a v=2.5", "k=b v=", "k=a v=7"]
PARSE = '* | parse "k=* v=*" as k, v'


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return log_table(raws(*LINES))


def result(con: duckdb.DuckDBPyConnection, stages: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    found = run(con, f"{PARSE} | {stages}")
    return found.names, found.rows


def test_sum_avg_min_max_skip_values_that_are_not_numbers(con: duckdb.DuckDBPyConnection) -> None:
    # group a: 10, x, 2.5, 7 -> 10, 2.5, 7; group b: 3, "" -> 3
    names, rows = result(con, "sum(v), avg(v), min(v), max(v) by k")
    assert names == ["k", "_sum", "_avg", "_min", "_max"]
    assert rows == [("a", 19.5, 6.5, 2.5, 10.0), ("b", 3.0, 3.0, 3.0, 3.0)]
    assert result(con, "sum(v)") == (["_sum"], [(22.5,)])


def test_counts_of_a_field(con: duckdb.DuckDBPyConnection) -> None:
    # the empty string is a value: it is counted and is distinct
    names, rows = result(con, "count(v), count_distinct(v), count_distinct(k) as keys")
    assert (names, rows) == (["_count", "_count_distinct", "keys"], [(6, 6, 2)])


def test_duplicate_default_names_in_one_stage_are_an_error(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportgenError) as caught:
        run(con, "* | count_distinct(_raw), count_distinct(_sourcehost)")
    assert str(caught.value) == (
        "duplicate output name '_count_distinct' at column 27; rename one with 'as'\n"
        "  * | count_distinct(_raw), count_distinct(_sourcehost)\n"
        "                            ^~~~~~~~~~~~~~~~~~~~~~~~~~~"
    )


def test_aliases_and_several_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    names, rows = result(con, "count as n, sum(v) as total, max(v) as top by k")
    assert (names, rows) == (["k", "n", "total", "top"], [("a", 4, 19.5, 10.0), ("b", 2, 3.0, 3.0)])


def test_stddev_is_the_sample_standard_deviation(con: duckdb.DuckDBPyConnection) -> None:
    # a: 10, 2.5, 7 -> mean 6.5, squares 12.25 + 16 + 0.25 = 28.5, / (3 - 1) = 14.25
    names, rows = result(con, "stddev(v) by k")
    assert names == ["k", "_stddev"]
    assert rows[0] == ("a", pytest.approx(14.25**0.5, rel=1e-15))
    assert rows[1] == ("b", None)  # one value: no sample deviation


def test_pct_names_and_linear_interpolation(con: duckdb.DuckDBPyConnection) -> None:
    # a sorted: 2.5, 7, 10. p25 at rank 0.5 -> 4.75; p50 -> 7; p95 at rank 1.9 -> 7 + 0.9 * 3
    names, rows = result(con, "pct(v, 25, 50, 95) by k")
    assert names == ["k", "_v_pct_25", "_v_pct_50", "_v_pct_95"]
    assert rows[0] == ("a", 4.75, 7.0, pytest.approx(9.7, rel=1e-15))
    assert rows[1] == ("b", 3.0, 3.0, 3.0)
    assert result(con, "percentile(v, 99.9) as p, median(v) by k") == (
        ["k", "p", "_median"],
        [("a", pytest.approx(9.994, rel=1e-15), 7.0), ("b", 3.0, 3.0)],
    )
    assert result(con, "pct(v, 0.5)")[0] == ["_v_pct_0.5"]


def test_first_and_last_follow_the_current_order(con: duckdb.DuckDBPyConnection) -> None:
    # messages newest first: first = most recent
    names, rows = result(con, "first(v), last(v) by k")
    assert (names, rows) == (["k", "_first", "_last"], [("a", "7", "10"), ("b", "", "3")])
    # after a sort (text, ascending): a = 10, 2.5, 7, x
    assert result(con, "sort by v asc | first(v), last(v) by k")[1] == [
        ("a", "10", "x"),
        ("b", "", "3"),
    ]
    # records: count by k gives a (4), b (2); ascending counts put b first
    assert result(con, "count by k | first(k), last(k)")[1] == [("a", "b")]
    assert result(con, "count by k | sort by _count asc | first(k)")[1] == [("b",)]


def test_first_skips_nulls() -> None:
    con = log_table(raws("u=x;", "none"))
    found = run(con, '* | parse "u=*;" as u nodrop | first(u), count')
    assert found.rows == [("x", 2)]


def test_most_and_least_recent() -> None:
    con = log_table(raws("k=a v=old", "k=a v=mid", "k=b v=only", "k=a v=new"))
    found = run(
        con, '* | parse "k=* v=*" as k, v | sort by v | most_recent(v), least_recent(v) by k'
    )
    assert found.names == ["k", "_mostrecent", "_leastrecent"]
    assert found.rows == [("a", "new", "old"), ("b", "only", "only")]


def test_values_are_distinct_sorted_by_code_point(con: duckdb.DuckDBPyConnection) -> None:
    names, rows = result(con, "values(v) by k")
    assert (names, rows) == (["k", "_values"], [("a", "10\n2.5\n7\nx"), ("b", "\n3")])


def test_values_keep_the_first_hundred() -> None:
    con = log_table(raws(*(f"n={i:03d}" for i in range(150))))
    (value,) = run(con, '* | parse "n=*" as n | values(n)').rows[0]
    assert value.split("\n") == [f"{i:03d}" for i in range(100)]


def test_count_frequent_largest_first() -> None:
    con = log_table(raws("u=b", "u=a", "u=c", "u=a", "u=c", "u=a"))
    found = run(con, '* | parse "u=*" as u | count_frequent u')
    assert (found.names, found.rows) == (["u", "_approxcount"], [("a", 3), ("c", 2), ("b", 1)])


def test_no_rows_give_one_row_of_nulls_and_zero_counts(con: duckdb.DuckDBPyConnection) -> None:
    found = run(con, "no_such_word | count, sum(_size), count_distinct(_raw), values(_raw)")
    assert found.rows == [(0, None, 0, None)]


def test_numbers_of_metadata_are_numbers(con: duckdb.DuckDBPyConnection) -> None:
    # _size: bytes of "k=a v=10" (8), "k=b v=3" (7), "k=a v=x" (7), "k=a v=2.5" (9), "k=b v=" (6),
    # "k=a v=7" (7)
    assert run(con, "* | sum(_size), min(_size), max(_messagecount)").rows == [(44.0, 6.0, 6.0)]


def error(query: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    return str(caught.value)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "* | avg(x+y)",
            "avg() takes a field, not an expression at column 9; compute it in a stage first: "
            "'| x+y as value | avg(value)'\n  * | avg(x+y)\n          ^~~",
        ),
        (
            "* | sum(num(x)) by k",
            "sum() takes a field, not an expression at column 9; compute it in a stage first: "
            "'| num(x) as value | sum(value)'\n  * | sum(num(x)) by k\n          ^~~~~~",
        ),
        (
            "* | sum(a, b)",
            "sum() takes 1 argument, got 2 at column 5\n  * | sum(a, b)\n      ^~~~~~~~~",
        ),
        ("* | max()", "max() takes 1 argument, got 0 at column 5\n  * | max()\n      ^~~~~"),
        (
            "* | pct(_size)",
            "pct() takes a field and at least one percentile, got 1 at column 5\n"
            "  * | pct(_size)\n      ^~~~~~~~~~",
        ),
        (
            "* | pct(_size, 101)",
            "percentile 101 is not between 0 and 100 at column 16\n  * | pct(_size, 101)\n"
            "                 ^~~",
        ),
        (
            "* | pct(_size, 50, 90) as p",
            "'as' names one output, but pct() has several at column 5; write one pct() per "
            "percentile, each with its own 'as'\n  * | pct(_size, 50, 90) as p\n"
            "      ^~~~~~~~~~~~~~~~~~~~~~~",
        ),
        (
            "* | count, count_frequent _sourcehost",
            "count_frequent cannot be combined with other aggregates at column 12\n"
            "  * | count, count_frequent _sourcehost\n             ^~~~~~~~~~~~~~",
        ),
        (
            "* | sum(_size) by _sourcehost | avg(_sun)",
            "unknown field '_sun' at column 37; did you mean '_sum'?\n"
            "  * | sum(_size) by _sourcehost | avg(_sun)\n                                      ^~~~",
        ),
        (
            "* | count by _sourcehost | most_recent(_count)",
            "most_recent() needs messages; put it before the aggregation at column 28\n"
            "  * | count by _sourcehost | most_recent(_count)\n"
            "                             ^~~~~~~~~~~~~~~~~~~",
        ),
        (
            "* | count, summ(_size)",
            "unknown aggregate 'summ' at column 12; did you mean 'sum'?\n"
            "  * | count, summ(_size)\n             ^~~~",
        ),
        (
            "* | sum(_size), sum(_messagecount)",
            "duplicate output name '_sum' at column 17; rename one with 'as'\n"
            "  * | sum(_size), sum(_messagecount)\n                  ^~~~~~~~~~~~~~~~~~",
        ),
    ],
)
def test_errors(query: str, expected: str) -> None:
    assert error(query) == expected


def test_errors_of_several_stages_are_collected() -> None:
    text = error("* | avg(a+b) | cout | pct(x)")
    assert [line for line in text.splitlines() if not line.startswith("  ")] == [
        "avg() takes a field, not an expression at column 9; compute it in a stage first: "
        "'| a+b as value | avg(value)'",
        "unknown operator 'cout' at column 16; did you mean 'count'?",
        "pct() takes a field and at least one percentile, got 1 at column 23",
    ]
