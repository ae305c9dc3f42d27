"""Template variables: `{{name}}` in a query is replaced textually before parsing (spec §10).

Values come from `--var NAME=VALUE`, else the variable's `default`. Positions matter: a query
error after substitution is reported at the matching place of the text as written in the file, so
`Substitution` keeps the replaced spans and maps offsets back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reportgen.dashboard.model import VariableSpec
from reportgen.errors import UsageError, suggestion

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]*)\s*\}\}")
NAME = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Substitution:
    """A query with its placeholders replaced; `spans` are (start, end, new_length) in the
    original text, in order."""

    text: str
    spans: list[tuple[int, int, int]] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)
    used: frozenset[str] = frozenset()
    known: frozenset[str] = frozenset()

    def original_offset(self, offset: int) -> int:
        """The offset in the original text of `offset` in the substituted text (a position
        inside a replaced value maps to the start of its placeholder)."""
        shift = 0
        for start, end, length in self.spans:
            new_start = start + shift
            if offset < new_start:
                break
            if offset < new_start + length:
                return start
            shift += length - (end - start)
        return offset - shift


def substitute(text: str, values: Mapping[str, str]) -> Substitution:
    """Replace every `{{name}}` of `text` by `values[name]`; unknown names are left in place and
    listed with their offsets."""
    parts: list[str] = []
    spans: list[tuple[int, int, int]] = []
    unknown: list[tuple[int, str]] = []
    used: set[str] = set()
    last = 0
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        if name not in values:
            unknown.append((match.start(), name))
            continue
        used.add(name)
        parts.append(text[last : match.start()])
        parts.append(values[name])
        spans.append((match.start(), match.end(), len(values[name])))
        last = match.end()
    parts.append(text[last:])
    return Substitution("".join(parts), spans, unknown, frozenset(used), frozenset(values))


def parse_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """`--var NAME=VALUE` options as a dict; UsageError for a malformed one."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not NAME.match(name):
            raise UsageError(
                f"invalid --var '{pair}'",
                hint="write NAME=VALUE, the name made of letters, digits and _",
            )
        values[name] = value
    return values


def resolve_values(
    declared: Mapping[str, VariableSpec], given: Mapping[str, str], source: str
) -> dict[str, str]:
    """The value of every declared variable: from `given` (--var) else the default. An unknown
    name or a value outside the allowed ones is a UsageError naming the dashboard."""
    for name, value in given.items():
        placeholder = PLACEHOLDER.search(value)
        if placeholder is not None:
            raise UsageError(
                f"{source}: the value of variable '{name}' holds a placeholder "
                f"'{placeholder.group(0)}' (--var)",
                hint="values go into the query as written and are not substituted again",
            )
        if name not in declared:
            known = sorted(declared)
            raise UsageError(
                f"{source}: unknown variable '{name}' (--var)",
                hint=suggestion(name, known)
                or ("variables: " + ", ".join(known) if known else "the dashboard has none"),
            )
        allowed = declared[name].values
        if allowed and value not in allowed:
            raise UsageError(
                f"{source}: variable '{name}' cannot be '{value}' (--var)",
                hint=suggestion(value, allowed) or "allowed: " + ", ".join(allowed),
            )
    return {name: given.get(name, spec.default) for name, spec in declared.items()}
