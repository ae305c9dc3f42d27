"""The dashboard file format, as typed models. Field descriptions double as documentation."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

PanelType = Literal["single_value", "area", "line", "column", "bar", "table", "messages"]
PANEL_TYPES: tuple[str, ...] = get_args(PanelType)
BAND_COLORS = ("green", "orange", "red", "grey")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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


class PanelSpec(_Strict):
    """One panel: a query and how to show its result."""

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        description="Stable identifier (lower-case letters, digits, '-', '_')",
    )
    title: str = Field(min_length=1, description="Heading of the panel")
    type: PanelType = Field(description="How to show the result")
    query: str = Field(min_length=1, description="Sumo Logic-style query")
    description: str = Field("", description="Text under the title")
    time_range: str | None = Field(
        None, description="Overrides the dashboard's range, e.g. -24h (relative to --at)"
    )
    width: int = Field(6, ge=1, le=12, description="Width in grid columns out of 12")
    unit: str = Field("", max_length=6, description="Unit shown after a single value")
    bands: list[BandSpec] = Field(
        default_factory=list, description="Single value colours; the first matching band wins"
    )
    stacked: bool = Field(False, description="Stack the series of an area/column/bar chart")
    x_title: str = Field("", description="Axis title for x")
    y_title: str = Field("", description="Axis title for y")


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
    time_range: str = Field(
        "all", description="Range of every panel: -24h, -7d, today, yesterday, all (default)"
    )
    timezone: str = Field("UTC", description="Zone of the report (overridden by --tz)")
    panels: list[PanelSpec] = Field(min_length=1, description="Panels, in reading order")
    delivery: DeliverySpec | None = Field(None, description="Mail delivery defaults")
