"""`fillmissing` (§8.4): generators, defaults, `with ... for`, `takeLast`, and errors."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from reportgen.timerange import Window
from tests.query.conftest import WIDE, at, log_table, ms, raws, run

HOUR = Window(at("2026-11-20 10:00"), at("2026-11-20 10:30"), "UTC")


def minutes(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Time cells as minutes after 10:00, for readable expectations."""
    base = ms("2026-11-20 10:00")
    return [
        tuple((c - base) // 60_000 if isinstance(c, int) and c > 10**12 else c for c in r)
        for r in rows
    ]


@pytest.fixture(scope="module")
def hosts() -> duckdb.DuckDBPyConnection:
    times = [("10:01", "B"), ("10:03", "B"), ("10:04", "A"), ("10:16", "A")]
    return log_table([{"_messagetime": f"2026-11-20 {t}", "_raw": f"h={h}"} for t, h in times])


def test_conformance_23_values_generator_with_a_constant() -> None:
    con = log_table(raws(*["type=web"] * 5))
    query = (
        '* | parse "type=*" as type | count by type'
        ' | fillmissing values("web", "api", "internal") in type with -1 for _count'
    )
    found = run(con, query)
    assert (found.names, found.rows) == (
        ["type", "_count"],
        [("web", 5), ("api", -1), ("internal", -1)],
    )


def test_timeslice_generator_covers_the_query_range(hosts: duckdb.DuckDBPyConnection) -> None:
    found = run(hosts, "* | timeslice 5m | count by _timeslice | fillmissing timeslice", HOUR)
    # the existing rows first, then the missing buckets in time order; counts default to 0
    assert minutes(found.rows) == [(0, 3), (15, 1), (5, 0), (10, 0), (20, 0), (25, 0)]
    sorted_rows = run(
        hosts,
        "* | timeslice 5m | count by _timeslice | fillmissing timeslice | sort _timeslice asc",
        HOUR,
    )
    assert minutes(sorted_rows.rows) == [(0, 3), (5, 0), (10, 0), (15, 1), (20, 0), (25, 0)]


def test_timeslice_generator_with_its_own_width(hosts: duckdb.DuckDBPyConnection) -> None:
    query = "* | timeslice 5m as t | count by t | fillmissing timeslice(10m) in t"
    assert minutes(run(hosts, query, HOUR).rows) == [(0, 3), (15, 1), (10, 0), (20, 0)]


def test_two_generators_and_values_all(hosts: duckdb.DuckDBPyConnection) -> None:
    query = (
        '* | parse "h=*" as h | timeslice 10m | count by _timeslice, h'
        " | fillmissing timeslice, values all in h"
    )
    found = run(hosts, query, HOUR)
    assert found.names == ["_timeslice", "h", "_count"]
    assert minutes(found.rows) == [
        (0, "A", 1),
        (0, "B", 2),
        (10, "A", 1),
        (10, "B", 0),
        (20, "A", 0),
        (20, "B", 0),
    ]


def test_after_transpose_filled_cells_are_null(hosts: duckdb.DuckDBPyConnection) -> None:
    query = (
        '* | parse "h=*" as h | timeslice 10m | count by _timeslice, h'
        " | fillmissing timeslice, values all in h | transpose row _timeslice column h"
    )
    assert minutes(run(hosts, query, HOUR).rows) == [(0, 1, 2), (10, 1, 0), (20, 0, 0)]
    query = (
        '* | parse "h=*" as h | timeslice 10m | count by _timeslice, h'
        " | transpose row _timeslice column h | fillmissing timeslice"
    )
    assert minutes(run(hosts, query, HOUR).rows) == [(0, 1, 2), (10, 1, None), (20, None, None)]


def test_take_last_copies_the_previous_timeslice_of_the_group(
    hosts: duckdb.DuckDBPyConnection,
) -> None:
    query = (
        '* | parse "h=*" as h | timeslice 5m | count by _timeslice, h'
        " | fillmissing timeslice, values all in h takeLast | transpose row _timeslice column h"
    )
    # A: 1 at 0, 1 at 15; B: 2 at 0. Missing cells repeat the last value of their host.
    assert minutes(run(hosts, query, HOUR).rows) == [
        (0, 1, 2),
        (5, 1, 2),
        (10, 1, 2),
        (15, 1, 2),
        (20, 1, 2),
        (25, 1, 2),
    ]


def test_take_last_without_a_previous_value_uses_the_default(
    hosts: duckdb.DuckDBPyConnection,
) -> None:
    query = (
        "* | timeslice 5m | count by _timeslice | where _count < 2 | fillmissing timeslice takelast"
    )
    # only 10:15 (1) is left; buckets before it have nothing to copy
    assert minutes(run(hosts, query, HOUR).rows) == [
        (15, 1),
        (0, 0),
        (5, 0),
        (10, 0),
        (20, 1),
        (25, 1),
    ]


def test_constants_for_several_fields_and_string_defaults() -> None:
    con = log_table(raws("t=web u=bob"))
    query = (
        '* | parse "t=* u=*" as t, u | count, first(u) by t'
        ' | fillmissing values("web", "api") in t with 0 for _count, "nobody" for _first'
    )
    assert run(con, query).rows == [("web", 1, "bob"), ("api", 0, "nobody")]
    query = '* | parse "t=* u=*" as t, u | count, first(u) by t | fillmissing values("api") in t'
    assert run(con, query).rows == [("web", 1, "bob"), ("api", 0, None)]


def test_the_combinations_are_capped_with_a_warning(hosts: duckdb.DuckDBPyConnection) -> None:
    found = run(hosts, "* | timeslice 1m | count by _timeslice | fillmissing timeslice", WIDE)
    # the 4 rows of the data, then the first 10 000 minutes of the window (from 2000-01-01)
    assert len(found.rows) == 10_004
    assert found.rows[4] == (ms("2000-01-01 00:00"), 0)
    assert found.rows[-1] == (ms("2000-01-01 00:00") + 9_999 * 60_000, 0)
    assert "fillmissing: more than 10000 combinations, the extra ones are omitted" in found.warnings


def error(query: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    return str(caught.value)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "* | count by _sourcehost | fillmissing timeslice(5m)",
            "unknown field '_timeslice' at column 40; fields here: _sourcehost, _count\n"
            "  * | count by _sourcehost | fillmissing timeslice(5m)\n"
            "                                         ^~~~~~~~~~~~~",
        ),
        (
            "* | count by _timeslice | fillmissing timeslice",
            "unknown field '_timeslice' at column 14; fields here: _messagetime, _raw, _sourcehost, "
            "_sourcecategory, _sourcename, _source, _collector, _size, _messagecount, _receipttime, "
            "_format\n  * | count by _timeslice | fillmissing timeslice\n               ^~~~~~~~~~\n"
            "fillmissing timeslice needs a width: there is no timeslice before it at column 39; "
            "write 'timeslice(15m)'\n"
            "  * | count by _timeslice | fillmissing timeslice\n"
            "                                        ^~~~~~~~~",
        ),
        (
            '* | count by _sourcehost | fillmissing values("a") in _sourcehost takeLast',
            "'takeLast' needs a timeslice generator at column 28\n"
            '  * | count by _sourcehost | fillmissing values("a") in _sourcehost takeLast\n'
            "                             ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        ),
        (
            '* | count by _sourcehost | fillmissing values("a") in _sourcehost with 1 for _sourcehost',
            "duplicate field '_sourcehost' at column 78\n"
            '  * | count by _sourcehost | fillmissing values("a") in _sourcehost with 1 for _sourcehost\n'
            "                                                                               ^~~~~~~~~~~",
        ),
        (
            "* | count by _sourcehost | fillmissing values(a) in _sourcehost",
            "values() takes quoted strings at column 47\n"
            "  * | count by _sourcehost | fillmissing values(a) in _sourcehost\n"
            "                                                ^",
        ),
        (
            "* | count by _sourcehost | fillmissing hosts",
            "unknown fillmissing generator 'hosts' at column 40; use 'timeslice[(15m)] [in <field>]' "
            'or \'values("a", "b") in <field>\'\n'
            "  * | count by _sourcehost | fillmissing hosts\n"
            "                                         ^~~~~",
        ),
    ],
)
def test_errors(query: str, expected: str) -> None:
    assert error(query) == expected


