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


@dataclass
class PanelView:
    """One panel as the template sees it.

    `type` is one of: single_value, line, area, column, bar, table, messages.
    `width` is in grid columns (1-12). `result` is None when the panel failed; `error` then says
    why. `window_label` is set when the panel overrides the dashboard's time range.
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


@dataclass
class ReportView:
    """The whole report: header, panels in order, and provenance for the footer."""

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
