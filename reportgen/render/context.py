"""The documented data handed to the report templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reportgen.engine.result import Result


@dataclass(frozen=True)
class Band:
    """A single-value colour band: `low <= value <= high` (None = open bound)."""

    color: str
    low: float | None = None
    high: float | None = None
    label: str = ""


@dataclass(frozen=True)
class Threshold:
    """A table cell rule: `op` one of =, contains, >, >=, <, <= against `value`."""

    column: str
    op: str
    value: float | str
    color: str
    label: str = ""


@dataclass(frozen=True)
class SectionView:
    """A titled group of panels; panels name it by index (`PanelView.section`)."""

    title: str
    description: str = ""
    page_break: bool = False


@dataclass
class PanelView:
    """One panel as the template sees it.

    `type` is one of: single_value, line, area, column, bar, pie, table, messages, text.
    `width` is in grid columns (1-12), `height` in grid rows (None: fit the content).
    `result` is None when the panel failed (`error` then says why) and for text panels (`text`
    holds their Markdown). `window_label` is set when the panel overrides the dashboard's time
    range. `section` indexes `ReportView.sections` (-1: before the first section).
    """

    id: str
    title: str
    type: str
    query: str
    width: int = 6
    description: str = ""
    unit: str = ""
    bands: list[Band] = field(default_factory=list)
    stacked: bool = False
    x_title: str = ""
    y_title: str = ""
    result: Result | None = None
    error: str | None = None
    window_label: str = ""
    elapsed_ms: float = 0.0
    section: int = -1
    height: int | None = None
    page_break: bool = False
    text: str = ""
    color_mode: str = "background"
    no_data: str = "No data"
    sparkline: bool = True
    legend: bool | None = None
    value_labels: bool | None = None
    thresholds: list[Threshold] = field(default_factory=list)
    number_format: dict[str, str] = field(default_factory=dict)
    # Series or category value -> theme colour name or hex (render/colors.py).
    series_colors: dict[str, str] = field(default_factory=dict)


@dataclass
class ReportView:
    """The whole report: header, panels in order, and provenance for the footer.

    `page_size` (A4 | Letter) and `page_orientation` (portrait | landscape) are for the PDF.
    `snapshot_files` lists (file name, format, records) of every input file."""

    title: str
    description: str
    window_label: str
    tz: str
    at: datetime
    panels: list[PanelView]
    version: str
    theme: str = "default"
    snapshot_label: str = ""
    rows_ingested: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    sections: list[SectionView] = field(default_factory=list)
    page_size: str = "A4"
    page_orientation: str = "portrait"
    snapshot_digest: str = ""
    snapshot_files: list[tuple[str, str, int]] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    # Restricted to a team's scope: nothing about other data (file names...) may appear.
    scoped: bool = False
    # Said in the header: an empty snapshot, a time range without messages (reportgen.quiet).
    notices: list[str] = field(default_factory=list)
