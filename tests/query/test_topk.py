"""`topk` (§8.2) and `timeslice N buckets` / `timeslice` without a width (§6.2)."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from reportgen.query.operators.timeslice import bucket_width
from reportgen.timerange import Window
from tests.query.conftest import WIDE, at, log_table, ms, raws, run

# count by h, t: (A, x) 3, (A, y) 1, (B, x) 1, (B, y) 2, (B, z) 2
LINES = ["h=A t=x"] * 3 + ["h=A t=y", "h=B t=x"] + ["h=B t=y", "h=B t=z"] * 2
COUNT = '* | parse "h=* t=*" as h, t | count by h, t'


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return log_table(raws(*LINES))


def test_topk_per_group(con: duckdb.DuckDBPyConnection) -> None:
    found = run(con, f"{COUNT} | topk(1, _count) by h")
    assert found.names == ["h", "t", "_count", "_rank"]
    # B has a tie between y and z: the current order (keys ascending) decides
    assert found.rows == [("A", "x", 3, 1), ("B", "y", 2, 1)]
    assert run(con, f"{COUNT} | topk(2, _count) by h").rows == [
        ("A", "x", 3, 1),
        ("A", "y", 1, 2),
        ("B", "y", 2, 1),
        ("B", "z", 2, 2),
    ]


def test_topk_without_groups(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, f"{COUNT} | topk(2, _count)").rows == [("A", "x", 3, 1), ("B", "y", 2, 2)]
    assert run(con, f"{COUNT} | topk(100, _count)").rows == [
        ("A", "x", 3, 1),
        ("B", "y", 2, 2),
        ("B", "z", 2, 3),
        ("A", "y", 1, 4),
        ("B", "x", 1, 5),
    ]


def test_a_second_field_breaks_ties(con: duckdb.DuckDBPyConnection) -> None:
    assert run(con, f"{COUNT} | topk(1, _count, t) by h").rows == [
        ("A", "x", 3, 1),
        ("B", "z", 2, 1),
    ]


def test_topk_then_sort(con: duckdb.DuckDBPyConnection) -> None:
    query = f"{COUNT} | topk(1, _count) by h | sort by _count asc"
    assert run(con, query).rows == [("B", "y", 2, 1), ("A", "x", 3, 1)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "* | topk(0, _size)",
            "topk needs a number between 1 and 10000 at column 10\n  * | topk(0, _size)\n           ^",
        ),
        (
            "* | topk(_size)",
            "expected the number of rows in topk(N, field), found '_size' at column 10\n"
            "  * | topk(_size)\n           ^~~~~",
        ),
        (
            "* | count by _sourcehost | topk(3, _cout)",
            "unknown field '_cout' at column 36; did you mean '_count'?\n"
            "  * | count by _sourcehost | topk(3, _cout)\n                                     ^~~~~",
        ),
    ],
)
def test_topk_errors(query: str, expected: str) -> None:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    assert str(caught.value) == expected


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("count", "span", "width"),
    [
        (12, HOUR, 5 * 60_000),  # 60 min / 5 min = 12 buckets
        (11, HOUR, 10 * 60_000),  # 5 min would give 12; 10 min gives 6
        (1, HOUR, 3_600_000),
        (100_000, HOUR, 1000),
        (150, timedelta(days=7), 2 * 3_600_000),  # 1h gives 168; 2h gives 84
        (2, timedelta(days=30), 7 * 86_400_000),  # nothing fits: the widest, 7d
    ],
)
def test_bucket_ladder(count: int, span: timedelta, width: int) -> None:
    start = at("2026-11-20 10:00")
    assert bucket_width(count, Window(start, start + span, "UTC")) == width


def test_timeslice_buckets_and_whole_range() -> None:
    times = ["2026-11-20 10:01", "2026-11-20 10:09", "2026-11-20 10:16", "2026-11-20 10:59"]
    con = log_table([{"_messagetime": t, "_raw": "x"} for t in times])
    window = Window(at("2026-11-20 10:00"), at("2026-11-20 11:00"), "UTC")
    found = run(con, "* | timeslice 6 buckets | count by _timeslice", window)
    assert found.rows == [
        (ms("2026-11-20 10:00"), 2),
        (ms("2026-11-20 10:10"), 1),
        (ms("2026-11-20 10:50"), 1),
    ]
    found = run(con, "* | timeslice as t | count by t", window)
    assert (found.names, found.rows) == (["t", "_count"], [(ms("2026-11-20 10:00"), 4)])
    assert run(con, "* | timeslice | count by _timeslice", window).rows == [
        (ms("2026-11-20 10:00"), 4)
    ]


def test_timeslice_bucket_errors() -> None:
    with pytest.raises(ReportgenError) as caught:
        parse_query("* | timeslice 0 buckets")
    assert str(caught.value) == (
        "the number of buckets must be between 1 and 10000 at column 15\n"
        "  * | timeslice 0 buckets\n                ^"
    )
