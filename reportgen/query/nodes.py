"""The query AST: one frozen dataclass per scope construct, expression and pipe operator.

Every node carries the `Span` of the text it came from, so later stages (planning, SQL) can point
back at it. `dump()` renders a tree for `explain`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal as TypingLiteral

from reportgen.errors import Span


@dataclass(frozen=True)
class Name:
    """A field name as written; `key` is its case-folded identity (§9)."""

    text: str
    span: Span

    @property
    def key(self) -> str:
        return self.text.lower()


# --- scope (§2) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeAll:
    """An empty scope or `*`: every message in the time range."""

    span: Span


@dataclass(frozen=True)
class Keyword:
    """A keyword or phrase matched against the tokens of `_raw` (§2.2)."""

    text: str
    quoted: bool
    span: Span


@dataclass(frozen=True)
class MetaMatch:
    """`_field=value` / `_field!=value`: whole-value, case-insensitive (§2.3)."""

    field: Name
    value: str
    quoted: bool
    negated: bool
    span: Span


@dataclass(frozen=True)
class ScopeAnd:
    items: tuple[ScopeNode, ...]
    span: Span


@dataclass(frozen=True)
class ScopeOr:
    items: tuple[ScopeNode, ...]
    span: Span


@dataclass(frozen=True)
class ScopeNot:
    item: ScopeNode
    span: Span


ScopeNode = ScopeAll | Keyword | MetaMatch | ScopeAnd | ScopeOr | ScopeNot
SCOPE_TYPES = (ScopeAll, Keyword, MetaMatch, ScopeAnd, ScopeOr, ScopeNot)

# --- expressions (§5.1) -----------------------------------------------------------------------

Value = str | int | float | bool | None


@dataclass(frozen=True)
class FieldRef:
    name: Name
    span: Span


@dataclass(frozen=True)
class Literal:
    value: Value
    span: Span


@dataclass(frozen=True)
class RegexLiteral:
    pattern: str
    span: Span


@dataclass(frozen=True)
class Compare:
    op: str  # one of = != < > <= >= (== and <> are normalised)
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class Matches:
    subject: Expr
    pattern: Expr
    negated: bool
    span: Span


@dataclass(frozen=True)
class InList:
    subject: Expr
    items: tuple[Literal, ...]
    negated: bool
    span: Span


@dataclass(frozen=True)
class Logical:
    op: TypingLiteral["and", "or"]
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True)
class Negation:
    operand: Expr
    span: Span


@dataclass(frozen=True)
class Call:
    name: Name
    args: tuple[Expr, ...]
    span: Span


Expr = FieldRef | Literal | RegexLiteral | Compare | Matches | InList | Logical | Negation | Call

# --- stages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parse:
    """`parse [field=f] "pattern" as a, b [nodrop]` (§4.1); `pattern` is the raw literal text."""

    pattern: str
    pattern_span: Span
    names: tuple[Name, ...]
    source: Name | None
    nodrop: bool
    span: Span


@dataclass(frozen=True)
class Timeslice:
    """`timeslice 5m [as name]` (§6.2)."""

    count: int
    unit: str  # s m h d w; "buckets" for `timeslice N buckets`, "range" without an argument
    alias: Name | None
    span: Span


@dataclass(frozen=True)
class AggCall:
    """One aggregate of an aggregation stage: `count`, `count(*)`, `count(f) as n`."""

    func: Name
    arg: Name | None
    alias: Name | None
    span: Span
    params: tuple[float, ...] = ()  # `pct(f, 95, 99)`: the percentiles


@dataclass(frozen=True)
class Aggregate:
    """`count [as n] [by k1, k2]` and friends (§7)."""

    calls: tuple[AggCall, ...]
    by: tuple[Name, ...]
    span: Span


@dataclass(frozen=True)
class SortKey:
    field: Name
    descending: bool
    span: Span


@dataclass(frozen=True)
class Sort:
    """`sort by a [asc|desc], ...` / `order by ...`; each key defaults to descending (§8.1)."""

    keys: tuple[SortKey, ...]
    span: Span


@dataclass(frozen=True)
class Top:
    """`top N f1, f2 [by count]` = count by f1, f2 | sort by _count | limit N (§8.2)."""

    count: int
    fields: tuple[Name, ...]
    span: Span


@dataclass(frozen=True)
class Limit:
    count: int
    span: Span


@dataclass(frozen=True)
class Transpose:
    """`transpose row r column c [as a, b, *]` (§8.3); `outputs` None = all dynamic columns."""

    rows: tuple[Name, ...]
    columns: tuple[Name, ...]
    outputs: tuple[Name, ...] | None
    rest: bool  # the `as` list ends with `*`
    span: Span


@dataclass(frozen=True)
class Where:
    condition: Expr
    span: Span


@dataclass(frozen=True)
class Fields:
    """`fields a, b` keeps, `fields - a, b` removes (§5.6)."""

    names: tuple[Name, ...]
    remove: bool
    span: Span


# --- post-aggregate stages (§8.2, §8.4, §8.5) ---------------------------------------------


@dataclass(frozen=True)
class Topk:
    """`topk(N, f1[, f2]) [by g1, ...]`: the N rows with the highest f per group, with `_rank`."""

    count: int
    fields: tuple[Name, ...]
    by: tuple[Name, ...]
    span: Span


@dataclass(frozen=True)
class Window:
    """`total|accum|diff|backshift|smooth|rollingstd f[, n] [as name] [by g1, ...]` (§8.5)."""

    op: str
    field: Name
    size: int | None  # backshift's shift, smooth's and rollingstd's window
    alias: Name | None
    by: tuple[Name, ...]
    span: Span


@dataclass(frozen=True)
class FillGenerator:
    """`timeslice[(15m)] [in f]` or `values("a", "b") in f` / `values all in f`."""

    kind: TypingLiteral["timeslice", "values"]
    field: Name | None  # None: `_timeslice`
    width: tuple[int, str] | None  # timeslice(15m); None: the previous timeslice's width
    values: tuple[str, ...]
    all: bool
    span: Span


@dataclass(frozen=True)
class FillConstant:
    """`with <value> for <field>`."""

    value: Value
    field: Name
    span: Span


@dataclass(frozen=True)
class FillMissing:
    """`fillmissing <generator>, ... [with <const> for <field>, ...] [takeLast]` (§8.4)."""

    generators: tuple[FillGenerator, ...]
    constants: tuple[FillConstant, ...]
    take_last: bool
    span: Span


@dataclass(frozen=True)
class Timeshift:
    """One comparison of `compare`: `timeshift 1d [N [avg|min|max]] [as alias]`."""

    count: int
    unit: str  # s m h d w
    times: int  # how many shifted runs (1d, 2d, ... N d)
    combine: str | None  # avg, min or max over the N runs
    alias: Name | None
    span: Span


@dataclass(frozen=True)
class TimeCompare:
    """`compare [with] timeshift ...[, timeshift ...]` (§8.6): the same query on past ranges."""

    shifts: tuple[Timeshift, ...]
    span: Span


@dataclass(frozen=True)
class WithTime:
    """`withtime f`: adds `f_withtime` for `most_recent`/`least_recent` (§7)."""

    field: Name
    span: Span


@dataclass(frozen=True)
class Outlier:
    """`outlier f [by g] [window=10, threshold=3, consecutive=1, direction=+-]` (§8.6)."""

    field: Name
    by: tuple[Name, ...]
    window: int
    threshold: float
    consecutive: int
    direction: str  # "+-", "+" or "-"
    span: Span


Stage = (
    Parse
    | Timeslice
    | Aggregate
    | Sort
    | Top
    | Limit
    | Transpose
    | Where
    | Fields
    # issue 3b: post-aggregate stages
    | Topk
    | Window
    | FillMissing
    | TimeCompare
    | WithTime
    | Outlier
)
Node = ScopeNode | Expr | Stage | AggCall | SortKey | Name


def walk(node: object) -> Iterator[object]:
    """`node` and every node inside it, depth first, in source order."""
    if isinstance(node, tuple):
        for item in node:
            yield from walk(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        yield node
        for item in dataclasses.fields(node):
            if item.name != "span" and not item.name.endswith("_span"):
                yield from walk(getattr(node, item.name))


def dump(node: object, indent: str = "") -> str:
    """A readable tree of a node (spans left out)."""
    if isinstance(node, Name):
        return f"{indent}Name {node.text!r}"
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return f"{indent}{node!r}"
    lines = [f"{indent}{type(node).__name__}"]
    for item in dataclasses.fields(node):
        if item.name == "span" or item.name.endswith("_span"):
            continue
        value = getattr(node, item.name)
        if isinstance(value, Name):
            lines.append(f"{indent}  {item.name}: {value.text!r}")
        elif isinstance(value, tuple) and value and isinstance(value[0], Name):
            lines.append(f"{indent}  {item.name}: {[n.text for n in value]!r}")
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            lines.append(f"{indent}  {item.name}:")
            lines.extend(dump(child, indent + "    ") for child in value)
        elif dataclasses.is_dataclass(value):
            lines.append(f"{indent}  {item.name}:")
            lines.append(dump(value, indent + "    "))
        else:
            lines.append(f"{indent}  {item.name}: {value!r}")
    return "\n".join(lines)
