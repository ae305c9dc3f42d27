"""The operators of the query language, one family per module, and the registry of them all.

Adding an operator: write its module (node, parse, plan, SQL and an `OPERATORS` tuple, see
`base.py`), add the module to `FAMILIES` below, document it in docs/query-language.md and add
its cases to tests/fixtures/queries/. The parser, the planner and the SQL generator find it here.
"""

from __future__ import annotations

from types import ModuleType

from reportgen.errors import QueryError
from reportgen.query.operators import (
    aggregate,
    compare,
    fillmissing,
    json,
    kv,
    lookup,
    outlier,
    parse,
    rows,
    split,
    timeslice,
    top,
    transpose,
    windows,
)
from reportgen.query.operators.base import Operator, ParseFn

FAMILIES: tuple[ModuleType, ...] = (
    parse,  # parse "pattern", parse regex, extract
    json,  # json, json auto
    kv,  # kv, keyvalue, kv auto
    split,  # csv, split
    rows,  # where, fields, sort, limit, dedup
    aggregate,  # count, sum, avg, ... by; count_frequent
    top,  # top, topk
    timeslice,  # timeslice
    transpose,  # transpose
    windows,  # total, accum, diff, backshift, smooth, rollingstd
    fillmissing,  # fillmissing
    compare,  # compare timeshift, withtime
    outlier,  # outlier
    lookup,  # lookup
)

OPERATORS: tuple[Operator, ...] = (
    *(operator for family in FAMILIES for operator in family.OPERATORS),
    rows.EXPRESSION_STAGE,
)
EXPRESSION_STAGE = rows.EXPRESSION_STAGE
WORDS: dict[str, ParseFn] = {
    word: operator.parse
    for operator in OPERATORS
    if operator.parse is not None
    for word in operator.words
}
_BY_NODE: dict[type, Operator] = {operator.node: operator for operator in OPERATORS}


def operator_of(node: object) -> Operator:
    """The operator of a stage node; a node no operator claims is a bug, said loudly."""
    found = _BY_NODE.get(type(node))
    if found is None:
        raise QueryError(f"unsupported stage {type(node).__name__}")
    return found
