"""One exception tree for reportgen; every error can point at the text that caused it.

Only the CLI turns these into messages and exit codes. Each error carries an optional `Span`
(where in which text) and an optional hint ("did you mean 'count'?"); `str(error)` renders the
message, the offending line and a caret under the span.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A region of a text: `source` names it (a file path, or "query"); line and col are 1-based,
    start and end are 0-based character offsets into the text (end exclusive)."""

    source: str
    line: int
    col: int
    start: int
    end: int

    @classmethod
    def at(cls, text: str, start: int, end: int | None = None, source: str = "query") -> Span:
        """The span of `text[start:end]`, with its line and column computed."""
        end = start if end is None else end
        starts = _line_starts(text)
        line = bisect.bisect_right(starts, start)
        return cls(source, line, start - starts[line - 1] + 1, start, end)

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}:{self.col}"


SNIPPET_CHARS = 200
"""A longer line is cut around the span in error snippets (a hostile file may be one line)."""


@functools.lru_cache(maxsize=16)
def _line_starts(text: str) -> tuple[int, ...]:
    # Every token of a query gets a span: counting lines from the start each time made parsing
    # a long query quadratic (a 1.5 MB query took minutes).
    return (0, *(match.end() for match in re.finditer("\n", text)))


def caret_snippet(text: str, span: Span, indent: str = "  ") -> str:
    """The line of `text` that holds `span`, and a caret line under the span."""
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.start)
    if line_end == -1:
        line_end = len(text)
    line = text[line_start:line_end]
    before = text[line_start : span.start]
    width = max(1, min(span.end, line_end) - span.start)
    if len(line) > SNIPPET_CHARS:
        left = max(0, len(before) - SNIPPET_CHARS // 4)
        right = min(len(line), left + SNIPPET_CHARS)
        width = min(width, right - len(before))
        before = ("…" if left else "") + before[left:]
        line = ("…" if left else "") + line[left:right] + ("…" if right < len(line) else "")
    pad = "".join("\t" if ch == "\t" else " " for ch in before)
    return f"{indent}{line}\n{indent}{pad}^{'~' * (width - 1)}"


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of `choices` to `word` (case-insensitive), or None."""
    by_lower = {choice.lower(): choice for choice in choices}
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return by_lower[matches[0]] if matches else None


def suggestion(word: str, choices: Iterable[str]) -> str | None:
    """A ready-made hint: "did you mean 'x'?", or None when nothing is close."""
    match = did_you_mean(word, choices)
    return f"did you mean '{match}'?" if match else None


class ReportgenError(Exception):
    """Base of every error reportgen raises on purpose.

    `text` is the whole text the span points into (a query, a YAML file); with both, the rendered
    message shows the offending line with a caret under the span.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        text: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint
        self.text = text

    def headline(self) -> str:
        """One line: where, what, and the hint."""
        parts = [self.message]
        if self.hint:
            parts.append(self.hint)
        line = "; ".join(parts)
        if (
            self.span is not None
            and self.span.source != "query"
            and not self.span.source.startswith("-")
        ):
            return f"{self.span.location}: {line}"
        return line

    def __str__(self) -> str:
        head = self.headline()
        if self.span is not None and self.text is not None:
            return f"{head}\n{caret_snippet(self.text, self.span)}"
        return head


class SpecError(ReportgenError):
    """A dashboard file is invalid."""


class QuerySyntaxError(ReportgenError):
    """A query cannot be parsed; may hold several problems (see `errors`)."""

    def __init__(
        self,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        text: str | None = None,
        errors: Sequence[ReportgenError] = (),
    ) -> None:
        super().__init__(message, span, hint=hint, text=text)
        self.errors: list[ReportgenError] = list(errors) or [self]

    def __str__(self) -> str:
        if len(self.errors) <= 1:
            return ReportgenError.__str__(self)
        shown = [ReportgenError.__str__(error) for error in self.errors[:10]]
        more = len(self.errors) - len(shown)
        if more:
            shown.append(f"... and {more} more")
        return "\n".join(shown)


class QueryError(ReportgenError):
    """A query parses but cannot be planned (unknown field, unsupported operator...)."""


class SnapshotError(ReportgenError):
    """A log snapshot or its sources.yaml cannot be read."""


class UsageError(ReportgenError):
    """A bad command-line option or value (a time range, a zone, a format)."""


class EngineError(ReportgenError):
    """An engine cannot be started or reached (Java missing, Spark unreachable, a bad setting)."""


class ExecutionError(ReportgenError):
    """The engine failed while running a query."""

    exit_code = 1


class RenderError(ReportgenError):
    """A result could not be rendered (wrong shape for the panel type...)."""

    exit_code = 1
