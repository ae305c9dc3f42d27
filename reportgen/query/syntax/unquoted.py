"""Two tokens real Sumo queries write without quotes: escaped field names (`%type`,
`%machines[0].displayname`, as `json auto` names keys) and lookup table paths
(`path://"/Library/Users/me/t"`, `https://host/t.csv`, `/shared/t`), whose `//` is no comment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportgen.query.syntax.tokens import Token

_ESCAPED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\]|\.[A-Za-z0-9_]+)*")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def escaped_name_end(text: str, index: int) -> int:
    """The end of `%name` at `index` (`index` itself when there is none). It is a name only
    where a value may start, not right after one: `a%b` stays modulo."""
    before = text[index - 1] if index else " "
    name = _ESCAPED_NAME.match(text, index + 1)
    if name is None or before.isalnum() or before in "_)]\"'":
        return index
    return name.end()


def path_end(text: str, index: int, last: Token | None) -> int:
    """The end of a lookup table path starting at `index` (`index` itself when there is none).

    A path follows `from` (`lookup ... from PATH`) or opens a call (`lookupContains(PATH, ...)`,
    schemes only): `path://"/Library/Users/me/t"` (a quoted library path), a URL, or after
    `from` a plain path (`/shared/lookups/t`). It runs to whitespace, `,`, `)` or `|`."""
    after_from = last is not None and last.is_word("from")
    after_paren = last is not None and last.is_op("(")
    scheme = _SCHEME.match(text, index)
    if not (after_from or (after_paren and scheme)):
        return index
    if not scheme and re.match(r"on(?:\s|$)", text[index:], re.IGNORECASE):
        return index  # `from on x`: the table is missing, `on` is not one
    end = scheme.end() if scheme else index
    if scheme and text.startswith('"', end):
        closed = skip_string(text, end)
        return closed if closed > 0 else index
    while end < len(text) and not text[end].isspace() and text[end] not in ",)|":
        end += 1
    return end


def skip_string(text: str, start: int) -> int:
    """Index just past the string literal opening at `start` (-1 when it is not closed)."""
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            return index + 1
        index += 1
    return -1
