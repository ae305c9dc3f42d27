"""Window operators (§8.5): total, accum, diff, backshift, smooth, rollingstd in the row order."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE, log_table, ms, raws, run

PARSE = '* | parse "v=*" as v'


def column(lines: list[str], stages: str, *names: str) -> list[tuple[Any, ...]]:
    """The named columns of every row; `lines` oldest first, so rows come newest first."""
    found = run(log_table(raws(*lines)), f"{PARSE} | {stages}")
    return [tuple(record[name] for name in names) for record in found.records()]


# Case 25: rows in order v = 10, 20, 5 (the newest message first).
CASE_25 = ["v=5", "v=20", "v=10"]


def test_conformance_25() -> None:
    stages = "accum v | total v | diff v | backshift v | smooth v, 2"
    names = ("v", "_accum", "_total", "_diff", "_backshift", "_smooth")
    assert column(CASE_25, stages, *names) == [
        ("10", 10.0, 35.0, None, None, 10.0),
        ("20", 30.0, 35.0, 10.0, "10", 15.0),
        ("5", 35.0, 35.0, -15.0, "20", 12.5),
    ]


def test_backshift_k_and_rollingstd() -> None:
    # rollingstd over 2 rows: one point -> 0; (10, 20) -> sqrt(50); (20, 5) -> sqrt(112.5)
    found = column(CASE_25, "backshift v, 2 | rollingstd v, 2", "_backshift", "_rollingstd")
    assert found == [
        (None, 0.0),
        (None, pytest.approx(50**0.5, rel=1e-15)),
        ("10", pytest.approx(112.5**0.5, rel=1e-15)),
    ]


def test_smooth_and_rollingstd_default_to_ten_rows() -> None:
    lines = [f"v={n}" for n in range(12, 0, -1)]  # newest first: 1, 2, ..., 12
    found = column(lines, "smooth v | rollingstd v", "_smooth", "_rollingstd")
    assert [row[0] for row in found] == [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.5, 7.5]
    # ten consecutive integers: sample variance 55 / 6
    assert found[9][1] == pytest.approx((55 / 6) ** 0.5, rel=1e-15)
    assert found[11][1] == found[9][1]


def test_aliases() -> None:
    found = column(CASE_25, "accum v as running | diff v as change", "running", "change")
    assert found == [(10.0, None), (30.0, 10.0), (35.0, -15.0)]


def test_values_that_are_not_numbers_are_skipped() -> None:
    # newest first: 10, x, 5
    stages = "accum v | total v | diff v | smooth v"
    names = ("_accum", "_total", "_diff", "_smooth")
    assert column(["v=5", "v=x", "v=10"], stages, *names) == [
        (10.0, 15.0, None, 10.0),
        (None, 15.0, None, None),
        (15.0, 15.0, -5.0, 7.5),
    ]


def test_by_computes_per_group_without_reordering() -> None:
    # newest first: a1, b10, a2, b20, a3
    lines = ["v=3 a", "v=20 b", "v=2 a", "v=10 b", "v=1 a"]
    stages = 'parse "v=* *" as n, g | accum n by g | total n as sum by g | diff n by g'
    found = column(lines, stages, "g", "_accum", "sum", "_diff")
    assert found == [
        ("a", 1.0, 6.0, None),
        ("b", 10.0, 30.0, None),
        ("a", 3.0, 6.0, 1.0),
        ("b", 30.0, 30.0, 10.0),
        ("a", 6.0, 6.0, 1.0),
    ]


def test_after_aggregation_in_the_sorted_order() -> None:
    con = log_table(
        [
            {"_messagetime": t, "_raw": "x"}
            for t in [
                "2026-11-20 10:00",
                "2026-11-20 10:01",
                "2026-11-20 10:01",
                "2026-11-20 10:03",
            ]
        ]
    )
    query = "* | timeslice 1m | count by _timeslice | sort by _timeslice {} | accum _count | diff _count"
    ascending = run(con, query.format("asc"))
    assert ascending.names == ["_timeslice", "_count", "_accum", "_diff"]
    assert ascending.rows == [
        (ms("2026-11-20 10:00"), 1, 1.0, None),
        (ms("2026-11-20 10:01"), 2, 3.0, 1.0),
        (ms("2026-11-20 10:03"), 1, 4.0, -1.0),
    ]
    assert run(con, query.format("desc")).rows == [
        (ms("2026-11-20 10:03"), 1, 1.0, None),
        (ms("2026-11-20 10:01"), 2, 3.0, 1.0),
        (ms("2026-11-20 10:00"), 1, 4.0, -1.0),
    ]


def test_a_sort_after_a_window_operator_keeps_its_values() -> None:
    found = column(CASE_25, "accum v | sort by _accum asc | limit 2", "v", "_accum")
    assert found == [("10", 10.0), ("20", 30.0)]


def error(query: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    return str(caught.value)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "* | accum _size, 3",
            "'accum' takes one field at column 16; write 'accum _size'\n"
            "  * | accum _size, 3\n                 ^~~",
        ),
        (
            "* | smooth _size, 0",
            "the window of 'smooth' must be between 1 and 1000 at column 19\n"
            "  * | smooth _size, 0\n                    ^",
        ),
        (
            "* | backshift _size, 1001",
            "the shift of 'backshift' must be between 1 and 1000 at column 22\n"
            "  * | backshift _size, 1001\n                       ^~~~",
        ),
        (
            "* | count by _sourcehost | total _cuont by _sourcehost",
            "unknown field '_cuont' at column 34; did you mean '_count'?\n"
            "  * | count by _sourcehost | total _cuont by _sourcehost\n"
            "                                   ^~~~~~",
        ),
        (
            "* | count by _sourcehost | diff _count by host",
            "unknown field 'host' at column 43; fields here: _sourcehost, _count\n"
            "  * | count by _sourcehost | diff _count by host\n"
            "                                            ^~~~",
        ),
        (
            "* | rollingstd",
            "expected a field after 'rollingstd' at column 15\n  * | rollingstd\n                ^",
        ),
    ],
)
def test_errors(query: str, expected: str) -> None:
    assert error(query) == expected
