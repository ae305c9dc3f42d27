"""Which columns of a Result a panel reads (spec §10 data contracts), or why it cannot.

Time series: a time column (`_timeslice` preferred) is x, every numeric column is a series.
Categorical: the first string column is the category, numeric columns are the values.
Pie: a text category column and the first numeric column (one value per slice).
Single value: the first row's first numeric column (else its first boolean column); when the
result has a time column (`| timeslice`), the row of the latest time, so the value is the latest
slice whatever the sort, and the earlier slices give the sparkline and the change.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from reportgen.engine.result import Column, Result
from reportgen.errors import RenderError

CHART_TYPES = ("line", "area", "column", "bar", "pie")
TABLE_TYPES = ("table", "messages")
PANEL_TYPES = ("single_value", *CHART_TYPES, *TABLE_TYPES, "text")


@dataclass(frozen=True)
class ChartShape:
    """The columns a chart uses: `x` is the time or category column, `series` the numeric ones."""

    x: Column
    series: list[Column]

    @property
    def temporal(self) -> bool:
        return self.x.type == "time"


@dataclass(frozen=True)
class SingleValue:
    """The value a single-value panel shows; `column` is None when the result has no rows."""

    value: Any
    column: Column | None
    history: list[tuple[int, float | None]] = field(default_factory=list)

    @property
    def previous(self) -> float | None:
        """The value of the slice before the latest (None without one)."""
        return self.history[-2][1] if len(self.history) >= 2 else None


def describe_columns(result: Result) -> str:
    if not result.columns:
        return "no columns"
    return ", ".join(f"{c.name} ({c.type})" for c in result.columns)


def _require_aggregate(result: Result, what: str) -> None:
    # As in Sumo, only aggregated results are charted: a message list has numeric metadata
    # (`_size`) that would otherwise be charted or shown as a value.
    if result.kind == "messages":
        raise RenderError(
            f"{what} needs an aggregate query (e.g. `| count` or `| count by _timeslice`); "
            "this query returns messages: use type messages or add an aggregation"
        )


def chart_shape(result: Result, panel_type: str) -> ChartShape:
    """The x column and series of a chart panel; RenderError saying what was expected."""
    _require_aggregate(result, f"a {panel_type} chart")
    series = [c for c in result.columns if c.type == "number"]
    times = [c for c in result.columns if c.type == "time"]
    x: Column | None = None
    if panel_type == "pie":
        x = next((c for c in result.columns if c.type == "string"), None)
        if x is None or not series:
            raise RenderError(
                "a pie chart needs a text category column and a numeric column "
                f"(e.g. `count by severity`); got {describe_columns(result)}"
            )
        return ChartShape(x=x, series=series[:1])
    if times:
        x = next((c for c in times if c.name.lower() == "_timeslice"), times[0])
    else:
        x = next((c for c in result.columns if c.type == "string"), None)
    if x is None or not series:
        raise RenderError(
            f"a {panel_type} chart needs a time column (_timeslice) or a text category column, "
            f"and at least one numeric column; got {describe_columns(result)}"
        )
    return ChartShape(x=x, series=series)


def single_value(result: Result) -> SingleValue:
    """The first row's first numeric (else boolean) value; RenderError when there is none."""
    _require_aggregate(result, "a single value panel")
    if not result.rows:
        # A quiet range: an empty aggregate may lack the columns its data would have made
        # (`transpose` makes one per value), and shows the panel's no-data text all the same.
        return SingleValue(value=None, column=None)
    column = next((c for c in result.columns if c.type == "number"), None)
    if column is None:
        column = next((c for c in result.columns if c.type == "bool"), None)
    if column is None:
        raise RenderError(
            "a single value panel needs a numeric column (e.g. `count`); "
            f"got {describe_columns(result)}"
        )
    if not result.rows:
        return SingleValue(value=None, column=None)
    index = result.columns.index(column)
    time = next((c for c in result.columns if c.name.lower() == "_timeslice"), None)
    if time is None or column.type != "number":
        return SingleValue(value=result.rows[0][index], column=column)
    at = result.columns.index(time)
    history = sorted(
        (int(row[at]), _number(row[index])) for row in result.rows if isinstance(row[at], int)
    )
    if not history:
        return SingleValue(value=result.rows[0][index], column=column)
    return SingleValue(value=history[-1][1], column=column, history=history)


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return None


def check_shape(panel_type: str, result: Result) -> None:
    """Raise RenderError, saying what shape was expected, when `result` cannot be shown as a
    `panel_type` panel. An empty aggregate fits every chart: it is drawn as an empty chart."""
    if panel_type == "single_value":
        single_value(result)
    elif panel_type in CHART_TYPES:
        if not result.rows:
            _require_aggregate(result, f"a {panel_type} chart")
            return
        chart_shape(result, panel_type)


def bucket_width(times: list[int]) -> int | None:
    """The smallest gap between distinct times (the timeslice width), None with under 2 times."""
    distinct = sorted(set(times))
    gaps = [b - a for a, b in itertools.pairwise(distinct)]
    return min(gaps) if gaps else None
