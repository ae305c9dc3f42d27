"""Spark's spelling of literals and patterns (reportgen.query.sql.spark), checked on Spark.

String literals are where Spark SQL differs most from DuckDB: its parser reads backslash escapes
and, depending on the version, `''` as a quote or as two adjacent literals. Every text must come
back exactly, whatever it holds.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from reportgen.query.regex import capture_groups, java_pattern, participation_pattern
from reportgen.query.sql.spark import SparkDialect, java_date_pattern, spark_json_path
from tests.spark import SPARK

DIALECT = SparkDialect()
HOSTILE = [
    "",
    "plain",
    "it's",
    "it''s",
    "'",
    "''",
    "\\",
    "\\\\",
    "ends with \\",
    "\\'",
    "a\\'b",
    "\\d+\\s*$",
    "\\u0041 is not A",
    "\\n is not a newline",
    "a\nb\r\tc",
    "%_ like wildcards \\% \\_",
    "r'raw'",
    "X'41'",
    "' || 'x",
    "'; DROP TABLE logs; --",
    "ünïcödé € 😀",
    "\x00nul\x01",
    '`backtick` "double"',
    "$start :end ${x} $1",
]


def _random_texts(count: int) -> list[str]:
    alphabet = "ab'\\\"`%_$:{}\n\r\t €😀\x00"
    rng = random.Random(7)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def test_literal_spelling() -> None:
    assert DIALECT.string("plain") == "'plain'"
    assert DIALECT.string("\\d+") == "r'\\d+'"
    assert DIALECT.string("it's") == "CAST(X'69742773' AS STRING)"
    assert DIALECT.string("ends \\") == "CAST(X'656E6473205C' AS STRING)"


def test_identifiers_and_paths() -> None:
    assert DIALECT.ident("a`b") == "`a``b`"
    assert spark_json_path('$."a"."b c"[0]') == "$.a['b c'][0]"
    assert java_date_pattern("%Y-%m-%dT%H:%M:%S.%g") == "yyyy-MM-dd'T'HH:mm:ss.SSS"
    assert java_date_pattern("%d %b %Y, %-I %p") == "dd MMM yyyy, h a"


@SPARK
def test_every_text_comes_back_exactly(spark: Any) -> None:
    texts = HOSTILE + _random_texts(300)
    columns = ", ".join(f"{DIALECT.string(text)} AS c{i}" for i, text in enumerate(texts))
    (row,) = spark.sql(f"SELECT {columns}").collect()
    assert list(row) == texts


@SPARK
@pytest.mark.parametrize("text", ["it's", "a\\'b", "ends with \\", "\\d"])
def test_texts_are_exact_inside_expressions(spark: Any, text: str) -> None:
    literal = DIALECT.string(text)
    (row,) = spark.sql(f"SELECT concat({literal}, '|', {literal}), length({literal})").collect()
    assert list(row) == [f"{text}|{text}", len(text)]


def test_group_names_java_refuses_are_renamed_with_their_references() -> None:
    assert java_pattern(r"(?<user>\w+)") == r"(?<user>\w+)"
    renamed = java_pattern(r"(?<_sourceHost>\S+) \k<_sourceHost> [(?<_x>)] \(?<_y>")
    assert renamed == r"(?<rgGroup1>\S+) \k<rgGroup1> [(?<_x>)] \(?<_y>"
    assert java_pattern(r"(a)(?<src_ip>\d+)") == r"(a)(?<rgGroup2>\d+)"


def test_capture_groups_are_numbered_by_their_opening_parenthesis() -> None:
    found = capture_groups(r"(a(b)[(]\()(?:c)(?<d>e)(?=f)")
    assert [(g.start, g.end, g.name) for g in found] == [(0, 10, None), (2, 4, None), (16, 22, "d")]


@SPARK
@pytest.mark.parametrize(
    ("pattern", "text", "took"),
    [
        ("a(?<x>z)?b", "ab", [False]),
        ("a(?<x>z)?b", "azb", [True]),
        ("a(?<x>z*)b", "ab", [True]),
        ("(?:n=(?<n>\\d+)|s=(?<s>\\w+))", "s=x", [False, True]),
        ("(?<x>a|b)(?<y>c)?", "bc", [True, True]),
        ("(?<x>)", "anything", [True]),  # an empty match at the start: the look ahead tells
    ],
)
def test_participation_pattern_tells_a_group_that_took_no_part(
    spark: Any, pattern: str, text: str, took: list[bool]
) -> None:
    for number, expected in enumerate(took, start=1):
        test, behind, ahead = participation_pattern(pattern, number)
        literal, subject = DIALECT.string(test), DIALECT.string(text)
        (row,) = spark.sql(
            f"SELECT regexp_extract({subject}, {literal}, {behind}) || "
            f"regexp_extract({subject}, {literal}, {ahead}), "
            f"regexp_extract({subject}, {literal}, 0) = regexp_extract({subject}, "
            f"{DIALECT.string(pattern)}, 0)"
        ).collect()
        assert (row[0] != "", row[1]) == (expected, True)
