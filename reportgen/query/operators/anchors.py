"""Anchor patterns of `parse` (spec §4.1): the literal segments around the unescaped stars
(`"User=*: severity=*:"` -> ("User=", ": severity=", ":")) and the SQL that finds them.

Each star captures lazily up to the next literal; a star that ends the pattern captures the rest
of the input. The SQL finds each literal after the previous one with `instr` instead of running
a regex: for an anchor pattern this is exactly the leftmost, lazy match of the spec (a later start
or a later occurrence of a literal can only push the next literal further right), and several
times faster than RE2 submatch extraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.query.operators.parsing import INPUT

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "*": "*"}


@dataclass(frozen=True)
class Anchor:
    segments: tuple[str, ...]  # literal text around the stars (len = stars + 1)

    @property
    def stars(self) -> int:
        return len(self.segments) - 1

    @property
    def has_literal(self) -> bool:
        return any(self.segments)

    @property
    def double_star(self) -> bool:
        """`**`: two stars with nothing between them (invalid)."""
        return any(not segment for segment in self.segments[1:-1])


def split_anchor(raw: str) -> Anchor:
    """Split the raw text of a pattern literal at its unescaped stars, unescaping the literals:
    `\\"`, `\\\\`, `\\n`, `\\r`, `\\t`, `\\*`; any other backslash stays as written."""
    segments: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            following = raw[index + 1]
            current.append(_ESCAPES.get(following, "\\" + following))
            index += 2
            continue
        if char == "*":
            segments.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    segments.append("".join(current))
    return Anchor(tuple(segments))


def anchor_positions(
    gen: SqlGenerator, segments: tuple[str, ...], prefix: str = "__rg_p"
) -> tuple[list[str], list[str], str]:
    """SQL for an anchor pattern split into literal `segments` around its stars.

    Returns the position columns to add one after another (`<prefix><k>`: 1-based start of
    literal k, NULL once a literal is missing), the capture expression of each star, and the
    "matched" condition. A trailing star captures the rest of the input.
    """
    s = INPUT
    found: list[str] = []
    captures: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if index == last and not segment and index > 0:
            captures.append(f"substr({s}, {_after(index - 1, segments, prefix)})")
            break
        if index == 0:
            where = (
                f"nullif(instr({s}, {gen.string(segment)}), 0)"
                if segment
                else f"(CASE WHEN {s} IS NOT NULL THEN 1 END)"
            )
        else:
            start = _after(index - 1, segments, prefix)
            where = f"{start} - 1 + nullif(instr(substr({s}, {start}), {gen.string(segment)}), 0)"
            captures.append(f"substr({s}, {start}, {prefix}{index} - ({start}))")
        found.append(f"{where} AS {prefix}{index}")
    matched_at = len(found) - 1
    return found, captures, f"({prefix}{matched_at} IS NOT NULL)"


def _after(index: int, segments: tuple[str, ...], prefix: str) -> str:
    """First position after literal `index`."""
    return f"{prefix}{index} + {len(segments[index])}"
