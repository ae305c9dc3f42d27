"""The docs cannot drift from the code: every operator and function the parser accepts is
documented in docs/query-language.md, and every example stage there parses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportgen.errors import QuerySyntaxError
from reportgen.query import parse_query
from reportgen.query.operators import WORDS
from reportgen.query.syntax.catalog import SUPPORTED_FUNCTIONS

DOC = Path("docs/query-language.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def examples(title: str, column: int = 2) -> list[str]:
    rows = [line for line in section(title).splitlines() if line.startswith("| `")]
    # The examples stand before the explanation, which follows an em dash or a parenthesis.
    cells = [re.split(r" — | \(", row.split("|")[column])[0] for row in rows]
    return [code for cell in cells for code in re.findall(r"`([^`]+)`", cell)]


def test_every_operator_is_documented() -> None:
    operators = section("Operators")
    for name in WORDS:
        assert f"| `{name}`" in operators or f"/ `{name}`" in operators, name


def test_every_function_is_documented() -> None:
    expressions = section("Expressions (in `where`)").lower()
    for name in SUPPORTED_FUNCTIONS:
        assert f"`{name}`" in expressions, name


@pytest.mark.parametrize("stage", examples("Operators"))
def test_operator_examples_parse(stage: str) -> None:
    parse_query(f"* | {stage}")


@pytest.mark.parametrize("expression", examples("Expressions (in `where`)"))
def test_expression_examples_parse(expression: str) -> None:
    text = expression if expression.startswith("where") else f"where {expression}"
    parse_query(f"* | {text}")


@pytest.mark.parametrize("scope", examples("Scope", column=1))
def test_scope_examples_parse(scope: str) -> None:
    if scope.startswith("a "):
        return  # the boolean forms are schematic (`a AND b`): covered by tests/query
    parse_query(scope)


def test_unsupported_operators_say_so() -> None:
    with pytest.raises(
        QuerySyntaxError,
        match="operator 'join' is out of scope: reportgen runs queries over a log snapshot only",
    ):
        parse_query("* | join a")
