"""PanelView -> PanelModel: everything a panel template shows, computed in Python so the
templates stay simple (no logic beyond picking a partial and looping)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from markupsafe import Markup

from reportgen.engine.result import Result
from reportgen.errors import RenderError
from reportgen.render.charts import chart_spec
from reportgen.render.context import Band, PanelView
from reportgen.render.formatting import format_cell, slug
from reportgen.render.links import parse_link
from reportgen.render.safe import render_markdown
from reportgen.render.shapes import (
    CHART_TYPES,
    PANEL_TYPES,
    TABLE_TYPES,
    chart_shape,
    check_shape,
)
from reportgen.render.single import SingleValueModel, single_value_model
from reportgen.render.summary import chart_summary
from reportgen.render.tables import (
    cell_rule,
    csv_data_url,
    format_value,
    rule_style,
    unknown_columns,
)
from reportgen.render.theme import Theme

PanelKind = Literal["single_value", "chart", "table", "error", "empty", "text"]
NO_DATA = "No data in this range"


@dataclass(frozen=True)
class Cell:
    text: str
    kind: str  # css class: num, time, text, raw, bool, null
    meta: str = ""  # a small line under the cell (a message's host, category and file)
    style: str = ""  # a threshold's colours
    css: str = ""  # a threshold's class
    note: str = ""  # a threshold's label (shown as a tooltip and to screen readers)
    href: str | None = None  # a `tourl` link (http or https only, see links.py)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]


@dataclass
class PanelModel:
    """A panel ready for `_panel.html`. `dom_id` is unique in the report and stable (derived from
    the panel id); the chart, its spec block and its text alternative use it as a suffix."""

    view: PanelView
    dom_id: str
    kind: PanelKind
    status: str = "ok"  # ok | error | empty: for the footer and CSS
    error: str = ""
    value_text: str = ""
    unit: str = ""
    band: Band | None = None
    band_name: str = "none"
    band_label: str = ""
    spec: dict[str, Any] | None = None
    summary: str = ""
    table: Table | None = None
    row_count: int = 0
    warnings: list[str] = field(default_factory=list)
    single: SingleValueModel | None = None
    text_html: Markup = field(default_factory=Markup)
    data_table: Table | None = None
    csv_url: str = ""
    heading_level: int = 2

    @property
    def width(self) -> int:
        return max(1, min(12, int(self.view.width or 12)))

    @property
    def height(self) -> int | None:
        return None if self.view.height is None else max(1, min(12, self.view.height))


def unique_ids(panels: list[PanelView]) -> list[str]:
    """A stable, unique DOM id fragment per panel (from its id; `-2`, `-3` on collisions)."""
    seen: dict[str, int] = {}
    ids = []
    for index, panel in enumerate(panels):
        base = slug(panel.id or f"panel-{index + 1}")
        count = seen.get(base, 0) + 1
        seen[base] = count
        ids.append(base if count == 1 else f"{base}-{count}")
    return ids


def build_panel(panel: PanelView, dom_id: str, theme: Theme, tz: str) -> PanelModel:
    """The model of one panel; a result that does not fit the panel type becomes an error card."""
    model = PanelModel(view=panel, dom_id=dom_id, kind="error", unit=panel.unit)
    if panel.type == "text" and panel.error is None:
        model.kind, model.text_html = "text", render_markdown(panel.text)
        return model
    if panel.error is not None:
        model.error, model.status = panel.error, "error"
        return model
    result = panel.result
    if result is None:
        model.error, model.status = "the panel has no result", "error"
        return model
    model.row_count = len(result.rows)
    model.warnings = list(result.warnings)
    try:
        if panel.type == "single_value":
            _fill_single_value(model, result, theme)
        elif panel.type in CHART_TYPES:
            _fill_chart(model, result, theme, tz)
            model.data_table = table_of(result, tz)
        elif panel.type in TABLE_TYPES:
            model.kind = "table"
            model.table = (
                messages_of(result, tz)
                if panel.type == "messages"
                else table_of(result, tz, panel, theme)
            )
            model.warnings += unknown_columns(panel, result)
            if not result.rows:
                model.kind, model.status = "empty", "empty"
        else:
            raise RenderError(
                f"unsupported panel type '{panel.type}'; expected one of {', '.join(PANEL_TYPES)}"
            )
    except RenderError as exc:
        model.kind, model.status, model.error = "error", "error", str(exc)
        return model
    if result.rows:
        model.csv_url = csv_data_url(result, tz)
    return model


def _fill_single_value(model: PanelModel, result: Result, theme: Theme) -> None:
    single = single_value_model(model.view, result, theme)
    model.kind, model.single = "single_value", single
    model.value_text, model.band, model.band_name = single.value_text, single.band, single.band_name
    model.band_label, model.unit = single.band_label, single.unit
    if single.empty:
        model.status = "empty"


def _fill_chart(model: PanelModel, result: Result, theme: Theme, tz: str) -> None:
    if not result.rows:
        check_shape(model.view.type, result)
        model.kind, model.status, model.summary = "empty", "empty", NO_DATA + "."
        return
    shape = chart_shape(result, model.view.type)
    model.summary = chart_summary(model.view.type, model.view.stacked, result, shape, tz)
    model.kind = "chart"
    model.spec = chart_spec(model.view, theme, tz)


def table_of(
    result: Result, tz: str, panel: PanelView | None = None, theme: Theme | None = None
) -> Table:
    """All rows as text cells: times in the report zone, numbers plain (or in the panel's
    `number_format`), `_raw` kept verbatim, cells coloured by the panel's thresholds."""
    kinds = [_cell_kind(column.name, column.type) for column in result.columns]
    formats = {k.lower(): v for k, v in (panel.number_format if panel else {}).items()}
    rules = panel.thresholds if panel is not None else []
    rows = []
    for row in result.rows:
        cells = []
        for value, column, kind in zip(row, result.columns, kinds, strict=True):
            text = format_value(value, column.type, tz, formats.get(column.name.lower(), "plain"))
            href = None
            if column.type == "link" and isinstance(value, str):
                link = parse_link(value)
                text, href = link.text, link.href
            rule = cell_rule(rules, column.name, value) if rules else None
            if rule is None or theme is None:
                cells.append(Cell(text, "null" if value is None else kind, href=href))
                continue
            style, css = rule_style(rule, theme)
            note = rule.label or rule.color
            cells.append(Cell(text, kind, style=style, css=css, note=note, href=href))
        rows.append(cells)
    return Table(headers=result.names, rows=rows)


