"""DuckDB and the plain-Python reference evaluator (tests/reference.py) agree.

Hypothesis draws small snapshots and queries from the subset the reference models (scope,
parse, where, timeslice, count/sum/avg/min/max by, sort, limit); both must give the same rows.
A difference is a bug in one of them: fix it, never loosen the comparison.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.query import parse_query
from tests.query.conformance import typed
from tests.query.conftest import WIDE, log_table, run
from tests.reference import Row, evaluate, message_row

WORDS = ["error", "ok", "nc", "sync", "Disk", "user"]
KEYS = ["a", "b", "B", "ab", ""]
NUMBERS = ["1", "2", "10", "x", "-3", "2.5", "9", "1e3", "007", "+4", ".5", "inf", "nan", "1_000"]
HOSTS = ["web-1", "WEB-2", "db-1"]
START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@st.composite
def snapshots(draw: st.DrawFn) -> list[Row]:
    rows = []
    minutes = draw(st.lists(st.integers(0, 300), min_size=0, max_size=12, unique=True))
    for minute in minutes:
        first, last = draw(st.sampled_from(WORDS)), draw(st.sampled_from(WORDS))
        key, number = draw(st.sampled_from(KEYS)), draw(st.sampled_from(NUMBERS))
        shape = draw(st.sampled_from(["full", "no-v", "no-k"]))
        middle = {"full": f"k={key} v={number} ", "no-v": f"k={key} ", "no-k": f"v={number} "}
        raw = f"{first} {middle[shape]}{last}"
        host = draw(st.sampled_from(HOSTS))
        rows.append(message_row(START + timedelta(minutes=minute), raw, host, "app"))
    return rows


SCOPES = ["*", "error", "ERROR", "sy*", "*s*", "nc OR ok", "NOT user", "error Disk",
          "_sourceHost=web-*", "_sourcehost=DB-1", '"k=a"', "k", "(ok OR nc) NOT disk",
          "_sourceHost!=web-1 user", "k=a", "v=1*", "s?nc", '"v=2 "', "ok k", "error OR nc Disk",
          "NOT (nc OR sync)", "*"]  # fmt: skip
PARSES = [
    ("", []),
    ('parse "k=* v=* " as k, v', ["k", "v"]),
    ('parse "k=* v=* " as k, v nodrop', ["k", "v"]),
    ('parse "k=* " as k nodrop | parse "v=* " as v', ["k", "v"]),
    ('parse "v=* " as v', ["v"]),
    ('parse field=_sourcehost "*-*" as role, n', ["role", "n"]),
]
WHERES = {
    "k": ['k = "a"', 'k matches "a*"', 'k in ("a", "B")', 'k != "a" or k = ""', '!(k = "b")',
          'k < "b"'],
    "v": ["v > 2", "v = 2", "v <= 9", "!(v > 2)", "v >= -3 and v < 10"],
    "n": ['n = "1"'],
    "role": ['role matches "w*"'],
    "_sourcehost": ['_sourceHost = "db-1"', '_sourcehost != "web-1"'],
}  # fmt: skip
AGGREGATES = [
    ("count", ["_count"]),
    ("sum({v})", ["_sum"]),
    ("avg({v}) as m", ["m"]),
    ("min({v}), max({v})", ["_min", "_max"]),
    ("count({v}) as c", ["c"]),
]


@st.composite
def queries(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(SCOPES))]
    parse, fields = draw(st.sampled_from(PARSES))
    if parse:
        parts.append(parse)
    available = [*fields, "_sourcehost"]
    for _ in range(draw(st.integers(0, 2))):
        parts.append("where " + draw(st.sampled_from(WHERES[draw(st.sampled_from(available))])))
    if draw(st.booleans()):
        parts.append(f"timeslice {draw(st.sampled_from(['1h', '30m', '1d']))}")
        available.append("_timeslice")
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(available), max_size=2, unique=True))
        numeric = draw(st.sampled_from([f for f in available if f != "_timeslice"]))
        template, outputs = draw(st.sampled_from(AGGREGATES))
        parts.append(template.format(v=numeric) + (f" by {', '.join(keys)}" if keys else ""))
        available = keys + outputs
        if draw(st.booleans()):
            keys = draw(st.lists(st.sampled_from(available), min_size=1, max_size=2, unique=True))
            directions = [draw(st.sampled_from(["", " asc", " desc"])) for _ in keys]
            parts.append(
                "sort by " + ", ".join(k + d for k, d in zip(keys, directions, strict=True))
            )
    if draw(st.booleans()):
        parts.append(f"limit {draw(st.integers(1, 5))}")
    return " | ".join(parts)


def duckdb_rows(messages: list[Row], text: str) -> tuple[str, list[dict[str, Any]]]:
    con = log_table(messages)
    result = run(con, text, WIDE)
    rows = [{k.lower(): v for k, v in r.items()} for r in result.records()]
    return result.kind, rows


def compare(messages: list[Row], text: str) -> None:
    query = parse_query(text)
    kind, expected, names = evaluate(query, messages)
    found_kind, found = duckdb_rows(messages, text)
    assert found_kind == kind
    if kind == "messages":
        keys = ["_raw", *(k for k in names if not k.startswith("_")), "_timeslice"]
        keys = [k for k in keys if k in (found[0] if found else {})]
        expected = [{k: r.get(k) for k in keys} for r in expected]
        found = [{k: r.get(k) for k in keys} for r in found]
    expected_typed = [{k: typed(v) for k, v in r.items()} for r in expected]
    found_typed = [{k: typed(v) for k, v in r.items()} for r in found]
    assert found_typed == expected_typed, text


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=snapshots(), text=queries())
def test_duckdb_agrees_with_the_reference(messages: list[Row], text: str) -> None:
    compare(messages, text)


def message(minute: int, raw: str, host: str = "web-1") -> Row:
    return message_row(START + timedelta(minutes=minute), raw, host, "app")


def test_reference_on_a_fixed_case() -> None:
    """The reference itself, checked by hand: two groups, sums of parsed strings."""
    messages = [
        message(0, "ok k=a v=2 x"),
        message(1, "ok k=b v=10 x"),
        message(2, "ok k=a v=x x"),
        message(3, "error k=a v=3 x"),
    ]
    query = parse_query('ok | parse "k=* v=* " as k, v | sum(v) by k | sort by _sum asc')
    kind, rows, _ = evaluate(query, messages)
    assert (kind, rows) == ("aggregate", [{"k": "a", "_sum": 2.0}, {"k": "b", "_sum": 10.0}])
    compare(messages, query.text)
