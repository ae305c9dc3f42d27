"""Read only what the queries can reach: leave out the files no query's scope can match.

A file's metadata known before reading it (its `_sourcecategory`, `_sourcename`, `_source` and
`_collector`, from sources.yaml and the folder layout, and its `_sourcehost` when sources.yaml
sets `host`) is tested against each query's scope (its restriction included) in three-valued
logic: a metadata test is true or false for the whole file, a keyword or any other field is
unknown (it depends on the lines). A file is left out only when every scope is false for it.
A host taken from a syslog header is never known before reading, so it never prunes.

Tests follow `reportgen.query.sql.scope` (whole-value, case-insensitive, `*` as a wildcard); where
a value is not ASCII, case folding in Python and in the database could differ, so the test is
unknown rather than risk leaving out a file a query needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
from reportgen.snapshot.ingest import Keep
from reportgen.snapshot.plan import FilePlan


def keep_files(scopes: Sequence[ScopeNode]) -> Keep | None:
    """The test of the files some scope of `scopes` may match; None when every file is needed
    (no scopes, or one that tests no metadata, such as `*` or a keyword alone)."""
    if not scopes or not all(_tests_metadata(scope) for scope in scopes):
        return None

    def keep(plan: FilePlan) -> bool:
        return any(matches(scope, plan) is not False for scope in scopes)

    return keep


def _tests_metadata(node: ScopeNode) -> bool:
    if isinstance(node, MetaMatch):
        return True
    if isinstance(node, ScopeNot):
        return _tests_metadata(node.item)
    if isinstance(node, ScopeAnd | ScopeOr):
        return any(_tests_metadata(item) for item in node.items)
    return False


def known(plan: FilePlan, field: str) -> str | None:
    """The value every record of the file has in metadata `field`, when it is known before
    reading ('' for none, as the scope compares it); None when it is not."""
    values = {
        "_sourcecategory": plan.category,
        "_sourcename": plan.name,
        "_source": plan.source,
        "_collector": plan.collector or "",
    }
    if field == "_sourcehost":
        return plan.host
    return values.get(field)


def matches(node: ScopeNode, plan: FilePlan) -> bool | None:
    """Whether every record of the file matches `node` (True), none does (False), or it
    depends on the records (None)."""
    if isinstance(node, ScopeAll):
        return True
    if isinstance(node, Keyword):
        kind = keywords.analyze(node.text, node.quoted).kind
        return True if kind == "all" else False if kind == "none" else None
    if isinstance(node, MetaMatch):
        value = known(plan, node.field.key)
        if value is None:
            return None
        found = _value_matches(value, node)
        return None if found is None else found != node.negated
    if isinstance(node, FieldMatch):
        return None  # a field from the lines (field extraction rules, sources.yaml fields)
    if isinstance(node, ScopeNot):
        inner = matches(node.item, plan)
        return None if inner is None else not inner
    results = [matches(item, plan) for item in node.items]
    if isinstance(node, ScopeAnd):
        if False in results:
            return False
        return True if all(results) else None
    assert isinstance(node, ScopeOr)
    if True in results:
        return True
    return False if all(result is False for result in results) else None


def _value_matches(value: str, node: MetaMatch) -> bool | None:
    if not node.quoted and node.value and set(node.value) == {"*"}:
        return True
    if not (value.isascii() and node.value.isascii()):
        return None
    if node.quoted or "*" not in node.value:
        return value.lower() == node.value.lower()
    pattern = ".*".join(re.escape(part) for part in node.value.split("*"))
    return re.fullmatch(pattern, value, re.IGNORECASE | re.DOTALL) is not None
