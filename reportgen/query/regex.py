"""Java regular expressions as Sumo takes them, checked and translated for RE2 (DuckDB).

`parse regex` needs named groups only (`(?<name>...)`): an unnamed capturing group or a named
group inside another is a query error. RE2 already understands a mid-pattern `(?i)` (scoped to
the rest of its group), `\\z` and `(?P<name>`; lookarounds and possessive quantifiers are
rejected when the engine compiles the pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# `_` first only for the metadata fields a group may set (`(?<_sourceHost>\S+)`)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Group:
    name: str
    offset: int  # of the `(` in the pattern


@dataclass(frozen=True)
class RegexProblem:
    message: str
    offset: int
    length: int


def scan_groups(pattern: str) -> tuple[list[Group], list[RegexProblem]]:
    """The named groups of `pattern` in order, and the problems for `parse regex`."""
    groups: list[Group] = []
    problems: list[RegexProblem] = []
    stack: list[bool] = []  # per open parenthesis: is it a named group?
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char == "(":
            named = _named_at(pattern, index)
            if named is not None:
                if any(stack):
                    problems.append(
                        RegexProblem("a named group inside another is not supported", index, 2)
                    )
                groups.append(Group(named, index))
                stack.append(True)
            else:
                if not pattern.startswith("(?", index):
                    message = "unnamed capturing group; name it '(?<name>...)' or use '(?:...)'"
                    problems.append(RegexProblem(message, index, 1))
                stack.append(False)
        elif char == ")" and stack:
            stack.pop()
        index += 1
    return groups, problems


def _named_at(pattern: str, index: int) -> str | None:
    for prefix in ("(?<", "(?P<"):
        if pattern.startswith(prefix, index):
            rest = pattern[index + len(prefix) :]
            match = _NAME.match(rest)
            if match and rest[match.end() : match.end() + 1] == ">":
                return match.group(0)
    return None


def _class_end(pattern: str, start: int) -> int:
    """Index past the character class opening at `start` (`[]a]` and `[^]a]` hold a `]`)."""
    index = start + 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    return index


def group_names(pattern: str) -> list[str]:
    return [group.name for group in scan_groups(pattern)[0]]


def re2_pattern(pattern: str) -> str:
    """Java `(?<name>...)` -> RE2 `(?P<name>...)`; everything else is the same syntax. Only
    groups are rewritten: not an escaped `\\(?<`, nor the text of a character class."""
    out: list[str] = []
    last = 0
    for group in scan_groups(pattern)[0]:
        if pattern.startswith("(?<", group.offset):
            out.append(pattern[last : group.offset] + "(?P<")
            last = group.offset + len("(?<")
    return "".join(out) + pattern[last:]
