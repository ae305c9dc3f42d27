"""Checks beyond the types: ranges, zones, themes, ids, options per panel type, variables and
every query (after substitution). Problems are errors; warnings are what `--strict` refuses."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from reportgen.dashboard.alert_checks import check_alerting
from reportgen.dashboard.model import (
    AbsoluteRange,
    DashboardSpec,
    PanelSpec,
    SectionSpec,
    TimeRange,
)
from reportgen.dashboard.variables import NAME, PLACEHOLDER, Substitution, substitute
from reportgen.dashboard.yamlpos import KeyPath, Located, dotted, scalar_offset
from reportgen.errors import QuerySyntaxError, ReportgenError, Span, SpecError, suggestion
from reportgen.timerange import RANGE_WORDS, parse_duration, parse_instant, zone_info

Add = Callable[[str, KeyPath, str | None], None]
CHARTS = ("area", "line", "column", "bar", "pie")
# Options that only some panel types read: (key, types, what to write instead).
_TYPE_OPTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bands", ("single_value",)),
    ("thresholds", ("table",)),
    ("number_format", ("table",)),
    ("stacked", ("area", "column", "bar")),
    ("legend", CHARTS),
    ("value_labels", ("column", "bar", "pie")),
    ("unit", ("single_value",)),
    ("alert", ("single_value", "table")),
    ("series_colors", CHARTS),
)


@dataclass
class Checked:
    """The spec with variables substituted, the problems (errors) and the warnings."""

    spec: DashboardSpec
    problems: list[ReportgenError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_semantics(
    spec: DashboardSpec,
    located: Located,
    values: Mapping[str, str],
    stand_ins: Collection[KeyPath] = (),
) -> Checked:
    """Check `spec` with the variable `values` applied to its queries. Of the panels at
    `stand_ins` (mended by `reportgen.dashboard.partial`) only the query is checked."""
    checked = Checked(spec)

    def add(message: str, path: KeyPath, hint: str | None = None) -> None:
        checked.problems.append(
            SpecError(message, located.span(path), hint=hint, text=located.text)
        )

    def warn(message: str, path: KeyPath, hint: str | None = None) -> None:
        span = located.span(path)
        checked.warnings.append(f"{span.location}: {message}" if span else message)

    try:
        zone_info(spec.timezone, option="timezone")
    except ReportgenError as error:
        add(f"timezone: {error.message}", ("timezone",), error.hint)
    _check_theme(spec.theme, add)
    check_range(spec.time_range, ("time_range",), spec.timezone, add)
    for name, variable in spec.variables.items():
        path: KeyPath = ("variables", name)
        if not NAME.match(name):
            add(f"variables: invalid name '{name}'", path, "use letters, digits and _")
        if PLACEHOLDER.search(variable.default):
            add(
                f"variables.{name}.default: a value cannot hold a placeholder",
                (*path, "default"),
                "values go into the query as written and are not substituted again",
            )
        if variable.values and variable.default not in variable.values:
            add(
                f"variables.{name}.default: '{variable.default}' is not one of its values",
                (*path, "default"),
                suggestion(variable.default, variable.values)
                or "allowed: " + ", ".join(variable.values),
            )
    # A default refused above must not be reported again in every query that uses it.
    values = {name: "*" if PLACEHOLDER.search(value) else value for name, value in values.items()}
    if not spec.panels and not spec.sections:
        add("the dashboard has no panels", (), "add a 'panels' or a 'sections' list")
    seen: dict[str, KeyPath] = {}
    used: set[str] = set()
    queries: dict[KeyPath, str] = {}
    for base, _, panel in spec.every_panel():
        if base in stand_ins:
            if panel.query:
                result = substitute(panel.query, values)
                used |= result.used
                _check_query(panel, base, located, result, checked.problems)
            continue
        if panel.id in seen:
            add(
                f"{dotted((*base, 'id'))}: duplicate panel id '{panel.id}' "
                f"(first used by {dotted(seen[panel.id])})",
                (*base, "id"),
            )
        seen.setdefault(panel.id, base)
        _check_panel(panel, base, located, add)
        if panel.time_range is not None:
            check_range(panel.time_range, (*base, "time_range"), spec.timezone, add)
        if panel.type == "text" or not panel.query:
            continue
        result = substitute(panel.query, values)
        used |= result.used
        parsed = _check_query(panel, base, located, result, checked.problems)
        if parsed is not None:
            queries[base] = result.text
            for message in parsed:
                warn(f"{dotted((*base, 'query'))} ({panel.id}): {message}", (*base, "query"))
    for name in spec.variables:
        if name not in used:
            warn(f"variables.{name}: the variable is not used by any query", ("variables", name))

    def add_at(message: str, path: KeyPath, hint: str | None, key: bool) -> None:
        span = located.span(path, key=key)
        checked.problems.append(SpecError(message, span, hint=hint, text=located.text))

    check_alerting(spec, add_at, lambda message, path: warn(message, path))
    if not checked.problems:
        checked.spec = _with_queries(spec, queries)
    return checked


def _check_theme(name: str, add: Add) -> None:
    from reportgen.render.theme import available_themes

    themes = available_themes()
    if themes and name not in themes:
        add(
            f"theme: unknown theme '{name}'",
            ("theme",),
            suggestion(name, themes) or "available: " + ", ".join(themes),
        )


def _check_panel(panel: PanelSpec, base: KeyPath, located: Located, add: Add) -> None:
    given = located.data_at(base)
    keys = set(given) if isinstance(given, dict) else set()
    where = dotted(base)
    if panel.type == "text":
        if panel.query:
            add(f"{where}.query: a text panel has no query", (*base, "query"), "use 'text'")
        if not panel.text.strip():
            add(f"missing required key 'text' in {where}", base, "a text panel shows Markdown")
    else:
        if not panel.query.strip():
            add(f"missing required key 'query' in {where}", base, None)
        if "text" in keys:
            add(f"{where}.text: only text panels have 'text'", (*base, "text"), "use 'query'")
    for key, types in _TYPE_OPTIONS:
        if key in keys and panel.type not in types:
            add(
                f"{where}.{key}: '{key}' applies to {', '.join(types)} panels only",
                (*base, key),
                f"remove '{key}' or set type: {types[0]}",
            )


def check_range(value: TimeRange, path: KeyPath, tz: str, add: Add) -> None:
    """A relative range must point into the past; an absolute one must end after it starts."""
    if isinstance(value, AbsoluteRange):
        try:
            start = parse_instant(value.start, tz, option="from")
            end = parse_instant(value.end, tz, option="to")
        except ReportgenError as error:
            add(f"{dotted(path)}: {error.message}", path, error.hint)
            return
        if end <= start:
            add(f"{dotted(path)}: 'to' must be after 'from'", path, None)
        return
    if value.strip().lower() in RANGE_WORDS:
        return
    try:
        delta = parse_duration(value, option="")
    except ReportgenError as error:
        add(f"{dotted(path)}: {error.message}", path, error.hint)
        return
    if delta.total_seconds() >= 0:
        add(
            f"{dotted(path)}: time range '{value}' points into the future",
            path,
            "write it as an offset into the past, e.g. -" + value.strip().lstrip("+"),
        )


def _check_query(
    panel: PanelSpec,
    base: KeyPath,
    located: Located,
    result: Substitution,
    problems: list[ReportgenError],
) -> list[str] | None:
    """The warnings of the substituted query, or None after adding its problems."""
    from reportgen.query import parse_query

    path: KeyPath = (*base, "query")
    where = f"{dotted(path)} ({panel.id})"
    for offset, name in result.unknown:
        anchor = scalar_offset(located, path, offset) or located.span(path)
        known = sorted(result.known)
        hint = suggestion(name, known) or (
            "declare it under 'variables'" if not known else "variables: " + ", ".join(known)
        )
        problems.append(
            SpecError(f"{where}: unknown variable '{name}'", anchor, hint=hint, text=located.text)
        )
    if result.unknown:
        return None
    try:
        query = parse_query(result.text)
    except QuerySyntaxError as error:
        for problem in error.errors:
            problems.append(_query_problem(problem, where, path, located, result.original_offset))
        return None
    return [str(warning) for warning in query.warnings]


def _query_problem(
    problem: ReportgenError,
    where: str,
    path: KeyPath,
    located: Located,
    original: Callable[[int], int],
) -> ReportgenError:
    """A query error re-anchored in the dashboard file: the headline names file:line:col of the
    bad token inside the YAML, the snippet shows the query itself with its caret."""
    message = f"{where}: {problem.message}"
    anchor = None
    if problem.span is not None:
        anchor = scalar_offset(located, path, original(problem.span.start))
    anchor = anchor or located.span(path)
    if anchor is None or problem.span is None or problem.text is None:
        return SpecError(message, anchor, hint=problem.hint, text=located.text)
    span = Span(anchor.source, anchor.line, anchor.col, problem.span.start, problem.span.end)
    return SpecError(message, span, hint=problem.hint, text=problem.text)


def _with_queries(spec: DashboardSpec, queries: Mapping[KeyPath, str]) -> DashboardSpec:
    """`spec` with each panel's query replaced by its substituted text."""

    def panel_at(base: KeyPath, panel: PanelSpec) -> PanelSpec:
        text = queries.get(base)
        if text is None or text == panel.query:
            return panel
        return panel.model_copy(update={"query": text})

    panels = [panel_at(("panels", i), p) for i, p in enumerate(spec.panels)]
    sections: list[SectionSpec] = [
        section.model_copy(
            update={
                "panels": [
                    panel_at(("sections", n, "panels", i), p) for i, p in enumerate(section.panels)
                ]
            }
        )
        for n, section in enumerate(spec.sections)
    ]
    return spec.model_copy(update={"panels": panels, "sections": sections})
