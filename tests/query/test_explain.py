"""`explain`, the plan's fields per stage, and the compiled query's description."""

from __future__ import annotations

import pytest

from reportgen.errors import QueryError
from reportgen.query import compile_query, explain, parse_query
from reportgen.query.compile import OutputColumn
from reportgen.timerange import Window
from tests.query.conftest import WIDE

S2 = (
    "_sourceCategory=twistlock_logs (Process violation)| timeslice 5m "
    "| count as count by _timeslice, _sourceHost| transpose row _timeslice column _sourceHost"
)


def test_explain_shows_tokens_ast_plan_and_sql() -> None:
    text = explain('error | parse "u=*;" as user | count by user | sort by _count', WIDE)
    sections = [line for line in text.splitlines() if line.startswith("== ")]
    assert sections == ["== tokens ==", "== AST ==", "== plan ==", "== SQL =="]
    assert "scope: BARE('error')" in text
    assert "stage 1: WORD('parse')@9 STRING('\"u=*;\"')@15 WORD('as')@22 WORD('user')@25" in text
    assert (
        "  Parse\n    patterns:\n      AnchorPattern\n        pattern: 'u=*;'\n"
        "        names: ['user']" in text
    )
    assert "   new:    user:string" in text
    assert "2. Aggregate [aggregate]\n   fields: user:string, _count:number" in text
    assert "result: user:string, _count:number" in text
    assert "regexp_matches(t._raw, '(?i)(?:^|[^\\pL\\pN_])error(?:$|[^\\pL\\pN_])')" in text
    assert 'ORDER BY "_count" DESC NULLS LAST, "user" COLLATE "binary" ASC NULLS LAST;' in text


def test_explain_of_a_transpose_shows_the_column_value_query() -> None:
    text = explain(S2, WIDE)
    assert "-- transpose (stage 3) needs its column values first:" in text
    assert "SELECT DISTINCT coalesce(CAST(\"_sourcehost\" AS VARCHAR), 'null') AS v" in text


def test_compiled_query_describes_its_result() -> None:
    compiled = compile_query(parse_query("* | count by _sourceHost"), WIDE)
    assert compiled.kind == "aggregate"
    assert compiled.columns == (
        OutputColumn("_sourceHost", "string"),
        OutputColumn("_count", "number"),
    )
    assert compiled.params == {"start": WIDE.start, "end": WIDE.end}
    assert compiled.pivot_sql is None
    messages = compile_query(parse_query("error"), WIDE)
    assert messages.kind == "messages"
    assert [c.name for c in messages.columns[:2]] == ["_messagetime", "_raw"]


def test_transpose_compiles_in_two_steps() -> None:
    query = parse_query(S2)
    first = compile_query(query, WIDE)
    assert first.pivot_stage == 2 and first.pivot_sql is not None
    second = compile_query(query, WIDE, pivot_values={2: ["b-host", "a-host"]})
    assert second.pivot_sql is None
    assert [c.name for c in second.columns] == ["_timeslice", "a-host", "b-host"]


def test_the_plan_lists_fields_after_each_stage() -> None:
    compiled = compile_query(parse_query('* | parse "a=*" as a | fields a | count by a'), WIDE)
    steps = compiled.plan.steps
    assert [f.name for f in steps[1].schema.visible][-1] == "a"
    assert "_raw" in [f.name for f in steps[2].schema.visible]
    assert [f.name for f in steps[3].schema.visible] == ["a", "_count"]


def test_bad_time_zone() -> None:
    with pytest.raises(QueryError, match="unknown time zone 'Mars/Base'"):
        compile_query(parse_query("*"), Window(WIDE.start, WIDE.end, "Mars/Base"))


def test_duplicate_aggregate_names_need_an_alias() -> None:
    with pytest.raises(QueryError) as caught:
        compile_query(parse_query("* | count, count by _sourcehost"), WIDE)
    assert str(caught.value) == (
        "duplicate output name '_count' at column 12; rename one with 'as'\n"
        "  * | count, count by _sourcehost\n"
        "             ^~~~~"
    )
