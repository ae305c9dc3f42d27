"""The scope -> one SQL predicate over the `logs` table (alias `t`), spec §2, in a dialect.

Keywords become a regex search of `_raw` (`regexp_matches(t._raw, '<regex>')` on DuckDB; token
semantics, see keywords.py; the pattern is in the syntax RE2 and Java share), preceded by a cheap
`t._raw ILIKE '%word%'` prefilter when the keyword has a literal word. Metadata tests are
whole-value and case-insensitive: `ILIKE` with `*` -> `%` when unquoted.
"""

from __future__ import annotations

from reportgen.query.sql.dialect import Dialect
from reportgen.query.syntax import keywords
from reportgen.query.syntax.nodes import (
    Keyword,
    MetaMatch,
    ScopeAll,
    ScopeAnd,
    ScopeNode,
    ScopeNot,
    ScopeOr,
)


def scope_sql(node: ScopeNode, dialect: Dialect) -> str:
    """The predicate of a scope. Parts may be NULL (a NULL `_raw`); NOT treats that as false,
    so `NOT x` keeps exactly the messages `x` does not select. Plain conjunctions stay free of
    wrappers, so DuckDB can split and reorder them."""
    if isinstance(node, ScopeAll):
        return "TRUE"
    if isinstance(node, Keyword):
        return keyword_sql(node, dialect)
    if isinstance(node, MetaMatch):
        return meta_sql(node, dialect)
    if isinstance(node, ScopeNot):
        return f"(NOT coalesce({scope_sql(node.item, dialect)}, false))"
    items = [scope_sql(item, dialect) for item in node.items]
    if isinstance(node, ScopeAnd):
        items = [item for item in items if item != "TRUE"] or ["TRUE"]
        return items[0] if len(items) == 1 else "(" + " AND ".join(items) + ")"
    assert isinstance(node, ScopeOr)
    return "(" + " OR ".join(items) + ")"


def keyword_sql(node: Keyword, dialect: Dialect) -> str:
    pattern = keywords.analyze(node.text, node.quoted)
    if pattern.kind == "all":
        return "TRUE"
    if pattern.kind == "none":
        return "FALSE"
    match = dialect.find("t._raw", dialect.string(pattern.regex))
    if pattern.prefilter:
        # A cheap necessary condition first: the literal word, any case. LIKE reads its `_` as
        # "any one character", which only widens the prefilter (and keeps DuckDB's fast path).
        return f"(t._raw ILIKE {dialect.string('%' + pattern.prefilter + '%')} AND {match})"
    return match


def meta_sql(node: MetaMatch, dialect: Dialect) -> str:
    column = f"coalesce({dialect.text('t.' + node.field.key)}, '')"
    if not node.quoted and node.value and set(node.value) == {"*"}:
        test = "TRUE"  # `_sourceHost=*` (a template variable's "all"): every message
    elif node.quoted or "*" not in node.value:
        test = f"lower({column}) = lower({dialect.string(node.value)})"
    else:
        escaped = node.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        test = dialect.like(column, dialect.string(escaped.replace("*", "%")), True)
    return f"(NOT {test})" if node.negated else test
