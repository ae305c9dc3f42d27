"""The shared AST: names, the scope constructs and expressions (frozen dataclasses).

Every node carries the `Span` of the text it came from, so later stages (planning, SQL) can point
back at it. The pipe stages' nodes live with their operators (`reportgen.query.operators`).
`walk()` visits any tree; `dump()` renders one for `explain`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal as TypingLiteral
from typing import Protocol

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
class FieldMatch:
    """`field=value` / `field!=value` on a name that is not metadata: a field of the log table
    (sources.yaml `fields`) or of a field extraction rule when one has that name (tested as
    metadata is, §2.3), else the keyword phrase `phrase` (planning decides, see
    `restrict.resolve_fields`)."""

    field: Name
    value: str
    quoted: bool
    negated: bool
    span: Span
    phrase: Keyword
    written: str  # the term as the query writes it (`foo = bar`), for the warning


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


ScopeNode = ScopeAll | Keyword | MetaMatch | FieldMatch | ScopeAnd | ScopeOr | ScopeNot
SCOPE_TYPES = (ScopeAll, Keyword, MetaMatch, FieldMatch, ScopeAnd, ScopeOr, ScopeNot)

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
class TableRef:
    """A lookup table as the query names it (`path://"/Library/..."`, a URL, a path)."""

    path: str
    span: Span

    @property
    def key(self) -> str:
        """The table's identity: a `path://"..."` without its wrapper, else the text."""
        text = self.path.strip()
        if text.lower().startswith("path://"):
            text = text[len("path://") :]
            if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
                text = re.sub(r'\\(["\\])', r"\1", text[1:-1])
        return text


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


@dataclass(frozen=True)
class Arith:
    """`a + b`, `a - b`, `a * b`, `a / b`, `a % b`, and unary minus as `0 - x` (`op` "neg")."""

    op: str
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class Ternary:
    """`cond ? a : b` and `if(cond, a, b)`."""

    condition: Expr
    then: Expr
    otherwise: Expr
    span: Span


Expr = (
    FieldRef
    | Literal
    | RegexLiteral
    | TableRef
    | Compare
    | Matches
    | InList
    | Logical
    | Negation
    | Call
    | Arith
    | Ternary
)

# --- stages ---------------------------------------------------------------------------------


class Stage(Protocol):
    """A pipe stage. Each operator module of `reportgen.query.operators` defines its own stage
    nodes (frozen dataclasses); all they share is the span of their text."""

    @property
    def span(self) -> Span: ...


Node = ScopeNode | Expr | Stage | Name


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


def _plain(value: object) -> object:
    """Names as their text, tuples as lists (for `dump`)."""
    if isinstance(value, Name):
        return value.text
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


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
        elif isinstance(value, tuple) and value and isinstance(value[0], Name | tuple):
            lines.append(f"{indent}  {item.name}: {_plain(value)!r}")
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            lines.append(f"{indent}  {item.name}:")
            lines.extend(dump(child, indent + "    ") for child in value)
        elif dataclasses.is_dataclass(value):
            lines.append(f"{indent}  {item.name}:")
            lines.append(dump(value, indent + "    "))
        else:
            lines.append(f"{indent}  {item.name}: {value!r}")
    return "\n".join(lines)
