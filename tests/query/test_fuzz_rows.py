"""Random pipelines of the Tier 2 row operators only ever give a result or a query error.

Every generated query that compiles also runs on a small table: SQL DuckDB rejects is a bug.
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.query.conftest import log_table, raws
from tests.query.test_fuzz import check

FIELDS = ["a", "k", "_raw", "_count", "_messagetime", "n", "x"]
PRELUDE = 'parse regex "(?<a>a)?(?<k>k)?(?<n>\\d)?(?<x>x)?" nodrop'
STAGES = [
    'extract "(?<{f}>\\w+)=" nodrop', 'parse regex field={f} "(?<{g}>\\d)" multi',
    'parse regex "(?<{f}>a)?(?<{g}>k)" nodrop', 'json "{f}" nodrop', 'json field={f} "a.b" as {g}',
    'json "a[*].b", "{f}" as {g}, {f} nodrop', 'kv "{f}" nodrop', 'keyvalue regex "=(\\d)" "{f}"',
    "csv {f} extract {g}", "split {f} delim=';' extract 2 as {g}, _, {f}", "dedup by {f}",
    "dedup 2", "dedup consecutive 2 by {f}, {g}", "dedup consecutive", "{f} + 1 as {g}", 'if({f} > 1, {g}, "x") as {f}', "{f} ? 1 : -{g} as {g}",
    "num({f})", "toUpperCase({f})", "concat({f}, {g}, 1) as {f}", 'replace({f}, /(a)/, "$1") as {g}',
    'replace({f}, "a", {g}) as {g}', 'formatDate(toLong({f}), "yyyy-MM-dd Z") as {g}',
    'parseDate({f}, "yyyyMMdd") as {g}', "substring({f}, 1, {g}) as {g}",
    "round({f} / 3, 1) as {g}", 'format("%d %s %.1f", {f}, {g}, {f}) as {g}',
    "where length({f}) > 2 and {g} % 2 = 1", "count by {f}", "where {f} in (1, \"a\")",
    "sort by {f}", "log({f}) - pow({f}, {g}) as {f}", "now() - {f} as {g}", "json auto",
    'json auto field={f} extractarrays maxdepth 2', 'json auto keys "a", "n" as {f}, {g}',
    "kv auto", 'kv auto field={f} delim "=" keys "a" as {g}',
]  # fmt: skip

settings.register_profile("rows-fuzz", deadline=None, max_examples=200)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return log_table(
        raws(
            'a=1; k=x {"a": {"b": 2}, "n": "3"}',
            "x=2,n;5;ok 20261120",
            'k: "v w" a->b [1]',
            "",
        )
    )


@st.composite
def pipelines(draw: st.DrawFn) -> str:
    stages = []
    for _ in range(draw(st.integers(1, 5))):
        template = draw(st.sampled_from(STAGES))
        fields = draw(st.permutations(FIELDS))
        stages.append(template.format(f=fields[0], g=fields[1]))
    return " | ".join(["*", PRELUDE, *stages])


@settings(
    settings.get_profile("rows-fuzz"), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=pipelines())
def test_row_operator_pipelines(con: duckdb.DuckDBPyConnection, text: str) -> None:
    check(con, text)
