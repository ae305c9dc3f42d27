"""Restricting a query to a scope: a team's data access level, applied at build time.

`restrict(query, scope)` returns the same query with `scope` ANDed to its own, as parsed scope
expressions, never by pasting text (which would break on `|`, comments or OR precedence:
`a OR b` + `c` must mean `(a OR b) AND c`). The restriction is kept apart from the query's own
scope, so the result columns keep the spelling the query used and errors still point into the
query's own text.

    team = parse_scope_text("_sourceCategory=prod/payments/*")
    result = run_query(con, restrict(parse_query(panel.query), team), window)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from reportgen.errors import Span
from reportgen.query.parser import Query, parse_query
from reportgen.query.problems import span_of, syntax
from reportgen.query.syntax import keywords
from reportgen.query.syntax.nodes import (
    FieldMatch,
    ScopeAll,
    ScopeAnd,
    ScopeNode,
    ScopeNot,
    ScopeOr,
)
from reportgen.query.syntax.scope import phrase_warning
from reportgen.query.syntax.tokens import split_scope


def parse_scope_text(text: str) -> ScopeNode:
    """Parse a search expression without operators (`_sourceCategory=prod/* error`).

    Raises `QuerySyntaxError` with a caret: a `|` is refused, since a scope only selects
    messages; so is anything the query parser would merely warn about (a misspelt metadata
    field silently becoming a keyword would make an access scope mean something else).
    """
    end, _, _ = split_scope(text)
    if end < len(text):
        raise syntax(
            text,
            span_of(text, end, end + 1),
            "a scope cannot contain '|' (only a search expression, no operators)",
            "quote the '|' to search for it",
        )
    query = parse_query(text)
    warnings = list(query.warnings)
    resolve_fields(query.scope, {}, warnings)
    if warnings:
        raise syntax(text, span_of(text, 0, len(text)), warnings[0], located=False)
    return query.scope


def restrict(query: Query, scope: ScopeNode) -> Query:
    """`query` evaluated only over the messages `scope` selects (ANDed to any restriction it
    already has)."""
    if isinstance(scope, ScopeAll):
        return query
    current = query.restriction
    combined = scope if current is None else ScopeAnd((current, scope), current.span)
    return dataclasses.replace(query, restriction=combined)


def effective_scope(query: Query) -> ScopeNode:
    """The scope a query runs with: its own, ANDed with its restriction."""
    if query.restriction is None:
        return query.scope
    span: Span = query.scope.span
    return ScopeAnd((query.scope, query.restriction), span)


def resolve_fields(node: ScopeNode, known: Mapping[str, str], warnings: list[str]) -> ScopeNode:
    """The scope with each `field=value` on a name of `known` (field key -> SQL column: the
    log table's sources.yaml fields, the field extraction rules' fields) kept as a field test,
    and every other one read as its keyword phrase, with a warning (spec §2.1)."""
    if isinstance(node, FieldMatch):
        if node.field.key in known:
            return node
        warnings.append(phrase_warning(node.field.text, node.written, node.phrase.text))
        if (warning := keywords.analyze(node.phrase.text, node.phrase.quoted).warning) is not None:
            warnings.append(warning)
        return node.phrase
    if isinstance(node, ScopeAnd | ScopeOr):
        items = tuple(resolve_fields(item, known, warnings) for item in node.items)
        return dataclasses.replace(node, items=items)
    if isinstance(node, ScopeNot):
        return dataclasses.replace(node, item=resolve_fields(node.item, known, warnings))
    return node