# Shown under each message rather than as columns; the other metadata fields are left out of the
# message view (they stay in the data: CSV, JSON).
_MESSAGE_META = ("_sourcehost", "_sourcecategory", "_sourcename")
_MESSAGE_HIDDEN = frozenset(
    {"_source", "_collector", "_size", "_messagecount", "_format", "_receipttime"}
)


def messages_of(result: Result, tz: str) -> Table:
    """A message list as Sumo shows it: Time, Message (with host, category and file under it),
    then the fields the query parsed."""
    names = [column.name.lower() for column in result.columns]
    if "_raw" not in names:
        return table_of(result, tz)
    raw = names.index("_raw")
    time = names.index("_messagetime") if "_messagetime" in names else None
    meta = [names.index(name) for name in _MESSAGE_META if name in names]
    skip = {raw, *meta, *([time] if time is not None else [])}
    extra = [i for i, name in enumerate(names) if i not in skip and name not in _MESSAGE_HIDDEN]
    headers = (["Time"] if time is not None else []) + ["Message"]
    headers += [result.columns[i].name for i in extra]
    rows = []
    for row in result.rows:
        cells = []
        if time is not None:
            cells.append(Cell(format_cell(row[time], "time", tz), "time"))
        meta_text = " · ".join(str(row[i]) for i in meta if row[i] not in (None, ""))
        cells.append(Cell(format_cell(row[raw], "string", tz), "raw", meta_text))
        for i in extra:
            column = result.columns[i]
            kind = "null" if row[i] is None else _cell_kind(column.name, column.type)
            text, href = format_cell(row[i], column.type, tz), None
            if column.type == "link" and isinstance(row[i], str):
                link = parse_link(row[i])
                text, href = link.text, link.href
            cells.append(Cell(text, kind, href=href))
        rows.append(cells)
    return Table(headers=headers, rows=rows)


def _cell_kind(name: str, column_type: str) -> str:
    if name.lower() == "_raw":
        return "raw"
    return {"number": "num", "time": "time", "bool": "bool", "link": "link"}.get(
        column_type, "text"
    )
