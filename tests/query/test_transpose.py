"""`transpose` (spec §8.3): dynamic columns, alphabetical, null cells, the `as` list."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from reportgen.errors import QueryError
from tests.query.conftest import log_table, ms, run

CASE_22 = [
    ("2026-11-20 10:01", "hostB"),
    ("2026-11-20 10:03", "hostB"),
    ("2026-11-20 10:04", "hostA"),
    ("2026-11-20 10:06", "hostA"),
]
SLICE = "* | timeslice 5m | count as count by _timeslice, _sourceHost"


def hosts(pairs: list[tuple[str, str]]) -> duckdb.DuckDBPyConnection:
    return log_table([{"_messagetime": t, "_raw": "x", "_sourcehost": h} for t, h in pairs])


def table(query: str, pairs: list[tuple[str, str]] = CASE_22) -> tuple[list[str], list[Any]]:
    result = run(hosts(pairs), query)
    return result.names, result.rows


def test_conformance_22() -> None:
    names, rows = table(f"{SLICE} | transpose row _timeslice column _sourceHost")
    assert names == ["_timeslice", "hostA", "hostB"]
    assert rows == [(ms("2026-11-20 10:00"), 1, 2), (ms("2026-11-20 10:05"), 1, None)]


def test_transpose_result_types() -> None:
    result = run(hosts(CASE_22), f"{SLICE} | transpose row _timeslice column _sourceHost")
    assert [c.type for c in result.columns] == ["time", "number", "number"]
    assert result.kind == "aggregate"


def test_columns_are_alphabetical_ignoring_case() -> None:
    pairs = [
        ("2026-11-20 10:00", "beta"),
        ("2026-11-20 10:00", "Alpha"),
        ("2026-11-20 10:00", "gamma"),
    ]
    names, rows = table(
        "* | count by _sourcehost, _sourcecategory | transpose row _sourcecategory column _sourcehost",
        pairs,
    )
    assert names == ["_sourcecategory", "Alpha", "beta", "gamma"]
    assert rows == [("cat", 1, 1, 1)]


def test_as_list_picks_and_orders_columns() -> None:
    base = f"{SLICE} | transpose row _timeslice column _sourceHost"
    assert table(f"{base} as hostB")[0] == ["_timeslice", "hostB"]
    assert table(f"{base} as hostB, *")[0] == ["_timeslice", "hostB", "hostA"]
    assert table(f"{base} as *")[0] == ["_timeslice", "hostA", "hostB"]
    names, rows = table(f"{base} as nothere, hostA")
    assert names == ["_timeslice", "nothere", "hostA"]
    assert rows == [(ms("2026-11-20 10:00"), None, 1), (ms("2026-11-20 10:05"), None, 1)]


def test_rows_ascend_by_row_keys_even_after_a_sort() -> None:
    query = f"{SLICE} | sort by _timeslice | transpose row _timeslice column _sourceHost"
    assert [r[0] for r in table(query)[1]] == [ms("2026-11-20 10:00"), ms("2026-11-20 10:05")]


def test_values_differing_by_case_merge_with_a_warning() -> None:
    pairs = [("2026-11-20 10:00", "web"), ("2026-11-20 10:06", "WEB")]
    result = run(hosts(pairs), f"{SLICE} | transpose row _timeslice column _sourceHost")
    assert result.names == ["_timeslice", "WEB"]
    assert result.rows == [(ms("2026-11-20 10:00"), 1), (ms("2026-11-20 10:05"), 1)]
    assert result.warnings == ["transpose: column values differing only by case were merged: 'WEB'"]


def test_null_column_value_becomes_a_column_named_null() -> None:
    con = log_table(
        [
            {"_messagetime": "2026-11-20 10:00", "_raw": "x", "_collector": None},
            {"_messagetime": "2026-11-20 10:00", "_raw": "x", "_collector": "c1"},
        ]
    )
    result = run(
        con, "* | count by _sourcehost, _collector | transpose row _sourcehost column _collector"
    )
    assert result.names == ["_sourcehost", "c1", "null"]
    assert result.rows == [("host-a", 1, 1)]


def test_several_value_fields_name_columns_value_then_field() -> None:
    query = (
        "* | timeslice 5m | count as n, count as m by _timeslice, _sourceHost "
        "| transpose row _timeslice column _sourceHost"
    )
    names, rows = table(query)
    assert names == ["_timeslice", "hostA_m", "hostA_n", "hostB_m", "hostB_n"]
    assert rows[1] == (ms("2026-11-20 10:05"), 1, 1, None, None)


def test_several_column_fields_join_values_with_underscore() -> None:
    query = (
        "* | count by _sourcehost, _sourcecategory, _format "
        "| transpose row _format column _sourcehost, _sourcecategory"
    )
    assert table(query)[0] == ["_format", "hostA_cat", "hostB_cat"]


def test_unknown_field_after_aggregation() -> None:
    query = "* | count by _format, _collector | transpose row _format column _colector"
    with pytest.raises(QueryError) as caught:
        run(hosts(CASE_22), query)
    assert str(caught.value) == (
        "unknown field '_colector' at column 65; did you mean '_collector'?\n"
        f"  {query}\n" + " " * (2 + 64) + "^" + "~" * 8
    )


def test_no_data_gives_no_rows() -> None:
    result = run(
        hosts(CASE_22), f"nothing {SLICE[1:]} | transpose row _timeslice column _sourceHost"
    )
    assert (result.names, result.rows) == (["_timeslice"], [])
