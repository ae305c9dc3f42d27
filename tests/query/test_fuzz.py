"""Random and mutated queries only ever give a result or a query error, never a crash.

Queries that compile also run on a small table: SQL generation must never produce SQL that
DuckDB rejects (an ExecutionError here is a bug).
"""

from __future__ import annotations

import contextlib

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.errors import QueryError, QuerySyntaxError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE, log_table, raws, run

PIECES = [
    "*", "|", " | ", "parse", '"a=*"', '"*=*;"', '" * "', "as", "x", "y", "count", "by", "group",
    "_sourcehost", "_sourceCategory", "_raw", "sort", "order", "(", ")", "where", "=", "!=", "==",
    "<", ">=", "matches", "/a|b/", "/(/", "in", ",", "timeslice", "5m", "1d", "24h", "2w",
    "transpose", "row", "column", "limit", "10", "0", "top", "fields", "-", "+", "nodrop",
    "field=", "AND", "OR", "NOT", "!", "“", "’", '%"q r"', "//", "/*", "*/", "\n", "isNull(",
    "contains", "json", "_timeslice", "_count", "asc", "desc", "1.5s", "2k", "'", '"', "\\",
    "error", "nc", "jsmith@*.com", "com.*.x*", "a*b", "?", "_sourcehost=prod-*", "true", "null",
    "sum(x)", "count(*)", "count(x)", "as count", "in (1, \"a\")", "isEmpty(x)", "%", "[", "]",
]  # fmt: skip

# Tier 2 and 3 (issue 3): parsers, expressions and functions, aggregates, post-aggregate operators
PIECES += [
    "regex", '"(?<x>\\d+)"', '"(\\d+)"', "multi", "extract", "json", "auto", "extractarrays",
    '"a.b"', "kv", "keyvalue", "infer", "keys", "csv", "split", "delim=':'", "escape='\\'", "1 as",
    "if(", "?", ":", "concat(", "replace(", "/[0-9]+/", '"$1"', "substring(", "format(", '"%s"',
    "round(", "num(", "toLong(", "formatDate(", "parseDate(", '"yyyy-MM-dd"', "now()", "length(",
    "count_distinct(x)", "count_frequent", "pct(x, 95)", "stddev(x)", "first(x)", "values(x)",
    "withtime", "most_recent(x_withtime)", "topk(2, _count)", "fillmissing", "values(\"a\")",
    "with 0 for", "takeLast", "accum", "total", "diff", "backshift", "smooth", "rollingstd",
    "outlier", "compare with timeshift 1d", "buckets", "dedup", "consecutive", "{{v}}", "lookup",
]  # fmt: skip

SEEDS = [
    '(_sourceCategory=twistlock_logs (Process violation)) AND _sourcehost = "h" AND nc',
    "_sourceCategory=twistlock_logs (Process violation)| timeslice 5m | count as count by "
    "_timeslice, _sourceHost| transpose row _timeslice column _sourceHost",
    "_sourceCategory=twistlock/example (violation) | timeslice 24h | count by _timeslice "
    "| order by _timeslice desc",
    '_sourceCategory="twistlock/example" (Denied)|parse "The command * * for user * by rule *\'"'
    " as command, action, user, rulename | count by user | order by user asc",
    '* | parse "a=*;" as a nodrop | where a matches "x*" or a in ("1", 2) | fields a | limit 3',
    '* | parse "k=*" as k | top 3 k | sort by k asc | where _count > 1',
    '* | parse regex "(?<k>\\w+)=(?<v>\\d+)" multi nodrop | num(v) | v * 2k as w | where w > 1'
    " | sum(w) as s, count_distinct(k), pct(v, 50, 99.9) by k | topk(2, s) | total s | accum s",
    '* | json auto | kv "k" nodrop | if(isNull(k), "none", toUpperCase(k)) as u'
    ' | concat(u, "-", length(u)) as c | dedup 2 by c | fields c, u',
    "* | split _raw delim=' ' extract 1 as a, 2 as b | timeslice 10 buckets"
    " | count by _timeslice, a | fillmissing timeslice, values all in a with -1 for _count"
    " | transpose row _timeslice column a as *",
    "* | timeslice 1m | count by _timeslice | compare with timeshift 1d 2 avg"
    " | outlier _count window=3 | smooth _count, 2 | rollingstd _count | backshift _count | diff"
    " _count",
    '* | fillmissing values("a") in _messagetime',  # once a DuckDB conversion error
    '* | formatDate(_messagetime, "yyyy-MM-dd HH:mm", "UTC") as d | parseDate(d, "yyyy-MM-dd'
    ' HH:mm") as t | replace(d, /[0-9]+/, "#") as r | withtime r | most_recent(r_withtime) as m',
]

