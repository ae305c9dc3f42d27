"""`outlier` (§8.6): trailing mean and sample deviation, indicators, violations, the last bucket."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from reportgen.timerange import Window
from tests.query.conftest import WIDE, at, log_table, ms, run

COUNTS = [1, 3, 1, 3, 10, 10, 2]  # messages per hour from 10:00
ROOT2 = 2**0.5
QUERY = (
    "* | timeslice 1h | count by _timeslice"
    " | outlier _count window=2, threshold=0.5, consecutive=2, direction=+"
)


def hourly(counts: list[int], host: str = "host-a") -> list[dict[str, Any]]:
    return [
        {
            "_messagetime": f"2026-11-20 {10 + hour:02d}:{minute:02d}",
            "_raw": "x",
            "_sourcehost": host,
        }
        for hour, count in enumerate(counts)
        for minute in range(count)
    ]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return log_table(hourly(COUNTS))


def test_outlier_columns_and_values(con: duckdb.DuckDBPyConnection) -> None:
    found = run(con, QUERY, Window(at("2026-11-20 10:00"), at("2026-11-20 17:00"), "UTC"))
    assert found.names == [
        "_timeslice",
        "_count",
        "_count_error",
        "_count_lower",
        "_count_upper",
        "_count_indicator",
        "_count_violation",
        "_count_std",
    ]
    approx = pytest.approx
    low, high = 2 - 0.5 * ROOT2, 2 + 0.5 * ROOT2
    spread = 7 / ROOT2  # sample deviation of 3 and 10
    expected = [
        (1, None, None, None, 0, 0, None),  # no history
        (3, 2.0, None, None, 0, 0, None),  # one point: no deviation yet
        (1, -1.0, approx(low), approx(high), 0, 0, approx(ROOT2)),  # mean of 1, 3
        (3, 1.0, approx(low), approx(high), 1, 0, approx(ROOT2)),  # 3 > 2.707
        (10, 8.0, approx(low), approx(high), 1, 1, approx(ROOT2)),  # second indicator in a row
        (10, 3.5, approx(6.5 - 0.5 * spread), approx(6.5 + 0.5 * spread), 1, 1, approx(spread)),
        (2, -8.0, 10.0, 10.0, 0, 0, 0.0),  # only '+' deviations count
    ]
    assert [row[1:] for row in found.rows] == expected
    assert [row[0] for row in found.rows] == [ms(f"2026-11-20 {h}:00") for h in range(10, 17)]


def test_the_last_incomplete_bucket_is_ignored(con: duckdb.DuckDBPyConnection) -> None:
    found = run(con, QUERY, Window(at("2026-11-20 10:00"), at("2026-11-20 16:30"), "UTC"))
    assert found.rows[-1][1:] == (2, None, None, None, 0, 0, None)
    assert found.rows[-2][5:7] == (1, 1)


def test_outlier_by_group() -> None:
    con = log_table(hourly([1, 1, 1, 5], "a") + hourly([2, 2, 2, 2], "b"))
    query = (
        "* | timeslice 1h | count by _timeslice, _sourcehost"
        " | outlier _count by _sourcehost window=3, threshold=1"
    )
    found = run(con, query, Window(at("2026-11-20 10:00"), at("2026-11-20 14:00"), "UTC"))
    flags = [(row[1], row[2], row[6]) for row in found.rows]
    # rows stay in key order (hour, then host); a: 1, 1, 1 has no spread, so 5 is outside [1, 1]
    assert flags == [("a", 1, 0), ("b", 2, 0)] * 3 + [("a", 5, 1), ("b", 2, 0)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "* | outlier _size",
            "'outlier' needs rows aggregated by _timeslice at column 5; e.g. 'timeslice 1h | "
            "count by _timeslice | outlier _count'\n  * | outlier _size\n      ^~~~~~~~~~~~~",
        ),
        (
            "* | timeslice 1h | count by _timeslice | outlier _count windw=3",
            "unknown outlier option 'windw' at column 57; use window, threshold, consecutive or "
            "direction\n  * | timeslice 1h | count by _timeslice | outlier _count windw=3\n"
            "                                                          ^~~~~",
        ),
        (
            "* | timeslice 1h | count by _timeslice | outlier _count direction=*",
            "expected '+-', '+' or '-' after 'direction=', found '*' at column 67\n"
            "  * | timeslice 1h | count by _timeslice | outlier _count direction=*\n"
            "                                                                    ^",
        ),
    ],
)
def test_errors(query: str, expected: str) -> None:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    assert str(caught.value) == expected
