"""Parse-anchor patterns (spec §4.1): the literal segments around the unescaped stars.

`"User=*: severity=*:"` -> ("User=", ": severity=", ":"). Each star captures lazily up to the
next literal; a star that ends the pattern captures the rest of the input.

The SQL finds each literal after the previous one with `instr` instead of running a regex: for
an anchor pattern this is exactly the leftmost, lazy match of the spec (a later start or a later
occurrence of a literal can only push the next literal further right), and several times faster
than RE2 submatch extraction.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.query.schema import sql_str

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


PARSE_INPUT = "__rg_s"


def anchor_positions(segments: tuple[str, ...]) -> tuple[list[str], list[str], str]:
    """SQL for an anchor pattern split into literal `segments` around its stars.

    Returns the position columns to add one after another (`__rg_p<k>`: 1-based start of
    literal k, NULL once a literal is missing), the capture expression of each star, and the
    "matched" condition. A trailing star captures the rest of the input.
    """
    s = PARSE_INPUT
    found: list[str] = []
    captures: list[str] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if index == last and not segment and index > 0:
            captures.append(f"substr({s}, {_after(index - 1, segments)})")
            break
        if index == 0:
            where = (
                f"nullif(instr({s}, {sql_str(segment)}), 0)"
                if segment
                else f"(CASE WHEN {s} IS NOT NULL THEN 1 END)"
            )
        else:
            start = _after(index - 1, segments)
            where = f"{start} - 1 + nullif(instr(substr({s}, {start}), {sql_str(segment)}), 0)"
            captures.append(f"substr({s}, {start}, __rg_p{index} - ({start}))")
        found.append(f"{where} AS __rg_p{index}")
    matched_at = len(found) - 1
    return found, captures, f"(__rg_p{matched_at} IS NOT NULL)"


def _after(index: int, segments: tuple[str, ...]) -> str:
    """First position after literal `index`."""
    return f"__rg_p{index} + {len(segments[index])}"
