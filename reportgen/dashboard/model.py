"""The dashboard file format, as typed models. Field descriptions double as documentation: they
are the descriptions of `reportgen schema`'s JSON Schema, which editors show on hover."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

PanelType = Literal[
    "single_value", "area", "line", "column", "bar", "pie", "table", "messages", "text"
]
PANEL_TYPES: tuple[str, ...] = get_args(PanelType)
BAND_COLORS = ("green", "orange", "red", "grey")
# Colour names a panel's `series_colors` may use; every theme defines each (theme.yaml `named`).
NAMED_COLORS = ("red", "orange", "yellow", "green", "blue", "purple", "grey")
Comparator = Literal["=", "contains", ">", ">=", "<", "<="]
COMPARATORS: tuple[str, ...] = get_args(Comparator)
NumberFormat = Literal["plain", "si", "thousands", "percent"]
KeyPathT = tuple[str | int, ...]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _iso(value: Any) -> Any:
    # YAML reads an unquoted 2026-11-20 (or 2026-11-20 10:00:00Z) as a date: keep it ISO text.
    return value.isoformat() if isinstance(value, date) else value


IsoText = Annotated[str, BeforeValidator(_iso)]


class AbsoluteRange(_Strict):
    """A fixed time range; times without an offset are read in the dashboard's time zone."""

    start: IsoText = Field(alias="from", description="Start, ISO 8601 (2026-11-20T10:00Z)")
    end: IsoText = Field(alias="to", description="End (exclusive), ISO 8601")


TimeRange = str | AbsoluteRange


class BandSpec(_Strict):
    """A single-value colour band; bounds are inclusive, an omitted bound is open."""

    low: float | None = Field(None, alias="from", description="Lowest value in the band")
    high: float | None = Field(None, alias="to", description="Highest value in the band")
    color: Literal["green", "orange", "red", "grey"] = Field(
        description="Band colour (the theme maps it to an accessible shade)"
    )
    label: str = Field("", description="Text shown with the colour, e.g. 'high'")
    fail: bool = Field(
        False, description="A value in this band fails the run with --fail-on red (exit 3)"
    )
    alert: bool = Field(
        False, description="A value in this band fires an alert (--alertmanager, --webhook...)"
    )


class ThresholdSpec(_Strict):
    """A table cell rule: cells of `column` whose value compares true get the colour (and the
    label as a tooltip and as hidden text, so colour is never the only signal)."""

    column: str = Field(min_length=1, description="Column the rule applies to")
    op: Comparator = Field(description="Comparator: =, contains, >, >=, <, <=")
    value: float | str = Field(description="Value compared with (a number for >, >=, <, <=)")
    color: Literal["green", "orange", "red", "grey"] = Field(description="Cell background")
    label: str = Field("", description="What the colour means, e.g. 'critical'")
    alert: bool = Field(False, description="A cell matching this rule fires the panel's alert")


class AlertSpec(_Strict):
    """When a panel alerts, besides the bands and rules marked `alert: true`."""

    band: str = Field(
        min_length=1,
        description="A band (single value) or cell rule (table) colour or label that alerts, "
        "e.g. red",
    )


Labels = dict[str, str]


class VariableSpec(_Strict):
    """A template variable: `{{name}}` in queries is replaced by its value before parsing."""

    default: str = Field(description="Value used when --var does not set it ('*' for all)")
    values: list[str] = Field(
        default_factory=list, description="Allowed values (any value when empty)"
    )
    description: str = Field("", description="What the variable selects")


class PageSpec(_Strict):
    """Page options of the PDF output."""

    size: Literal["A4", "Letter"] = Field("A4", description="Paper size")
    orientation: Literal["portrait", "landscape"] = Field(
        "portrait", description="Page orientation"
    )