settings.register_profile("query-fuzz", deadline=None, max_examples=150)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return log_table(
        raws("a=1; k=x error", "x=2 nc", "The command c denied for user u by rule 'r'")
    )


def check(con: duckdb.DuckDBPyConnection, text: str) -> None:
    try:
        query = parse_query(text)
    except QuerySyntaxError as error:
        assert str(error)
        return
    try:
        compile_query(query, WIDE)
    except QueryError as error:
        assert str(error)
        return
    with contextlib.suppress(QueryError, QuerySyntaxError):
        run(con, query)


soup = st.lists(st.sampled_from(PIECES), max_size=14).map(" ".join)
tight_soup = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)
noise = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(PIECES))
        if action == "insert":
            text = text[:position] + piece + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 6)) :]
        else:
            text = text[:position] + piece + text[position + len(piece) :]
    return text


@settings(
    settings.get_profile("query-fuzz"), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(soup, tight_soup, noise))
def test_random_queries(con: duckdb.DuckDBPyConnection, text: str) -> None:
    check(con, text)


FIELDS = ["a", "k", "_sourcehost", "_count", "_timeslice", "n", "_raw", "_messagetime", "c"]
STAGES = [
    'parse "a=*;" as {f}', 'parse "* " as {f} nodrop', 'parse field={f} "*" as {g}',
    "timeslice 1m", "timeslice 1d as {f}", "count", "count by {f}", "count by {f}, {g}",
    "count as {f} by {g}", "count({f}) as n", "sort by {f}", "sort by {f} asc, {g}", "top 2 {f}",
    "limit 2", 'where {f} = "x"', "where {f} > 1", 'where {f} matches "*1*"', "where isNull({f})",
    "where {f} in (1, \"x\")", "where not ({f} = {g})", "fields {f}", "fields - {f}",
    "transpose row {f} column {g}", "transpose row {f} column {g} as q, *",
    'parse regex "(?<{f}>\\S+)"', 'parse regex field={f} "(?<{g}>.)" multi', 'json "x" as {f}',
    'kv "{f}"', "csv {f} extract 1 as {g}", "split {f} delim=',' extract {g}", "json auto",
    "{f} + 1 as {g}", 'if({f} > 1, "a", {g}) as c', 'concat({f}, {g}) as c', "num({f})",
    'replace({f}, /x/, "y") as c', "count_distinct({f}) by {g}", "pct({f}, 95) by {g}",
    "sum({f}), avg({f}) as n", "first({f}), values({g})", "count_frequent {f}", "dedup by {f}",
    "topk(1, {f}) by {g}", 'fillmissing values("a") in {f}', "fillmissing timeslice",
    "total {f} by {g}", "accum {f} as n", "diff {f}", "backshift {f}, 2", "smooth {f}, 3",
    "rollingstd {f}", "outlier {f}", "timeslice 5 buckets", "compare with timeshift 1h",
]  # fmt: skip


@st.composite
def pipelines(draw: st.DrawFn) -> str:
    stages = []
    for _ in range(draw(st.integers(1, 5))):
        template = draw(st.sampled_from(STAGES))
        fields = draw(st.permutations(FIELDS))
        stages.append(template.format(f=fields[0], g=fields[1]))
    return " | ".join(["*", *stages])


@settings(
    settings.get_profile("query-fuzz"), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(mutated(), pipelines()))
def test_mutated_dashboard_queries(con: duckdb.DuckDBPyConnection, text: str) -> None:
    check(con, text)


@pytest.mark.parametrize("text", SEEDS)
def test_seeds_run(con: duckdb.DuckDBPyConnection, text: str) -> None:
    run(con, text)
