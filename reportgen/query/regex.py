"""Java regular expressions as Sumo takes them, checked and translated for RE2 (DuckDB).

`parse regex` needs named groups only (`(?<name>...)`): an unnamed capturing group or a named
group inside another is a query error. RE2 already understands a mid-pattern `(?i)` (scoped to
the rest of its group), `\\z` and `(?P<name>`; lookarounds and possessive quantifiers are
rejected when the engine compiles the pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    for index, opening in _parentheses(pattern):
        if not opening:
            if stack:
                stack.pop()
            continue
        named = _named_at(pattern, index)
        if named is not None:
            if any(stack):
                problems.append(
                    RegexProblem("a named group inside another is not supported", index, 2)
                )
            groups.append(Group(named, index))
        elif not pattern.startswith("(?", index):
            message = "unnamed capturing group; name it '(?<name>...)' or use '(?:...)'"
            problems.append(RegexProblem(message, index, 1))
        stack.append(named is not None)
    return groups, problems


def _parentheses(pattern: str) -> Iterator[tuple[int, bool]]:
    """The offset of each parenthesis of `pattern` that opens (True) or closes (False) a group,
    in order: an escaped one, or one inside a character class, is text."""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        if char in "()":
            yield index, char == "("
        index += 1


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


@dataclass(frozen=True)
class Capture:
    """A capturing group of a pattern: where its `(` and its `)` stand, and its name (None for
    an unnamed group)."""

    start: int
    end: int
    name: str | None


def capture_groups(pattern: str) -> list[Capture]:
    """Every capturing group of a Java pattern, in the order of their `(` (their numbers)."""
    found: list[Capture | None] = []
    stack: list[tuple[int, str | None, int]] = []  # per open `(`: start, name, slot in found
    for index, opening in _parentheses(pattern):
        if opening:
            name = _named_at(pattern, index)
            capturing = name is not None or not pattern.startswith("(?", index)
            stack.append((index, name, len(found) if capturing else -1))
            if capturing:
                found.append(None)
        elif stack:
            start, name, slot = stack.pop()
            if slot >= 0:
                found[slot] = Capture(start, index, name)
    return [group for group in found if group is not None]


_JAVA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_BACK_REFERENCE = re.compile(r"\\k<([A-Za-z_][A-Za-z0-9_]*)>")


def java_pattern(pattern: str) -> str:
    """The pattern with the group names Java refuses (`_` in them, as in `(?<_sourceHost>`,
    which names a metadata field) renamed, and their back references (`\\k<name>`) with them;
    groups are read by number, so their names do not matter to the engine."""
    renames = {
        group.name: f"rgGroup{number}"
        for number, group in enumerate(capture_groups(pattern), start=1)
        if group.name is not None and not _JAVA_NAME.fullmatch(group.name)
    }
    if not renames:
        return pattern
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            reference = _BACK_REFERENCE.match(pattern, index)
            if reference is not None and reference.group(1) in renames:
                out.append(f"\\k<{renames[reference.group(1)]}>")
                index = reference.end()
                continue
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[":
            end = _class_end(pattern, index)
            out.append(pattern[index:end])
            index = end
            continue
        name = _named_at(pattern, index) if char == "(" else None
        if name is not None and name in renames and pattern.startswith("(?<", index):
            out.append(f"(?<{renames[name]}>")
            index += len(name) + 4
            continue
        out.append(char)
        index += 1
    return "".join(out)


def participation_pattern(pattern: str, number: int) -> tuple[str, int, int]:
    """A Java pattern with the same matches as `pattern` (same starts and ends), whose last
    group captures one character exactly when group `number` takes part in the match: an empty
    group at the end of it, then, at the end, a back reference to that empty group (which fails
    when the group took no part) followed by a look behind (or, for an empty match at the
    start, a look ahead) capturing one character. Returns the pattern and the numbers of those
    two groups. Only an empty match of an empty text cannot tell: it reads as taking no part."""
    groups = capture_groups(pattern)
    group = groups[number - 1]
    opened = pattern.index(">", group.start) + 1 if group.name is not None else group.start + 1
    body = pattern[opened : group.end]
    marked = f"{pattern[:opened]}(?:{body})(?<rgTook>){pattern[group.end :]}"
    test = r"(?:\k<rgTook>(?:(?<=([\s\S]))|(?=([\s\S])))|)"
    total = len(groups) + 1
    return f"(?:{marked}){test}", total + 1, total + 2
