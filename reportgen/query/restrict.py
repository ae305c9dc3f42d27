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

from reportgen.errors import Span
from reportgen.query.parser import Query, parse_query
from reportgen.query.problems import span_of, syntax
from reportgen.query.syntax.nodes import ScopeAll, ScopeAnd, ScopeNode
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
    if query.warnings:
        raise syntax(text, span_of(text, 0, len(text)), query.warnings[0], located=False)
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
