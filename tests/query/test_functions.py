"""The function table of §5.5 (value functions; conditions are in test_where_fields.py)."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.errors import QuerySyntaxError, ReportgenError
from reportgen.query import compile_query, parse_query
from tests.query.conftest import WIDE, log_table, raws, run


def value(expr: str, line: str = "x", parse: str = "") -> Any:
    result = run(log_table(raws(line)), f"* {parse} | {expr} as v")
    return result.records()[0]["v"]


def message(query: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    return str(caught.value)


FIELDS = '| parse "f1=*;f2=*;f3=*;" as field1, field2, field3'


def test_conformance_16_concat() -> None:
    line = "f1=time;f2=4;f3=logs;"
    assert value("concat(field1, field2, field3)", line, FIELDS) == "time4logs"
    assert value('concat(field1," ",field2," ",field3)', line, FIELDS) == "time 4 logs"
    assert value('concat("n=", 42, null, "!")') == "n=42!"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('substring("Hello world!",6)', "world!"),
        ('substring("Sumo Logic",0,4)', "Sumo"),
        ('substring("Sumo Logic",0,100)', "Sumo Logic"),
        ('substring("Sumo Logic",-1,2)', None),
        ('substring("Sumo Logic",5,2)', None),
    ],
)
def test_conformance_17_substring(expr: str, expected: str | None) -> None:
    assert value(expr) == expected


def test_conformance_18_replace_with_a_regex() -> None:
    line = "url=http://somewebsite.com/flight/12345678/certification"
    parse = '| parse "url=*" as url'
    assert value('replace(url, /[0-9]{5,}/, "")', line, parse) == (
        "http://somewebsite.com/flight//certification"
    )
    assert value(r'replace(url, /(flight)\/([0-9]{5,})/, "new-$2-url")', line, parse) == (
        "http://somewebsite.com/new-12345678-url/certification"
    )
    assert value(r'replace(url, /(?<n>[0-9]+)/, "<${n}>")', line, parse) == (
        "http://somewebsite.com/flight/<12345678>/certification"
    )
    assert value(r'replace(url, /flight/, "\\$1\\x")', line, parse) == (
        "http://somewebsite.com/$1\\x/12345678/certification"
    )


def test_replace_literal_is_case_sensitive_and_every_occurrence() -> None:
    assert value('replace("a.A.a", "a", "b")') == "b.A.b"
    assert value('replace("a.b", ".", "*")') == "a*b"
    assert value('replace(null, "a", "b")') is None


def test_conformance_19_round_trim_contains() -> None:
    assert value("round(1.549, 2)") == 1.55
    assert value('trim(" Hello World  ")') == "Hello World"
    assert value('contains("hello world","hello")') is True


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("round(2.5)", 3),
        ("round(-2.5)", -2),
        ("round(0.125, 2)", 0.13),
        ("floor(-1.5)", -2),
        ("ceil(1.2)", 2),
        ("abs(-3)", 3),
        ("pow(2, 10)", 1024),
        ("sqrt(16)", 4),
        ("sqrt(-1)", None),
        ("log(0)", None),
        ("log10(1000)", 3),
        ("exp(0)", 1),
        ("round(cbrt(27), 9)", 3),
        ("toDegrees(0)", 0),
        ('length("héllo")', 5),
        ("length(null)", 0),
        ('toLowerCase("MiXed")', "mixed"),
        ('toUpperCase("MiXed")', "MIXED"),
        ('num("12.5")', 12.5),
        ('num("abc")', None),
        ('number("7")', 7),
        ('toLong("12.9")', 12),
        ("toString(12)", "12"),
        ("isNaN(0)", False),
        ("isNull(null)", True),
    ],
)
def test_functions(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_format() -> None:
    expr = 'format("%s-%05d %.2f %,d %S %%", "a", 42, 3.14159, 1234567, "up")'
    assert value(expr) == "a-00042 3.14 1,234,567 UP %"
    assert message('* | format("%s %s", 1) as f').startswith(
        "format() pattern has more conversions than the 1 values given at column 12"
    )


def test_now_is_the_end_of_the_window() -> None:
    assert value("now()") == 4102444800000  # WIDE ends on 2100-01-01


def test_unknown_function_suggests_the_nearest() -> None:
    assert message("* | toLowerCse(a) as y") == (
        "unknown function 'toLowerCse' at column 5; did you mean 'toLowerCase'?\n"
        "  * | toLowerCse(a) as y\n"
        "      ^~~~~~~~~~"
    )


def test_wrong_arity() -> None:
    assert message('* | substring("a") as y') == (
        "substring() takes 2 to 3 arguments, got 1 at column 5\n"
        '  * | substring("a") as y\n'
        "      ^~~~~~~~~~~~~~"
    )
    assert message("* | where pow(2) > 1") == (
        "pow() takes 2 arguments, got 1 at column 11\n  * | where pow(2) > 1\n            ^~~~~~"
    )


def test_regex_replace_needs_a_quoted_replacement() -> None:
    assert message("* | replace(_raw, /a/, _raw) as y").startswith(
        "replace() with a regular expression needs a quoted replacement at column 24"
    )


def test_later_functions_say_so() -> None:
    with pytest.raises(QuerySyntaxError, match="function 'luhn' is not supported yet"):
        parse_query("* | luhn(x) as y")


def test_errors_of_several_stages_are_collected() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query('* | tolower(a) as b | substring("a") as c | extract "x"')
    assert [error.message for error in caught.value.errors] == [
        "unknown function 'tolower' at column 5",
        "substring() takes 2 to 3 arguments, got 1 at column 23",
        "regular expression without a named group at column 53",
    ]
