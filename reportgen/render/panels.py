"""PanelView -> PanelModel: everything a panel template shows, computed in Python so the
templates stay simple (no logic beyond picking a partial and looping)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from reportgen.engine.result import Result
from reportgen.errors import RenderError
from reportgen.render.charts import chart_spec
from reportgen.render.context import Band, PanelView
from reportgen.render.formatting import format_cell, format_si, pick_band, slug
from reportgen.render.shapes import (
    CHART_TYPES,
    PANEL_TYPES,
    TABLE_TYPES,
    chart_shape,
    single_value,
)
from reportgen.render.summary import chart_summary
from reportgen.render.theme import BandStyle, Theme

PanelKind = Literal["single_value", "chart", "table", "error", "empty"]
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
NO_DATA = "No data"


@dataclass(frozen=True)
class Cell:
    text: str
    kind: str  # css class: num, time, text, raw, bool, null
    meta: str = ""  # a small line under the cell (a message's host, category and file)


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
    band_style: BandStyle | None = None
    spec: dict[str, Any] | None = None
    summary: str = ""
    table: Table | None = None
    row_count: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max(1, min(12, int(self.view.width or 12)))


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
        elif panel.type in TABLE_TYPES:
            model.kind = "table"
            model.table = (
                messages_of(result, tz) if panel.type == "messages" else table_of(result, tz)
            )
            if not result.rows:
                model.kind, model.status = "empty", "empty"
        else:
            raise RenderError(
                f"unsupported panel type '{panel.type}'; expected one of {', '.join(PANEL_TYPES)}"
            )
    except RenderError as exc:
        model.kind, model.status, model.error = "error", "error", str(exc)
    return model


def _fill_single_value(model: PanelModel, result: Result, theme: Theme) -> None:
    picked = single_value(result)
    model.kind = "single_value"
    if picked.column is None or picked.value is None:
        model.value_text, model.status, model.unit = NO_DATA, "empty", ""
        model.band_name, model.band_style = "grey", theme.bands.get("grey")
        return
    value = picked.value
    model.value_text = format_si(value) if isinstance(value, int | float) else str(value)
    band = pick_band(value, model.view.bands)
    model.band = band
    if band is None:
        model.band_style = theme.bands.get("none")
        return
    name = slug(band.color)
    model.band_name = name
    model.band_label = band.label or band.color
    model.band_style = theme.bands.get(name) or _custom_band(band.color)


def _custom_band(color: str) -> BandStyle | None:
    """A band given as a hex colour: that background, with black or white text (whichever
    contrasts more). Anything else than a hex colour is ignored (no style injection)."""
    if not _HEX.match(color):
        return None
    hex6 = color[1:] if len(color) == 7 else "".join(ch * 2 for ch in color[1:])
    channels = [int(hex6[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    text = "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"
    return BandStyle(background=color, text=text)


def _fill_chart(model: PanelModel, result: Result, theme: Theme, tz: str) -> None:
    shape = chart_shape(result, model.view.type)
    model.summary = chart_summary(model.view.type, model.view.stacked, result, shape, tz)
    if not result.rows:
        model.kind, model.status = "empty", "empty"
        return
    model.kind = "chart"
    model.spec = chart_spec(model.view, theme, tz)


def table_of(result: Result, tz: str) -> Table:
    """All rows as text cells: times in the report zone, numbers plain, `_raw` kept verbatim."""
    kinds = [_cell_kind(column.name, column.type) for column in result.columns]
    rows = [
        [
            Cell(format_cell(value, column.type, tz), "null" if value is None else kind)
            for value, column, kind in zip(row, result.columns, kinds, strict=True)
        ]
        for row in result.rows
    ]
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
            cells.append(Cell(format_cell(row[i], column.type, tz), kind))
        rows.append(cells)
    return Table(headers=headers, rows=rows)


def _cell_kind(name: str, column_type: str) -> str:
    if name.lower() == "_raw":
        return "raw"
    return {"number": "num", "time": "time", "bool": "bool"}.get(column_type, "text")
