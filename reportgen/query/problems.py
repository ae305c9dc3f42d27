"""Building query errors: a location in the message, a caret under the span, a hint.

Every problem is created with the full query text, so `str(error)` shows the offending line and a
caret. Problems are collected while parsing and planning, then raised together once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from reportgen.errors import QueryError, QuerySyntaxError, ReportgenError, Span, suggestion


def where(text: str, span: Span) -> str:
    """`column 5`, or `line 2, column 5` for a query of several lines."""
    if "\n" in text:
        return f"line {span.line}, column {span.col}"
    return f"column {span.col}"


def span_of(text: str, start: int, end: int | None = None) -> Span:
    return Span.at(text, start, end)


def syntax(
    text: str, span: Span, message: str, hint: str | None = None, *, located: bool = True
) -> QuerySyntaxError:
    """A parse problem: "<message> at column N" (unless not `located`), the line and a caret."""
    if located:
        message = f"{message} at {where(text, span)}"
    return QuerySyntaxError(message, span, hint=hint, text=text)


def semantic(text: str, span: Span, message: str, hint: str | None = None) -> QueryError:
    """A planning problem (unknown field...), rendered like a syntax problem."""
    return QueryError(f"{message} at {where(text, span)}", span, hint=hint, text=text)


def unknown_field(text: str, span: Span, name: str, known: Iterable[str]) -> QueryError:
    """ "unknown field 'usr' at column 9; did you mean 'user'?" (or the fields that exist)."""
    names = [n for n in known if not n.startswith("__")]
    hint = suggestion(name, names)
    if hint is None and names:
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        hint = f"fields here: {shown}"
    return semantic(text, span, f"unknown field '{name}'", hint)


class QueryErrors(QueryError):
    """Several planning problems of one query, rendered one after the other."""

    def __init__(self, errors: Sequence[ReportgenError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.span, hint=first.hint, text=first.text)
        self.errors: list[ReportgenError] = list(errors)

    def __str__(self) -> str:
        shown = [ReportgenError.__str__(error) for error in self.errors[:10]]
        more = len(self.errors) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        return "\n".join(shown)


def raise_syntax(errors: Sequence[QuerySyntaxError]) -> None:
    """Raise the collected parse problems (nothing when there are none)."""
    if not errors:
        return
    unique = _dedupe(errors)
    first = unique[0]
    raise QuerySyntaxError(
        first.message, first.span, hint=first.hint, text=first.text, errors=unique
    )


def raise_semantic(errors: Sequence[QueryError]) -> None:
    """Raise the collected planning problems (nothing when there are none)."""
    if not errors:
        return
    unique = _dedupe(errors)
    if len(unique) == 1:
        raise unique[0]
    raise QueryErrors(unique)


E = TypeVar("E", bound=ReportgenError)


def _dedupe(errors: Sequence[E]) -> list[E]:
    seen: set[tuple[str, int]] = set()
    out: list[E] = []
    for error in errors:
        key = (error.message, error.span.start if error.span else -1)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out
