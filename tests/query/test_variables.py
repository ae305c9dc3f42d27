"""`{{name}}` template variables (§10): textual substitution before parsing."""

from __future__ import annotations

import pytest

from reportgen.errors import QuerySyntaxError
from reportgen.query import parse_query
from tests.query.conftest import log_table, raws, run


def test_values_are_substituted_before_parsing() -> None:
    con = log_table(raws("user=ann", "user=bob"))
    query = '* | parse "user=*" as user | where user = "{{ who }}" | {{op}}'
    result = run(con, query, variables={"who": "bob", "op": "count"})
    assert result.rows == [(1,)]
    assert parse_query("{{scope}}", variables={"scope": "error"}).text == "error"


def test_unknown_variables_are_all_reported_with_carets() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query('* | where a = "{{hots}}" and b = {{x}}', variables={"host": "h"})
    assert str(caught.value) == (
        "unknown variable '{{hots}}' at column 16; did you mean 'host'?\n"
        '  * | where a = "{{hots}}" and b = {{x}}\n'
        "                 ^~~~~~~~\n"
        "unknown variable '{{x}}' at column 34\n"
        '  * | where a = "{{hots}}" and b = {{x}}\n'
        "                                   ^~~~~"
    )


def test_without_values_a_variable_is_an_error() -> None:
    with pytest.raises(
        QuerySyntaxError, match=r"unknown variable .\{\{a\}\}. at column 1; no variables"
    ):
        parse_query("{{a}}")
