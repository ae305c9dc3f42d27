"""`compare with timeshift` (§8.6) and `withtime` + `most_recent` (§7)."""

from __future__ import annotations

import duckdb
import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from reportgen.timerange import Window
from tests.query.conftest import WIDE, at, log_table, ms, run

# Three days of the same hour: Nov 18 (A), Nov 19 (A, B, B), Nov 20 (A, A, A).
ROWS = [
    ("2026-11-18 10:05", "h=A"),
    ("2026-11-19 10:05", "h=A"),
    ("2026-11-19 10:20", "h=B"),
    ("2026-11-19 10:21", "h=B"),
    ("2026-11-20 10:07", "h=A"),
    ("2026-11-20 10:08", "h=A"),
    ("2026-11-20 10:25", "h=A"),
]
TODAY = Window(at("2026-11-20 10:00"), at("2026-11-20 11:00"), "UTC")
PARSE = '* | parse "h=*" as h'


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return log_table([{"_messagetime": t, "_raw": raw} for t, raw in ROWS])


def test_one_day_back_by_key(con: duckdb.DuckDBPyConnection) -> None:
    found = run(con, f"{PARSE} | count by h | compare timeshift 1d", TODAY)
    # the current rows are kept: B existed yesterday only and does not appear
    assert (found.names, found.rows) == (["h", "_count", "_count_1d"], [("A", 3, 1)])
    assert found.warnings == []


def test_timeslices_match_one_shift_earlier(con: duckdb.DuckDBPyConnection) -> None:
    query = "* | timeslice 15m | count by _timeslice | compare with timeshift 1d 2"
    found = run(con, query, TODAY)
    assert found.names == ["_timeslice", "_count", "_count_1d", "_count_2d"]
    # 10:00: today 2, Nov 19 1 (10:05), Nov 18 1 (10:05); 10:15: today 1, Nov 19 2, Nov 18 none
    assert found.rows == [
        (ms("2026-11-20 10:00"), 2, 1, 1),
        (ms("2026-11-20 10:15"), 1, 2, None),
    ]
    assert found.warnings == [
        "compare timeshift 2d: the snapshot has messages from 2026-11-18T10:05:00+00:00 on, so "
        "it does not cover 2026-11-18T10:00:00+00:00 - 2026-11-18T11:00:00+00:00; its cells are "
        "null or partial"
    ]


def test_combined_runs_and_aliases(con: duckdb.DuckDBPyConnection) -> None:
    query = f"{PARSE} | count by h | compare timeshift 1d 2 max as peak, timeshift 1d as yesterday"
    found = run(con, query, TODAY)
    assert found.names == ["h", "_count", "_count_peak", "_count_yesterday"]
    assert found.rows == [("A", 3, 1, 1)]
    query = f"{PARSE} | count by h | compare timeshift 1d 3 avg"
    found = run(con, query, TODAY)
    # runs: 1d -> 1, 2d -> 1, 3d -> no data; the average skips the missing run
    assert (found.names, found.rows) == (["h", "_count", "_count_1d_3_avg"], [("A", 3, 1.0)])
    assert len(found.warnings) == 2


def test_after_transpose(con: duckdb.DuckDBPyConnection) -> None:
    query = (
        f"{PARSE} | timeslice 15m | count by _timeslice, h"
        " | transpose row _timeslice column h | compare timeshift 1d"
    )
    found = run(con, query, TODAY)
    assert found.names == ["_timeslice", "A", "A_1d"]
    assert found.rows == [(ms("2026-11-20 10:00"), 2, 1), (ms("2026-11-20 10:15"), 1, None)]


def test_a_range_before_the_snapshot_gives_null_cells(con: duckdb.DuckDBPyConnection) -> None:
    window = Window(at("2026-11-18 10:00"), at("2026-11-18 11:00"), "UTC")
    found = run(con, f"{PARSE} | count by h | compare timeshift 1w", window)
    assert found.rows == [("A", 1, None)]
    assert found.warnings == [
        "compare timeshift 1w: the snapshot has messages from 2026-11-18T10:05:00+00:00 on, so "
        "it does not cover 2026-11-11T10:00:00+00:00 - 2026-11-11T11:00:00+00:00; its cells are "
        "null or partial"
    ]


def test_withtime_and_most_recent(con: duckdb.DuckDBPyConnection) -> None:
    query = f"{PARSE} | withtime h | most_recent(h_withtime), least_recent(h_withtime)"
    found = run(con, query, WIDE)
    assert (found.names, found.rows) == (["_mostrecent", "_leastrecent"], [("A", "A")])
    query = f"{PARSE} | withtime h | most_recent(h_withtime) as last_host by _sourcename"
    window = Window(at("2026-11-19 00:00"), at("2026-11-20 00:00"), "UTC")
    assert run(con, query, window).rows == [("app.log", "B")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "* | compare timeshift 1d",
            "'compare' must follow an aggregation at column 5; e.g. 'timeslice 1h | count by "
            "_timeslice | compare timeshift 1d'\n  * | compare timeshift 1d\n      ^~~~~~~~~~~~~~~~~~~~",
        ),
        (
            "* | count | compare timeshift 1d 8",
            "the number of shifts must be between 1 and 7 at column 34\n"
            "  * | count | compare timeshift 1d 8\n                                   ^",
        ),
        (
            "* | count | compare timeshift 1d 5, timeshift 1w 3",
            "compare runs at most 7 shifted queries, this one needs 8 at column 13\n"
            "  * | count | compare timeshift 1d 5, timeshift 1w 3\n"
            "              ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        ),
        (
            "* | count | compare timeshift 1x",
            "invalid timeshift '1x' at column 31; expected a shift such as 15m, 1d or 1w (units s, "
            "m, h, d, w)\n  * | count | compare timeshift 1x\n                                ^~",
        ),
        (
            "* | count | compare timeshift 1d as a, timeshift 2d as a",
            "duplicate alias 'a' at column 56\n"
            "  * | count | compare timeshift 1d as a, timeshift 2d as a\n"
            "                                                         ^",
        ),
        (
            "* | count | compare 1d",
            "expected 'timeshift' after 'compare', found '1d' at column 21\n"
            "  * | count | compare 1d\n                      ^~",
        ),
    ],
)
def test_errors(query: str, expected: str) -> None:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    assert str(caught.value) == expected
