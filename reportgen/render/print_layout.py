"""Page geometry and layout of the PDF: page size and orientation, panels packed into rows of the
12-column grid, and each chart's Vega-Lite spec drawn to vector SVG by vl-convert.

WeasyPrint runs no JavaScript, so charts cannot use the HTML's `width: "container"`: every chart
gets the numeric width of its column on the chosen page instead. Text in the SVG stays text (the
PDF keeps it selectable) and is measured with the fonts shipped in `reportgen/fonts/`, the same
files the print stylesheet embeds, so layout does not depend on the machine's fonts.
"""

from __future__ import annotations

import base64
import copy
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vl_convert

from reportgen.errors import UsageError, suggestion
from reportgen.render.panels import Cell, PanelModel

FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
# The family name inside the shipped font files; the print CSS and the chart config both use it.
PDF_FONT = "DejaVu Sans"
PDF_MONO_FONT = "DejaVu Sans Mono"

# Millimetres, portrait (width, height).
PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
ORIENTATIONS = ("portrait", "landscape")
MARGIN_MM = 14.0
PX_PER_MM = 96 / 25.4
GUTTER_PX = 10
PANEL_PADDING_PX = 20  # the panel's horizontal padding + border (see print.css)
# A table up to this many rows stays a grid cell that is never split; a longer one (and any
# message list) gets the whole width and flows over pages with its header repeated.
SHORT_TABLE_ROWS = 20
SHORT_TABLE_LINES = 30
CHARS_PER_LINE = 80

_fonts_lock = threading.Lock()
_fonts_registered = False


@dataclass(frozen=True)
class PageOptions:
    """The paper: `size` (A4 or Letter) and `orientation` (portrait or landscape)."""

    size: str = "A4"
    orientation: str = "portrait"

    @property
    def width_mm(self) -> float:
        width, height = PAGE_SIZES[self.size]
        return height if self.orientation == "landscape" else width

    @property
    def height_mm(self) -> float:
        width, height = PAGE_SIZES[self.size]
        return width if self.orientation == "landscape" else height

    @property
    def content_width_px(self) -> float:
        return (self.width_mm - 2 * MARGIN_MM) * PX_PER_MM

    def chart_height(self, height: int) -> int:
        """Charts are shorter on landscape paper so a row of charts fits under the header."""
        return height if self.orientation == "portrait" else round(height * 0.7)

    @property
    def css_size(self) -> str:
        return f"{self.size} {self.orientation}"


def page_options(
    size: str | None = None, orientation: str | None = None, dashboard: object = None
) -> PageOptions:
    """The page of a build: the command line's `size`/`orientation` win over the dashboard's
    `page:` block (a mapping or an object with `size` and `orientation`), which wins over A4
    portrait."""
    chosen_size = size or _field(dashboard, "size") or "A4"
    chosen_orientation = orientation or _field(dashboard, "orientation") or "portrait"
    by_lower = {name.lower(): name for name in PAGE_SIZES}
    if chosen_size.lower() not in by_lower:
        raise UsageError(
            f"unknown page size '{chosen_size}' (--page-size)",
            hint=suggestion(chosen_size, list(PAGE_SIZES)) or "expected: " + ", ".join(PAGE_SIZES),
        )
    if chosen_orientation.lower() not in ORIENTATIONS:
        raise UsageError(
            f"unknown orientation '{chosen_orientation}' (--orientation)",
            hint=suggestion(chosen_orientation, ORIENTATIONS)
            or "expected: " + ", ".join(ORIENTATIONS),
        )
    return PageOptions(by_lower[chosen_size.lower()], chosen_orientation.lower())


def _field(block: object, name: str) -> str | None:
    value = block.get(name) if isinstance(block, dict) else getattr(block, name, None)
    return str(value) if value not in (None, "") else None


@dataclass
class PrintRow:
    """Panels that share one row of the grid (widths summing to at most 12). A `flowing` row
    holds one long table that may continue on the next page."""

    panels: list[PanelModel] = field(default_factory=list)
    flowing: bool = False
    page_break: bool = False


def is_long_table(model: PanelModel) -> bool:
    """A panel that may continue on the next page: a message list (its lines have any height,
    so even a few can be taller than a page) or a table of more than SHORT_TABLE_ROWS rows."""
    if model.kind != "table":
        return False
    if model.view.type == "messages" or model.row_count > SHORT_TABLE_ROWS:
        return True
    return model.table is not None and _estimated_lines(model.table.rows) > SHORT_TABLE_LINES


def _estimated_lines(rows: list[list[Cell]]) -> int:
    """A generous guess of a table's height in text lines (long cells wrap), so a short table
    of long texts that could be taller than a page is not kept in one unbreakable piece."""
    return sum(
        max(1, math.ceil(sum(len(cell.text) for cell in row) / CHARS_PER_LINE)) for row in rows
    )


def pack_rows(models: list[PanelModel]) -> list[PrintRow]:
    """Panels in order, wrapped into rows of 12 columns like the HTML grid; a long table gets a
    row of its own."""
    rows: list[PrintRow] = []
    current = PrintRow()
    used = 0
    for model in models:
        page_break = bool(getattr(model.view, "page_break", False))
        if is_long_table(model):
            if current.panels:
                rows.append(current)
            rows.append(PrintRow([model], flowing=True, page_break=page_break))
            current, used = PrintRow(), 0
            continue
        if page_break:
            if current.panels:
                rows.append(current)
            current, used = PrintRow(page_break=True), 0
        if used + model.width > 12 and current.panels:
            rows.append(current)
            current, used = PrintRow(), 0
        current.panels.append(model)
        used += model.width
    if current.panels:
        rows.append(current)
    return rows


def chart_width_px(model: PanelModel, page: PageOptions) -> int:
    """The drawing width of a chart in a panel of `model.width` columns on `page`."""
    columns = 12 if is_long_table(model) else model.width
    share = page.content_width_px * columns / 12
    return max(120, int(share - GUTTER_PX - PANEL_PADDING_PX))


def register_fonts() -> None:
    """Let vl-convert measure and name text with the shipped fonts (once per process)."""
    global _fonts_registered
    with _fonts_lock:
        if not _fonts_registered:
            vl_convert.register_font_directory(str(FONTS_DIR))
            _fonts_registered = True


def print_spec(spec: dict[str, Any], width: int, height: int | None = None) -> dict[str, Any]:
    """The HTML chart spec made fit for paper: a numeric width (and height), the shipped font."""
    printed = copy.deepcopy(spec)
    printed.pop("$schema", None)
    printed["width"] = width
    if height is not None:
        printed["height"] = height
    config = printed.setdefault("config", {})
    config["font"] = PDF_FONT
    for section in ("axis", "legend", "title", "header", "text"):
        block = config.get(section)
        if isinstance(block, dict):
            for key in ("labelFont", "titleFont", "font"):
                if key in block:
                    block[key] = PDF_FONT
    return printed


def chart_svg(spec: dict[str, Any], width: int, height: int | None = None) -> str:
    """The chart drawn as SVG at `width` pixels (vector: paths and text)."""
    register_fonts()
    svg: str = vl_convert.vegalite_to_svg(print_spec(spec, width, height))
    return svg


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
