"""A reference evaluator in plain Python over the parsed query, used only by tests.

It follows the spec (docs in /work/shared/spec/query-language.md) for a subset of the language:
the scope (keywords with token semantics, wildcards, AND/OR/NOT, metadata globs), `parse`
(anchor, `nodrop`, the nodrop chain, `field=`), `where` (comparisons, `matches`, `in`,
`and/or/not`), `timeslice` with a fixed width in UTC, `count/sum/avg/min/max [as] by`, `sort`
and `limit`. It shares nothing with the SQL generator but the parser's syntax tree, so DuckDB and
this evaluator can check each other. Anything outside the subset raises `Unsupported`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from reportgen.query.operators.aggregate import Aggregate
from reportgen.query.operators.parse import Parse
from reportgen.query.operators.rows import Limit, Sort, Where
from reportgen.query.operators.timeslice import Timeslice
from reportgen.query.parser import Query
from reportgen.query.syntax import nodes as n

Row = dict[str, Any]
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
UNITS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
DEFAULTS = {"count": "_count", "sum": "_sum", "avg": "_avg", "min": "_min", "max": "_max"}


class Unsupported(Exception):
    """The query uses something the reference does not model."""


def tokens(text: str) -> list[str]:
    """Message terms (§2.2): runs of letters, digits and `_`; any other visible char alone."""
    out: list[str] = []
    word = ""
    for char in text:
        if char.isalnum() or char == "_":
            word += char
            continue
        if word:
            out.append(word.casefold())
            word = ""
        if not char.isspace():
            out.append(char)
    if word:
        out.append(word.casefold())
    return out


def keyword_terms(text: str, quoted: bool) -> list[str]:
    glob = "" if quoted else "*?"
    out: list[str] = []
    word = ""
    for char in text:
        if char.isalnum() or char == "_" or char in glob:
            word += char
            continue
        if word:
            out.append(word.casefold())
            word = ""
        if not char.isspace():
            out.append(char)
    if word:
        out.append(word.casefold())
    return out


def _term_matches(pattern: str, term: str, quoted: bool) -> bool:
    if quoted or not any(c in pattern for c in "*?"):
        return pattern == term
    return fnmatch.fnmatchcase(term, pattern)


def keyword_matches(node: n.Keyword, raw: str) -> bool:
    words = keyword_terms(node.text, node.quoted)
    terms = tokens(raw)
    if len(words) == 1:
        return any(_term_matches(words[0], term, node.quoted) for term in terms)
    for start in range(len(terms) - len(words) + 1):
        if all(_term_matches(w, terms[start + i], node.quoted) for i, w in enumerate(words)):
            return True
    return False


def meta_matches(node: n.MetaMatch, row: Row) -> bool:
    value = row.get(node.field.key)
    if value is None:
        found = False
    elif node.quoted:
        found = str(value).casefold() == node.value.casefold()
    else:
        pattern = "".join(".*" if c == "*" else re.escape(c) for c in node.value)
        found = re.fullmatch(pattern, str(value), re.IGNORECASE | re.DOTALL) is not None
    return found != node.negated


def in_scope(node: n.ScopeNode, row: Row) -> bool:
    if isinstance(node, n.ScopeAll):
        return True
    if isinstance(node, n.Keyword):
        return keyword_matches(node, row["_raw"])
    if isinstance(node, n.MetaMatch):
        return meta_matches(node, row)
    if isinstance(node, n.FieldMatch):  # no field of the log table or a rule: a phrase
        return in_scope(node.phrase, row)
    if isinstance(node, n.ScopeAnd):
        return all(in_scope(item, row) for item in node.items)
    if isinstance(node, n.ScopeOr):
        return any(in_scope(item, row) for item in node.items)
    if isinstance(node, n.ScopeNot):
        return not in_scope(node.item, row)
    raise Unsupported(type(node).__name__)


def anchor_regex(pattern: str) -> re.Pattern[str]:
    """§4.1: literals between stars, lazy captures, a final star greedy to the end."""
    parts = re.split(r"(?<!\\)\*", pattern)
    literals = [p.replace('\\"', '"').replace("\\\\", "\\") for p in parts]
    regex = ""
    for index, literal in enumerate(literals):
        regex += re.escape(literal)
        if index < len(literals) - 1:
            last = index == len(literals) - 2 and literals[-1] == ""
            regex += "(.*)" if last else "(.*?)"
    return re.compile(regex, re.DOTALL)


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    return float(text) if NUMBER.fullmatch(text) else None


def value_of(expr: n.Expr, row: Row) -> Any:
    if isinstance(expr, n.Literal):
        return expr.value
    if isinstance(expr, n.FieldRef):
        return row.get(expr.name.key)
    if isinstance(expr, n.Compare):
        return compare(expr.op, value_of(expr.left, row), value_of(expr.right, row))
    if isinstance(expr, n.Logical):
        values = [truth(value_of(item, row)) for item in expr.items]
        return all(values) if expr.op == "and" else any(values)
    if isinstance(expr, n.Negation):
        return not truth(value_of(expr.operand, row))
    if isinstance(expr, n.Matches):
        subject, pattern = value_of(expr.subject, row), expr.pattern
        if not isinstance(pattern, n.Literal) or not isinstance(pattern.value, str):
            raise Unsupported("matches with a regex")
        if subject is None:
            return False
        regex = "".join(".*" if c == "*" else re.escape(c) for c in pattern.value)
        found = re.fullmatch(regex, str(subject), re.DOTALL) is not None
        return found != expr.negated
    if isinstance(expr, n.InList):
        subject = value_of(expr.subject, row)
        found = any(_strict_equal(subject, item.value) for item in expr.items)
        return subject is not None and found != expr.negated
    raise Unsupported(type(expr).__name__)


def _strict_equal(a: Any, b: Any) -> bool:
    if a is None or b is None or isinstance(a, str) != isinstance(b, str):
        return False
    return bool(a == b)


def truth(value: Any) -> bool:
    return value is True


def compare(op: str, left: Any, right: Any) -> bool:
    """§5.2: null compares false; a numeric operand makes the comparison numeric; two strings
    compare by code point, case-sensitively."""
    if left is None or right is None:
        return False
    if isinstance(left, str) and isinstance(right, str):
        a: Any = left
        b: Any = right
    else:
        a, b = as_number(left), as_number(right)
        if a is None or b is None:
            return False
    return {
        "=": a == b,
        "!=": a != b,
        "<": a < b,
        ">": a > b,
        "<=": a <= b,
        ">=": a >= b,
    }[op]


def sort_key(value: Any, descending: bool) -> tuple[int, Any]:
    """Nulls last in both directions, numbers before strings (§8.1)."""
    if value is None:
        return (2, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, -value if descending else value)
    text = str(value)
    if descending:
        return (1, (*(-ord(c) for c in text), 1))
    return (1, tuple(ord(c) for c in text))


def _aggregate(stage: Aggregate, rows: list[Row], names: dict[str, str]) -> list[Row]:
    keys = [name.key for name in stage.by]
    groups: dict[tuple[Any, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(tuple(row.get(k) for k in keys), []).append(row)
    if not keys and not groups:
        groups[()] = []
    out: list[Row] = []
    for group_key in sorted(groups, key=lambda t: tuple(sort_key(v, False) for v in t)):
        members = groups[group_key]
        record: Row = dict(zip(keys, group_key, strict=True))
        for call in stage.calls:
            func = call.func.key
            if func not in DEFAULTS:
                raise Unsupported(func)
            name = call.alias.key if call.alias else DEFAULTS[func]
            names.setdefault(name, call.alias.text if call.alias else name)
            record[name] = _reduce(func, call.arg, members)
        out.append(record)
    return out


def _reduce(func: str, arg: n.Name | None, members: list[Row]) -> Any:
    if func == "count":
        if arg is None:
            return len(members)
        return sum(1 for m in members if m.get(arg.key) is not None)
    assert arg is not None
    numbers = [x for x in (as_number(m.get(arg.key)) for m in members) if x is not None]
    if not numbers:
        return None
    reducers: dict[str, Callable[[list[float]], float]] = {
        "sum": lambda xs: float(sum(xs)),
        "avg": lambda xs: sum(xs) / len(xs),
        "min": min,
        "max": max,
    }
    return reducers[func](numbers)


def evaluate(query: Query, messages: Sequence[Row]) -> tuple[str, list[Row], dict[str, str]]:
    """Run `query` over `messages` (keys: lower-case field names, `_messagetime` a datetime).

    Returns the result kind ("messages" or "aggregate"), the rows (keys case-folded), and the
    display spelling of every field the query names."""
    if query.restriction is not None:
        raise Unsupported("restriction")
    names: dict[str, str] = {}
    rows = [dict(m) for m in messages if in_scope(query.scope, m)]
    rows.sort(key=lambda r: r["_messagetime"], reverse=True)
    rescued = [False] * len(rows)
    kind = "messages"
    for stage in query.stages:
        if isinstance(stage, Parse):
            regex = anchor_regex(stage.pattern)
            for name in stage.names:
                names.setdefault(name.key, name.text)
            kept, flags = [], []
            for row, saved in zip(rows, rescued, strict=True):
                source = row.get(stage.source.key if stage.source else "_raw")
                found = regex.search(str(source)) if source is not None else None
                if found:
                    row.update({k.key: v for k, v in zip(stage.names, found.groups(), strict=True)})
                elif stage.nodrop:
                    row.update({k.key: None for k in stage.names if k.key not in row})
                elif not saved:
                    continue
                kept.append(row)
                flags.append(saved or (stage.nodrop and found is not None))
            rows, rescued = kept, flags
        elif isinstance(stage, Where):
            pairs = [(r, s) for r, s in zip(rows, rescued, strict=True)]
            pairs = [(r, s) for r, s in pairs if truth(value_of(stage.condition, r))]
            rows, rescued = [r for r, _ in pairs], [s for _, s in pairs]
        elif isinstance(stage, Timeslice):
            if stage.unit not in UNITS or stage.alias is not None:
                raise Unsupported("timeslice form")
            width = stage.count * UNITS[stage.unit]
            for row in rows:
                time = int(row["_messagetime"].timestamp() * 1000)
                row["_timeslice"] = time - time % width
        elif isinstance(stage, Aggregate):
            for name in stage.by:
                names.setdefault(name.key, name.text)
            rows = _aggregate(stage, rows, names)
            rescued = [False] * len(rows)
            kind = "aggregate"
        elif isinstance(stage, Sort):
            for key in reversed(stage.keys):
                order = [sort_key(r.get(key.field.key), key.descending) for r in rows]
                pairs = sorted(zip(order, range(len(rows)), rows, strict=True))
                rows = [r for _, _, r in pairs]
            rescued = [False] * len(rows)
        elif isinstance(stage, Limit):
            rows, rescued = rows[: stage.count], rescued[: stage.count]
        else:
            raise Unsupported(type(stage).__name__)
    return kind, rows, names


def message_row(time: datetime, raw: str, host: str, category: str) -> Row:
    """A message as the reference sees it (lower-case metadata names)."""
    return {"_messagetime": time, "_raw": raw, "_sourcehost": host, "_sourcecategory": category}
