"""Which panels of an evaluated dashboard alert (the dashboard's `alert` keys, design D13).

- A single value alerts when it lands in a band marked `alert: true`, or in the band the panel's
  `alert: {band: NAME}` names (by colour or label).
- A table alerts when any cell matches a rule marked `alert: true` (or the rule `alert.band`
  names): one alert per panel, listing the cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from reportgen.alerts.model import Alert
from reportgen.dashboard.loader import Dashboard
from reportgen.dashboard.model import PanelSpec
from reportgen.render import pick_band
from reportgen.render.context import Band, PanelView, ReportView
from reportgen.render.panels import unique_ids
from reportgen.render.tables import cell_rule
from reportgen.summary import panel_value

MAX_CELLS = 10


@dataclass(frozen=True)
class Where:
    """Where a run's report is: `url` of the report page (anchors are added per panel), the
    team it is scoped to, the run date (publish) and its reference instant (ISO, UTC)."""

    url: str
    at: str
    team: str | None = None
    run: str | None = None


@dataclass
class Evaluated:
    """The alerts a dashboard fires now, and the keys of the panels that failed (whose earlier
    alerts neither fire again nor resolve: their state is unknown)."""

    firing: list[Alert]
    failed: set[str]


def alert_key(dashboard: str, panel: str, team: str | None = None) -> str:
    """The identity of a panel's alert."""
    return f"teams/{team}/{dashboard}/{panel}" if team else f"{dashboard}/{panel}"


def evaluate_alerts(dashboard: Dashboard, report: ReportView, where: Where) -> Evaluated:
    """The alerts of one evaluated dashboard."""
    specs = {panel.id: panel for _, _, panel in dashboard.spec.every_panel()}
    result = Evaluated([], set())
    for view, dom_id in zip(report.panels, unique_ids(report.panels), strict=True):
        spec = specs.get(view.id)
        if spec is None or not _alerting(spec):
            continue
        key = alert_key(dashboard.stem, view.id, where.team)
        if view.error or view.result is None:
            result.failed.add(key)
            continue
        found = _single(view, spec) if view.type == "single_value" else _table(view, spec)
        if found is None:
            continue
        value, band, cells = found
        url = where.url
        if url.endswith(".html"):
            url += f"#panel-{quote(dom_id)}"
        result.firing.append(
            Alert(
                key=key,
                labels=_labels(dashboard, spec, where.team),
                annotations=_annotations(dashboard, spec, view, report, (value, band, cells), url),
                dashboard=dashboard.stem,
                dashboard_title=report.title,
                panel=view.id,
                title=view.title,
                kind=view.type,
                value=value,
                band=band,
                window=view.window_label or report.window_label,
                url=url,
                starts_at=where.at,
                team=where.team,
                run=where.run,
                cells=cells,
            )
        )
    return result


def _alerting(spec: PanelSpec) -> bool:
    if spec.type not in ("single_value", "table"):
        return False
    rules = spec.bands if spec.type == "single_value" else spec.thresholds
    return spec.alert is not None or any(rule.alert for rule in rules)


def _alerts(spec: PanelSpec, color: str, label: str, marked: bool) -> bool:
    return marked or (spec.alert is not None and spec.alert.band in (color, label))


Found = tuple[float | int | None, dict[str, str], list[dict[str, Any]]]


def _single(view: PanelView, spec: PanelSpec) -> Found | None:
    value = panel_value(view)
    bands = [Band(b.color, b.low, b.high, b.label) for b in spec.bands]
    band = pick_band(value, bands)
    if band is None or not isinstance(value, int | float):
        return None
    marked = spec.bands[next(i for i, b in enumerate(bands) if b is band)].alert
    if not _alerts(spec, band.color, band.label, marked):
        return None
    return value, {"color": band.color, "label": band.label or band.color}, []


def _table(view: PanelView, spec: PanelSpec) -> Found | None:
    assert view.result is not None
    rules = view.thresholds
    cells: list[dict[str, Any]] = []
    first: dict[str, str] | None = None
    count = 0
    for number, row in enumerate(view.result.rows, start=1):
        for value, column in zip(row, view.result.columns, strict=True):
            rule = cell_rule(rules, column.name, value)
            if rule is None:
                continue
            marked = spec.thresholds[next(i for i, r in enumerate(rules) if r is rule)].alert
            if not _alerts(spec, rule.color, rule.label, marked):
                continue
            count += 1
            band = {"color": rule.color, "label": rule.label or rule.color}
            first = first or band
            if len(cells) < MAX_CELLS:
                shown = dict(zip(view.result.names, (_cell(v) for v in row), strict=True))
                cells.append({"row": number, "column": column.name, "band": band, "values": shown})
    if first is None:
        return None
    return count, first, cells


def _cell(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def _labels(dashboard: Dashboard, spec: PanelSpec, team: str | None) -> dict[str, str]:
    labels = {"alertname": spec.title, **dashboard.spec.labels, **spec.labels}
    labels.update(dashboard=dashboard.stem, panel=spec.id)
    if team:
        labels["team"] = team
    return labels


def _annotations(
    dashboard: Dashboard,
    spec: PanelSpec,
    view: PanelView,
    report: ReportView,
    found: Found,
    url: str,
) -> dict[str, str]:
    value, band, cells = found
    name = band["label"]
    if spec.type == "single_value":
        summary = f"{spec.title} is {number_text(value)} ({name})"
    else:
        plural = "" if value == 1 else "s"
        summary = f"{spec.title}: {number_text(value)} cell{plural} {name}"
    described = f"{report.title}: {summary}, {view.window_label or report.window_label}."
    if cells:
        shown = [f"row {c['row']} {c['column']}={c['values'][c['column']]}" for c in cells[:3]]
        described += " " + "; ".join(shown) + ("; ..." if len(cells) > 3 else "")
    automatic = {
        "summary": summary,
        "description": described,
        "value": number_text(value),
        "band": name,
        "report": url,
    }
    return {**automatic, **dashboard.spec.annotations, **spec.annotations}


def number_text(value: Any) -> str:
    """`1,234` or `0.25`: a value as alert texts show it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return "" if value is None else str(value)
