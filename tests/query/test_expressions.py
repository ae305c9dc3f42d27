"""Expression stages (`expr as name`, §5.4), arithmetic (§5.1), `if`/`?:` and types (§5.2)."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE, log_table, raws, run


def value(expr: str, line: str = "x", parse: str = "") -> Any:
    """The value of `expr` on one message (`parse` stages may come first)."""
    result = run(log_table(raws(line)), f"* {parse} | {expr} as v")
    return result.records()[0]["v"]


def values(lines: tuple[str, ...], query: str, name: str) -> list[Any]:
    result = run(log_table(raws(*lines)), query)
    return [r[name] for r in reversed(result.records())]


def message(query: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    return str(caught.value)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("52*6-2", 310),
        ("52*(6-2)", 208),
        ("334 % 10", 4),
        ("15 - -5", 20),
        ("2k", 2000),
        ("1.5s", 1500),
        ("1Ki", 1024),
        ("1m", 60000),
    ],
)
def test_conformance_14_arithmetic(expr: str, expected: int) -> None:
    assert value(expr) == expected


def test_division_is_real_and_by_zero_is_null() -> None:
    assert value("7 / 2") == 3.5
    assert value("1 / 0") is None
    assert value("5 % 0") is None
    assert value("-(2 + 3) * 2") == -10


def test_parsed_strings_convert_in_arithmetic_and_non_numbers_give_null() -> None:
    parse = '| parse "a=*;b=*;" as a, b'
    assert value("a + b", "a=1.5;b=2;", parse) == 3.5
    assert value("a * 2", "a=x;b=2;", parse) is None
    assert value("a + b", "a=1;b=;", parse) is None


def test_expression_types() -> None:
    result = run(log_table(raws("n=5;")), '* | parse "n=*;" as n | n + 1 as m | n as copy')
    types = {c.name: c.type for c in result.columns}
    assert (types["n"], types["m"], types["copy"]) == ("string", "number", "string")
    assert (result.records()[0]["m"], result.records()[0]["copy"]) == (6, "5")


def test_assignment_overwrites_and_renaming_keeps_the_old_field() -> None:
    lines = ("n=5;",)
    query = '* | parse "n=*;" as n | n as m | num(n) * 10 as n'
    result = run(log_table(raws(*lines)), query)
    assert (result.records()[0]["n"], result.records()[0]["m"]) == (50, "5")
    assert [name for name in result.names if not name.startswith("_")] == ["n", "m"]


def test_bare_cast_converts_in_place_and_in_becomes_numeric() -> None:
    lines = ("n=3;", "n=4;", "n=7;", "n=x;")
    base = '* | parse "n=*;" as n'
    assert values(lines, f"{base} | where n in (3, 4)", "n") == []
    assert values(lines, f"{base} | num(n) | where n in (3, 4)", "n") == [3, 4]
    assert values(lines, f"{base} | toUpperCase(n)", "n") == ["3", "4", "7", "X"]


def test_if_and_ternary() -> None:
    lines = ("n=5;", "n=12;", "n=x;", "other")
    base = '* | parse "n=*;" as n nodrop'
    assert values(lines, f'{base} | if(n > 10, "big", "small") as s', "s") == [
        "small",
        "big",
        "small",
        "small",
    ]
    assert values(lines, f"{base} | n > 10 ? 1 : n < 10 ? -1 : 0 as s", "s") == [-1, 1, 0, 0]
    # branches of different types give text
    assert values(lines, f"{base} | if(isNull(n), n, 1) as s", "s") == ["1", "1", "1", None]
    assert values(lines, f'{base} | if(n = "5", 1, "one") as s', "s") == ["1", "one", "one", "one"]


def test_where_with_arithmetic_functions_and_ternary() -> None:
    lines = ("ms=1200;", "ms=800;", "ms=2000;")
    base = '* | parse "ms=*;" as ms'
    assert values(lines, f"{base} | where ms / 1000 > 1", "ms") == ["1200", "2000"]
    assert values(lines, f"{base} | where ms > 1s", "ms") == ["1200", "2000"]
    assert values(lines, f'{base} | where (ms >= 1200 ? "slow" : "ok") = "slow"', "ms") == [
        "1200",
        "2000",
    ]
    assert values(lines, f"{base} | where round(ms / 1000) = 1", "ms") == ["1200", "800"]


def test_aggregates_feed_expressions() -> None:
    con = log_table(raws("a", "a", "b"))
    query = '* | parse "*" as k | count by k | _count * 100 / 3 as pct | round(pct, 1) as r'
    assert run(con, query).rows == [("a", 2, 2 * 100 / 3, 66.7), ("b", 1, 100 / 3, 33.3)]


def test_comments_and_escaped_field_names() -> None:
    lines = ("a b=1",)
    query = (
        '* | parse "a b=*" as %"a b" // the field has a space\n'
        '| %"a b" + 1 as %"a-b" /* and a dash */ | fields %"a-b"'
    )
    result = run(log_table(raws(*lines)), query)
    assert result.records()[0]["a-b"] == 2


def test_expression_stage_errors() -> None:
    assert message("* | 1 + as x") == (
        "expected a value, found 'as' at column 9\n  * | 1 + as x\n          ^~"
    )
    assert message("* | a + 1") == (
        "expected 'as <name>' after the expression at column 10\n  * | a + 1\n           ^"
    )
    assert message("* | 1 ? 2 as x") == (
        "expected ':' after the value after '?', found 'as' at column 11\n"
        "  * | 1 ? 2 as x\n            ^~"
    )
    assert message("* | nope + 1 as x") == (
        "unknown field 'nope' at column 5\n  * | nope + 1 as x\n      ^~~~"
    ).replace(
        "\n",
        "; fields here: _messagetime, _raw, _sourcehost, _sourcecategory, "
        "_sourcename, _source, _collector, _size, _messagecount, _receipttime, _format\n",
        1,
    )


def test_reassigning_a_sort_key_to_a_number_keeps_the_query_valid() -> None:
    lines = ("a=10;", "a=9;")
    query = '* | parse "a=*;" as a | count by a | sort by a | num(a) as a'
    # the order is applied to the column as it ends up: numerically here
    assert run(log_table(raws(*lines)), query).rows == [(10, 1), (9, 1)]