class PanelSpec(_Strict):
    """One panel: a query and how to show its result (or Markdown text for type `text`)."""

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Stable identifier (lower-case letters, digits, '-', '_')",
    )
    title: str = Field(min_length=1, description="Heading of the panel")
    type: PanelType = Field(description="How to show the result")
    query: str = Field("", description="Sumo Logic-style query (not for text panels)")
    text: str = Field("", description="Markdown of a text panel")
    description: str = Field("", description="Text under the title")
    time_range: TimeRange | None = Field(
        None, description="Overrides the dashboard's range: -24h (relative to --at) or {from, to}"
    )
    width: int = Field(6, ge=1, le=12, description="Width in grid columns out of 12")
    height: int | None = Field(
        None, ge=1, le=12, description="Height in grid rows of 100px (default: fit the content)"
    )
    page_break: bool = Field(False, description="Start a new page before this panel (print/PDF)")
    unit: str = Field("", max_length=6, description="Unit shown after a single value")
    bands: list[BandSpec] = Field(
        default_factory=list, description="Single value colours; the first matching band wins"
    )
    color_mode: Literal["background", "text"] = Field(
        "background", description="Single value: colour the background or the text"
    )
    no_data: str = Field(
        "No data", max_length=12, description="Single value: text shown when there is no value"
    )
    sparkline: bool = Field(
        True, description="Single value: draw a sparkline when the result has a _timeslice"
    )
    stacked: bool = Field(False, description="Stack the series of an area/column/bar chart")
    legend: bool | None = Field(
        None, description="Show the legend (default: when there is more than one series)"
    )
    value_labels: bool | None = Field(
        None, description="Print values on bars and slices (default: for up to 12 categories)"
    )
    x_title: str = Field("", description="Axis title for x")
    y_title: str = Field("", description="Axis title for y")
    thresholds: list[ThresholdSpec] = Field(
        default_factory=list, max_length=10, description="Table cell rules; the first match wins"
    )
    number_format: dict[str, NumberFormat] = Field(
        default_factory=dict,
        description="Table: per-column number format (plain, si, thousands, percent)",
    )
    series_colors: dict[str, str] = Field(
        default_factory=dict,
        description="Chart: a fixed colour per series or category value (a theme colour name: "
        + ", ".join(NAMED_COLORS)
        + "; or #rrggbb), e.g. {critical: red, low: blue}",
    )
    alert: AlertSpec | None = Field(
        None, description="Alert when the value (or a cell) lands in this band, e.g. {band: red}"
    )
    labels: Labels = Field(
        default_factory=dict,
        description="Alert labels of this panel (added to the dashboard's), e.g. {severity: page}",
    )
    annotations: Labels = Field(
        default_factory=dict,
        description="Alert annotations of this panel (added to the dashboard's), e.g. runbook_url",
    )


class SectionSpec(_Strict):
    """A titled group of panels (a heading in the report, a bookmark in the PDF)."""

    title: str = Field(min_length=1, description="Heading of the section")
    description: str = Field("", description="Markdown under the heading")
    page_break: bool = Field(False, description="Start the section on a new page (print/PDF)")
    panels: list[PanelSpec] = Field(min_length=1, description="Panels of the section")


class DeliverySpec(_Strict):
    """Who receives the report by mail (`reportgen mail`); options override it."""

    to: list[str] = Field(default_factory=list, description="Recipient addresses")
    cc: list[str] = Field(default_factory=list, description="Copy recipients")
    subject: str = Field("", description="Subject; default: the title and the run date")
    attach_csv: bool = Field(False, description="Attach every panel's result as CSV")


class DashboardSpec(_Strict):
    """A dashboard file."""

    title: str = Field(min_length=1, description="Title of the report")
    description: str = Field("", description="Markdown shown under the title")
    time_range: TimeRange = Field(
        "all",
        description="Range of every panel: -24h, -7d, today, yesterday, all (default), "
        "or {from: ISO, to: ISO}",
    )
    timezone: str = Field("UTC", description="Zone of the report (overridden by --tz)")
    theme: str = Field("default", description="Theme name (overridden by --theme)")
    page: PageSpec = Field(
        PageSpec(size="A4", orientation="portrait"), description="PDF page options"
    )
    variables: dict[str, VariableSpec] = Field(
        default_factory=dict, description="Template variables, by name (letters, digits, _)"
    )
    panels: list[PanelSpec] = Field(
        default_factory=list, description="Panels before the first section, in reading order"
    )
    sections: list[SectionSpec] = Field(
        default_factory=list, description="Titled groups of panels, after `panels`"
    )
    delivery: DeliverySpec | None = Field(None, description="Mail delivery defaults")
    labels: Labels = Field(
        default_factory=dict, description="Alert labels of every panel, e.g. {team: secops}"
    )
    annotations: Labels = Field(
        default_factory=dict, description="Alert annotations of every panel"
    )

    def every_panel(self) -> Iterator[tuple[KeyPathT, int, PanelSpec]]:
        """Each panel in reading order with its key path and its section (-1: none)."""
        for index, panel in enumerate(self.panels):
            yield ("panels", index), -1, panel
        for number, section in enumerate(self.sections):
            for index, panel in enumerate(section.panels):
                yield ("sections", number, "panels", index), number, panel
