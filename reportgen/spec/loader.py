"""Load a dashboard file, validate it, and report every problem with file:line:col."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reportgen.errors import QuerySyntaxError, ReportgenError, Span, SpecError, suggestion
from reportgen.spec.model import DashboardSpec, PanelSpec
from reportgen.spec.yamlpos import KeyPath, Located, load_yaml, load_yaml_file, scalar_offset
from reportgen.timerange import RANGE_WORDS, parse_duration, zone_info


@dataclass(frozen=True)
class Dashboard:
    """A validated dashboard and where it came from."""

    spec: DashboardSpec
    path: Path
    located: Located

    @property
    def stem(self) -> str:
        return self.path.stem


def load_dashboard(path: Path) -> Dashboard:
    """Read and validate `path`; raise one SpecError listing every problem found."""
    located = load_yaml_file(path)
    return Dashboard(validate(located), path, located)


def load_dashboard_text(text: str, source: str = "dashboard.yaml") -> Dashboard:
    located = load_yaml(text, source)
    return Dashboard(validate(located), Path(source), located)


def validate(located: Located) -> DashboardSpec:
    problems: list[ReportgenError] = []
    if not isinstance(located.data, dict):
        raise SpecError(
            "a dashboard file must be a mapping with 'title' and 'panels'",
            located.span(()),
            text=located.text,
        )
    try:
        spec = DashboardSpec.model_validate(located.data)
    except ValidationError as error:
        problems.extend(_from_pydantic(error, located))
        _raise(problems)
        raise AssertionError("unreachable") from None
    problems.extend(_check_semantics(spec, located))
    _raise(problems)
    return spec


def _raise(problems: list[ReportgenError]) -> None:
    if not problems:
        return
    if len(problems) == 1:
        raise problems[0]
    shown = "\n".join(str(problem) for problem in problems)
    raise SpecError(f"{len(problems)} problems:\n{shown}")


_FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "dashboard": tuple(DashboardSpec.model_fields),
    "panel": tuple(PanelSpec.model_fields),
    "band": ("from", "to", "color", "label", "fail"),
    "delivery": ("to", "cc", "subject", "attach_csv"),
}


def _owner(path: KeyPath) -> str:
    if len(path) >= 2 and path[0] == "panels":
        return "band" if "bands" in path[2:] else "panel"
    if path[:1] == ("delivery",):
        return "delivery"
    return "dashboard"


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


def _from_pydantic(error: ValidationError, located: Located) -> list[ReportgenError]:
    problems: list[ReportgenError] = []
    for item in error.errors():
        path: KeyPath = tuple(p for p in item["loc"] if isinstance(p, str | int))
        kind = item["type"]
        value: Any = item.get("input")
        where = _dotted(path)
        hint = None
        if kind == "extra_forbidden":
            key = str(path[-1])
            choices = _FIELD_NAMES[_owner(path[:-1])]
            hint = suggestion(key, choices) or "known keys: " + ", ".join(choices)
            parent = f" in {_dotted(path[:-1])}" if len(path) > 1 else ""
            message = f"unknown key '{key}'{parent}"
            span = located.span(path, key=True)
        elif kind == "missing":
            parent = f" in {_dotted(path[:-1])}" if len(path) > 1 else ""
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
        problems.append(SpecError(message, span, hint=hint, text=located.text))
    return problems


def _check_semantics(spec: DashboardSpec, located: Located) -> list[ReportgenError]:
    from reportgen.query import parse_query

    problems: list[ReportgenError] = []

    def add(message: str, path: KeyPath, hint: str | None = None) -> None:
        problems.append(SpecError(message, located.span(path), hint=hint, text=located.text))

    try:
        zone_info(spec.timezone, option="timezone")
    except ReportgenError as error:
        add(f"timezone: {error.message}", ("timezone",), error.hint)
    _check_range(spec.time_range, ("time_range",), add)
    seen: dict[str, int] = {}
    for index, panel in enumerate(spec.panels):
        base: KeyPath = ("panels", index)
        if panel.id in seen:
            add(
                f"panels[{index}].id: duplicate panel id '{panel.id}' "
                f"(first used by panels[{seen[panel.id]}])",
                (*base, "id"),
            )
        seen.setdefault(panel.id, index)
        if panel.time_range is not None:
            _check_range(panel.time_range, (*base, "time_range"), add)
        if panel.bands and panel.type != "single_value":
            add(
                f"panels[{index}].bands: bands apply to single_value panels only",
                (*base, "bands"),
                "remove 'bands' or set type: single_value",
            )
        try:
            parse_query(panel.query)
        except QuerySyntaxError as error:
            for problem in error.errors:
                problems.append(_query_problem(problem, index, panel, located))
    return problems


def _check_range(text: str, path: KeyPath, add: Any) -> None:
    if text.strip().lower() in RANGE_WORDS:
        return
    try:
        delta = parse_duration(text, option="")
    except ReportgenError as error:
        add(f"{_dotted(path)}: {error.message}", path, error.hint)
        return
    if delta.total_seconds() >= 0:
        add(
            f"{_dotted(path)}: time range '{text}' points into the future",
            path,
            "write it as an offset into the past, e.g. -" + text.strip().lstrip("+"),
        )


def _query_problem(
    problem: ReportgenError, index: int, panel: PanelSpec, located: Located
) -> ReportgenError:
    """A query error re-anchored in the dashboard file: the headline names file:line:col of the
    bad token inside the YAML, the snippet shows the query itself with its caret."""
    path: KeyPath = ("panels", index, "query")
    message = f"panels[{index}].query ({panel.id}): {problem.message}"
    anchor = None
    if problem.span is not None:
        anchor = scalar_offset(located, path, problem.span.start)
    anchor = anchor or located.span(path)
    if anchor is None or problem.span is None or problem.text is None:
        return SpecError(message, anchor, hint=problem.hint, text=located.text)
    span = Span(anchor.source, anchor.line, anchor.col, problem.span.start, problem.span.end)
    return SpecError(message, span, hint=problem.hint, text=problem.text)