def test_a_timeslice_generator_needs_a_width() -> None:
    query = "* | count by _sourcehost | fillmissing timeslice in _sourcehost"
    assert error(query) == (
        "'_sourcehost' does not hold timeslices at column 53\n"
        f"  {query}\n"
        "                                                      ^~~~~~~~~~~\n"
        "fillmissing timeslice needs a width: there is no timeslice before it at column 40; "
        "write 'timeslice(15m)'\n"
        f"  {query}\n"
        "                                         ^~~~~~~~~~~~~~~~~~~~~~~~"
    )


def test_day_timeslices_follow_local_midnight_across_dst() -> None:
    # Europe/Paris leaves summer time on 2026-10-25: that local day has 25 hours
    con = log_table([{"_messagetime": "2026-10-25 12:00", "_raw": "x"}])
    window = Window(at("2026-10-23 22:00"), at("2026-10-26 23:00"), "Europe/Paris")
    query = (
        "* | timeslice 1d | count by _timeslice | fillmissing timeslice | sort by _timeslice asc"
    )
    assert run(con, query, window).rows == [
        (ms("2026-10-23 22:00"), 0),  # Oct 24, 00:00 CEST
        (ms("2026-10-24 22:00"), 1),  # Oct 25, 00:00 CEST
        (ms("2026-10-25 23:00"), 0),  # Oct 26, 00:00 CET
    ]


def test_the_width_of_timeslice_buckets_is_reused(hosts: duckdb.DuckDBPyConnection) -> None:
    # 3 buckets over 30 minutes: 10-minute buckets
    query = "* | timeslice 3 buckets | count by _timeslice | fillmissing timeslice"
    assert minutes(run(hosts, query, HOUR).rows) == [(0, 3), (10, 1), (20, 0)]
