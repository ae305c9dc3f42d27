"""Load a dashboard file, validate it, and report every problem with file:line:col."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reportgen.dashboard.checks import check_semantics
from reportgen.dashboard.model import (
    AbsoluteRange,
    AlertSpec,
    BandSpec,
    DashboardSpec,
    DeliverySpec,
    PageSpec,
    PanelSpec,
    SectionSpec,
    ThresholdSpec,
    VariableSpec,
)
from reportgen.dashboard.partial import validate_partially
from reportgen.dashboard.variables import resolve_values
from reportgen.dashboard.yamlpos import KeyPath, Located, dotted, load_yaml, load_yaml_file
from reportgen.errors import ReportgenError, SpecError, UsageError, suggestion


@dataclass(frozen=True)
class Dashboard:
    """A validated dashboard and where it came from. `spec` has its variables substituted in
    every query; `variables` holds the values used; `warnings` are `file:line:col: ...` lines
    that `--strict` turns into errors."""

    spec: DashboardSpec
    path: Path
    located: Located
    variables: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.path.stem


def load_dashboard(path: Path, variables: Mapping[str, str] | None = None) -> Dashboard:
    """Read and validate `path` with `variables` (--var) applied; raise one SpecError listing
    every problem found (a UsageError for an unknown --var)."""
    return _load(load_yaml_file(path), path, variables or {})


def load_dashboard_text(
    text: str, source: str = "dashboard.yaml", variables: Mapping[str, str] | None = None
) -> Dashboard:
    """As load_dashboard, from text; `source` names it in messages."""
    return _load(load_yaml(text, source), Path(source), variables or {})


def _load(located: Located, path: Path, given: Mapping[str, str]) -> Dashboard:
    if not isinstance(located.data, dict):
        raise SpecError(
            "a dashboard file must be a mapping with 'title' and 'panels'",
            located.span(()),
            text=located.text,
        )
    partial = validate_partially(located.data)
    problems = [] if partial.error is None else _from_pydantic(partial.error, located)
    if partial.spec is None:
        _raise(problems)
        raise AssertionError("unreachable")
    try:
        values = resolve_values(partial.spec.variables, given, located.source)
    except UsageError:
        if not problems:
            raise
        # An unknown --var matters less than a broken file, and may be one of its results.
        values = {name: spec.default for name, spec in partial.spec.variables.items()}
    checked = check_semantics(partial.spec, located, values, stand_ins=partial.stand_ins)
    _raise(problems + checked.problems)
    return Dashboard(checked.spec, path, located, values, checked.warnings)


def _raise(problems: list[ReportgenError]) -> None:
    """Raise the problems as one SpecError, in the order of their place in the file."""
    if not problems:
        return
    problems = sorted(problems, key=_place)
    if len(problems) == 1:
        raise problems[0]
    shown = "\n".join(str(problem) for problem in problems)
    raise SpecError(f"{len(problems)} problems:\n{shown}")


def _place(problem: ReportgenError) -> tuple[int, int]:
    span = problem.span
    return (span.line, span.col) if span is not None else (1 << 30, 0)


def _keys(model: type[PanelSpec] | type[DashboardSpec] | type[object]) -> tuple[str, ...]:
    fields = getattr(model, "model_fields", {})
    return tuple(info.alias or name for name, info in fields.items())


# The model that owns the mapping at a key path, by the last key naming it.
_OWNERS: dict[str, tuple[str, ...]] = {
    "panels": _keys(PanelSpec),
    "bands": _keys(BandSpec),
    "thresholds": _keys(ThresholdSpec),
    "sections": _keys(SectionSpec),
    "page": _keys(PageSpec),
    "time_range": _keys(AbsoluteRange),
    "variables": _keys(VariableSpec),
    "delivery": _keys(DeliverySpec),
    "alert": _keys(AlertSpec),
}
# Union members pydantic names in error locations; they are not keys of the file.
_UNION_TAGS = frozenset({"str", "float", "int", "bool", "AbsoluteRange"})


def _owner_keys(path: KeyPath) -> tuple[str, ...]:
    names = [part for part in path if isinstance(part, str)]
    if len(names) >= 2 and names[-2] == "variables":
        return _OWNERS["variables"]
    if names and names[-1] in _OWNERS and names[-1] != "variables":
        return _OWNERS[names[-1]]
    return _keys(DashboardSpec)


def _from_pydantic(error: ValidationError, located: Located) -> list[ReportgenError]:
    problems: list[ReportgenError] = []
    seen: set[str] = set()
    for item in error.errors():
        loc = [p for p in item["loc"] if isinstance(p, str | int)]
        if not _union_branch_applies(loc, located.data):
            continue
        path: KeyPath = tuple(p for p in loc if p not in _UNION_TAGS)
        kind = item["type"]
        value: Any = item.get("input")
        where = dotted(path)
        hint = None
        if kind == "extra_forbidden":
            key = str(path[-1])
            choices = _owner_keys(path[:-1])
            hint = suggestion(key, choices) or "known keys: " + ", ".join(choices)
            parent = f" in {dotted(path[:-1])}" if len(path) > 1 else ""
            message = f"unknown key '{key}'{parent}"
            span = located.span(path, key=True)
        elif kind == "missing":
            parent = f" in {dotted(path[:-1])}" if len(path) > 1 else ""
            message = f"missing required key '{path[-1]}'{parent}"
            span = located.span(path[:-1], key=True)
        elif kind == "literal_error":
            expected = item.get("ctx", {}).get("expected", "")
            message = f"{where}: unknown value '{value}', expected one of {expected}"
            options = [part.strip(" '") for part in str(expected).replace(" or ", ",").split(",")]
            hint = suggestion(str(value), options)
            span = located.span(path)
        else:
            message = f"{where}: {item['msg'][0].lower()}{item['msg'][1:]}"
            if value is not None and not isinstance(value, dict | list):
                message += f" (got {value!r})"
            span = located.span(path)
        if message not in seen:
            seen.add(message)
            problems.append(SpecError(message, span, hint=hint, text=located.text))
    return problems


def _union_branch_applies(loc: list[str | int], data: Any) -> bool:
    """Whether an error of a union branch concerns the value given: for `time_range`, the
    `AbsoluteRange` errors when a mapping was written, the `str` error otherwise."""
    node = data
    for part in loc:
        if part in ("str", "AbsoluteRange"):
            return (part == "AbsoluteRange") == isinstance(node, dict)
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return True
    return True
