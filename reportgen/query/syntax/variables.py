"""`{{name}}` template variables (spec §10): replaced textually before the query is parsed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from reportgen.errors import QuerySyntaxError, suggestion
from reportgen.query.problems import raise_syntax, span_of, syntax

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]*)\s*\}\}")


def substitute(text: str, variables: Mapping[str, str] | None) -> str:
    """`text` with every `{{name}}` replaced by its value (names are case-sensitive); raise
    `QuerySyntaxError` naming each unknown variable with a caret under it."""
    values = dict(variables or {})
    errors: list[QuerySyntaxError] = []
    for match in _VARIABLE.finditer(text):
        name = match.group(1)
        if name not in values:
            span = span_of(text, match.start(), match.end())
            hint = suggestion(name, list(values)) if values else "no variables are defined"
            errors.append(syntax(text, span, f"unknown variable '{{{{{name}}}}}'", hint))
    raise_syntax(errors)
    return _VARIABLE.sub(lambda match: values[match.group(1)], text)
