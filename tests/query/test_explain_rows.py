"""`explain` of the Tier 2 row operators: the AST, the fields each stage adds with their types."""

from __future__ import annotations

from reportgen.query import explain
from tests.query.conftest import WIDE


def test_explain_shows_the_fields_of_parsers_and_expressions() -> None:
    text = explain(
        '* | extract "(?<kind>\\w+) (?<n>\\d+)" nodrop | json "a.b" as j nodrop '
        '| split j extract 2 as second | num(n) * 2 as x | if(x > 1, "y", "z") as flag',
        WIDE,
    )
    assert "  ParseRegex\n    regexes:" in text
    assert "    groups: [['kind', 'n']]" in text
    assert "  Json\n    paths: ('$.\"a\".\"b\"',)\n    names: ['j']" in text
    assert "    items: [[2, 'second']]" in text
    news = [line.strip() for line in text.splitlines() if line.startswith("   new:")]
    assert news == [
        "new:    kind:string, n:string",
        "new:    j:string",
        "new:    second:string",
        "new:    x:number",
        "new:    flag:string",
    ]
    assert "regexp_extract(__rg_in, '(?P<kind>\\w+) (?P<n>\\d+)', 2)" in text
    number = 'CASE WHEN regexp_full_match("n", \'\\s*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*\') THEN TRY_CAST("n" AS DOUBLE) END'
    assert f'({number} * 2) AS "x"' in text


def test_explain_of_json_auto_shows_the_key_query() -> None:
    text = explain("* | json auto | count by user", WIDE)
    assert "-- stage 1 needs the keys the data holds first:" in text
    assert "SELECT DISTINCT j.fullkey AS v" in text
