"""The scope -> one SQL predicate over the `logs` table (alias `t`), spec §2, in a dialect.

Keywords become a regex search of `_raw` (`regexp_matches(t._raw, '<regex>')` on DuckDB; token
semantics, see keywords.py; the pattern is in the syntax RE2 and Java share), preceded by a cheap
`t._raw ILIKE '%word%'` prefilter when the keyword has a literal word. Metadata tests are
whole-value and case-insensitive: `ILIKE` with `*` -> `%` when unquoted.
"""

from __future__ import annotations

from collections.abc import Mapping

from reportgen.query.sql.dialect import Dialect
from reportgen.query.syntax import keywords
from reportgen.query.syntax.nodes import (
    FieldMatch,
    Keyword,
    MetaMatch,
    ScopeAll,
    ScopeAnd,
    ScopeNode,
    ScopeNot,
    ScopeOr,
)


def scope_sql(node: ScopeNode, dialect: Dialect, columns: Mapping[str, str] | None = None) -> str:
    """The predicate of a scope. Parts may be NULL (a NULL `_raw`); NOT treats that as false,
    so `NOT x` keeps exactly the messages `x` does not select. Plain conjunctions stay free of
    wrappers, so DuckDB can split and reorder them. `columns` names the column (of `t`) of each
    field a `field=value` tests (`restrict.resolve_fields` kept only those)."""
    if isinstance(node, ScopeAll):
        return "TRUE"
    if isinstance(node, Keyword):
        return keyword_sql(node, dialect)
    if isinstance(node, MetaMatch):
        return meta_sql(node, dialect)
    if isinstance(node, FieldMatch):
        column = (columns or {}).get(node.field.key)
        return "FALSE" if column is None else value_test(node, f"t.{column}", dialect)
    if isinstance(node, ScopeNot):
        return f"(NOT coalesce({scope_sql(node.item, dialect, columns)}, false))"
    items = [scope_sql(item, dialect, columns) for item in node.items]
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
    return value_test(node, f"t.{node.field.key}", dialect)


def value_test(node: MetaMatch | FieldMatch, field: str, dialect: Dialect) -> str:
    """`field=value`: whole value, case-insensitive, `*` a wildcard unless quoted (§2.3)."""
    column = f"coalesce({dialect.text(field)}, '')"
    if not node.quoted and node.value and set(node.value) == {"*"}:
        test = "TRUE"  # `_sourceHost=*` (a template variable's "all"): every message
    elif node.quoted or "*" not in node.value:
        test = f"lower({column}) = lower({dialect.string(node.value)})"
    else:
        escaped = node.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        test = dialect.like(column, dialect.string(escaped.replace("*", "%")), True)
    return f"(NOT {test})" if node.negated else test


def split_scope_by(node: ScopeNode, fields: set[str]) -> tuple[ScopeNode, ScopeNode]:
    """(the conjuncts of `node` that test none of `fields`, the others): the first part can
    run before those fields exist (field extraction rules), the second only after."""
    items = node.items if isinstance(node, ScopeAnd) else (node,)
    early = tuple(item for item in items if not _tests(item, fields))
    late = tuple(item for item in items if _tests(item, fields))

    def joined(parts: tuple[ScopeNode, ...]) -> ScopeNode:
        if not parts:
            return ScopeAll(node.span)
        return parts[0] if len(parts) == 1 else ScopeAnd(parts, node.span)

    return joined(early), joined(late)


def _tests(node: ScopeNode, fields: set[str]) -> bool:
    if isinstance(node, FieldMatch):
        return node.field.key in fields
    if isinstance(node, ScopeAnd | ScopeOr):
        return any(_tests(item, fields) for item in node.items)
    if isinstance(node, ScopeNot):
        return _tests(node.item, fields)
    return False
