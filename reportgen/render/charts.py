"""Chart panels -> Vega-Lite specs (built with Altair), with the panel's data inlined.

The wide result (`_timeslice, host-a, host-b` after a transpose) is inlined as is and folded to
long form inside the spec (`transform_fold`), so the spec's data equals the Result's rows and
nulls stay gaps. Time: in UTC the x values are the epoch milliseconds on a UTC scale; in any
other zone they are the report zone's wall-clock times as ISO strings, parsed as UTC, so the chart
shows the report zone's clock whatever the viewer's zone is.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final, Literal

import altair as alt

from reportgen.render.colors import color_scale, fixed_colors
from reportgen.render.context import PanelView
from reportgen.render.formatting import local_iso
from reportgen.render.pie import pie_chart
from reportgen.render.shapes import CHART_TYPES, ChartShape, bucket_width, chart_shape
from reportgen.render.theme import Theme

SERIES = "__series"
VALUE = "__value"
END = "__end"
ISO_PARSE = "utc:'%Y-%m-%dT%H:%M:%S.%L'"
TOOLTIP_TIME: Final = "utcyearmonthdatehoursminutesseconds"

__all__ = ["chart_spec", "field_ref"]


def field_ref(name: str) -> str:
    """`name` as a Vega-Lite field reference: dots, brackets, quotes and backslashes escaped,
    so a host called `web.example.com` or `a[0]` is one field, not a path."""
    return "".join("\\" + ch if ch in "\\.[]'\"" else ch for ch in name)


def chart_spec(panel: PanelView, theme: Theme, tz: str = "UTC") -> dict[str, Any] | None:
    """The Vega-Lite spec of a chart panel (None for other panel types, failed panels, or panels
    without a result). Raises RenderError when the result does not fit the chart type."""
    if panel.type not in CHART_TYPES or panel.result is None or panel.error:
        return None
    shape = chart_shape(panel.result, panel.type)
    records, data_format = _records(panel, shape, tz)
    names = [column.name for column in shape.series]
    data = alt.InlineData(values=records)
    if data_format:
        data = alt.InlineData(values=records, format=data_format)
    if panel.type == "pie":
        return _finish(pie_chart(panel, shape, data, theme), theme)
    width = bucket_width(_x_millis(panel, shape)) if shape.temporal else None
    bars = panel.type in ("column", "bar")
    gaps = any(value is None for record in records for value in record.values())
    labels = bars and show_value_labels(panel, shape, len(records))
    mark = _mark(alt.Chart() if labels else alt.Chart(data), panel, len(records), gaps)
    chart: alt.Chart | alt.LayerChart = mark
    if labels:
        chart = alt.LayerChart(layer=[mark, _labels(panel)], data=data)
    chart = chart.transform_fold([field_ref(n) for n in names], as_=[SERIES, VALUE])
    if bars and width:
        x_expr = f"time(datum[{json.dumps(shape.x.name)}]) + {width}"
        chart = chart.transform_calculate(**{END: x_expr})
    channels = _encodings(panel, shape, names, tz, bool(bars and width))
    _fix_colors(channels, panel, shape, names, theme)
    chart = chart.encode(**channels)
    return _finish(chart, theme)


def _fix_colors(
    channels: dict[str, Any], panel: PanelView, shape: ChartShape, names: list[str], theme: Theme
) -> None:
    """Apply `series_colors`: to the series of a multi-series chart, else to the categories of a
    one-series column/bar chart (bars coloured by category, the axis names them), else to the
    one series' mark."""
    if not panel.series_colors:
        return
    if len(names) > 1:
        scale = color_scale(names, panel.series_colors, theme)
        if scale is not None:
            channels["color"]["scale"] = alt.Scale(domain=scale[0], range=scale[1])
        return
    if panel.type in ("column", "bar") and not shape.temporal:
        scale = color_scale(_categories(panel, shape), panel.series_colors, theme)
        if scale is not None:
            channels["color"] = alt.Color(
                field=field_ref(shape.x.name),
                type="nominal",
                scale=alt.Scale(domain=scale[0], range=scale[1]),
                legend=None,
            )
            return
    fixed = fixed_colors(names, panel.series_colors, theme)
    if names and names[0] in fixed:
        channels["color"] = alt.ColorValue(fixed[names[0]])


def _categories(panel: PanelView, shape: ChartShape) -> list[str]:
    """The distinct values of the category column, in result order."""
    assert panel.result is not None
    index = panel.result.columns.index(shape.x)
    seen: dict[str, None] = {}
    for row in panel.result.rows:
        if row[index] is not None:
            seen.setdefault(str(row[index]), None)
    return list(seen)


def show_value_labels(panel: PanelView, shape: ChartShape, rows: int) -> bool:
    """Value labels help on few bars of one series by category; `value_labels` overrides."""
    if panel.value_labels is not None:
        return panel.value_labels
    return not shape.temporal and len(shape.series) == 1 and rows <= 12 and not panel.stacked


def _labels(panel: PanelView) -> alt.Chart:
    horizontal = panel.type == "bar"
    text = alt.Text(field=VALUE, type="quantitative", format=",")
    labels: alt.Chart
    if horizontal:
        labels = alt.Chart().mark_text(align="left", dx=3, baseline="middle").encode(text=text)
    else:
        labels = alt.Chart().mark_text(align="center", dy=-4, baseline="bottom").encode(text=text)
    return labels


def _finish(chart: alt.Chart | alt.LayerChart, theme: Theme) -> dict[str, Any]:
    chart = chart.properties(width="container", height=theme.chart_height)
    spec: dict[str, Any] = chart.to_dict(validate=False)
    _inline_datasets(spec)
    spec["autosize"] = {"type": "fit", "contains": "padding"}
    spec["config"] = _merge(spec.get("config", {}), theme.vega_config)
    return spec


def _x_millis(panel: PanelView, shape: ChartShape) -> list[int]:
    assert panel.result is not None
    index = panel.result.columns.index(shape.x)
    return [int(row[index]) for row in panel.result.rows if isinstance(row[index], int | float)]


def _records(
    panel: PanelView, shape: ChartShape, tz: str
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The rows as `{x: ..., series...: ...}` dicts, and the data format (parse) they need."""
    assert panel.result is not None
    columns = panel.result.columns
    x_index = columns.index(shape.x)
    series = [(c.name, columns.index(c)) for c in shape.series]
    local = shape.temporal and tz != "UTC"
    records = []
    for row in panel.result.rows:
        x = row[x_index]
        if local and isinstance(x, int | float):
            x = local_iso(int(x), tz)
        record = {shape.x.name: x}
        record.update({name: _finite(row[i]) for name, i in series})
        records.append(record)
    data_format = {"parse": {field_ref(shape.x.name): ISO_PARSE}} if local else None
    return records, data_format


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _mark(chart: alt.Chart, panel: PanelView, points: int, gaps: bool) -> alt.Chart:
    # Nulls break lines and areas instead of being joined over (a gap is a gap); with gaps, points
    # keep isolated values visible.
    marked: alt.Chart
    if panel.type == "line":
        marked = chart.mark_line(point=points <= 60 or gaps, invalid="break-paths-show-domains")
    elif panel.type == "area":
        opacity = 0.85 if panel.stacked else 0.45
        marked = chart.mark_area(
            line=not panel.stacked, opacity=opacity, invalid="break-paths-show-domains"
        )
    else:
        orient: Literal["horizontal", "vertical"] = (
            "horizontal" if panel.type == "bar" else "vertical"
        )
        marked = chart.mark_bar(orient=orient, opacity=1.0 if panel.stacked else 0.8)
    return marked


def _encodings(
    panel: PanelView, shape: ChartShape, names: list[str], tz: str, spans: bool
) -> dict[str, Any]:
    """The x/y/colour/tooltip channels; `spans`: bars cover their whole timeslice (x to x2)."""
    horizontal = panel.type == "bar"
    key_ref = field_ref(shape.x.name)
    key_title = panel.x_title or (f"Time ({tz})" if shape.temporal else shape.x.name)
    value_title = panel.y_title or (names[0] if len(names) == 1 else "value")
    stack: Literal["zero"] | None = "zero" if panel.stacked else None
    value = alt.Y if not horizontal else alt.X
    key = alt.X if not horizontal else alt.Y
    channels: dict[str, Any] = {}
    value_channel = "x" if horizontal else "y"
    channels[value_channel] = value(
        field=VALUE, type="quantitative", title=value_title, stack=stack
    )
    key_channel = "y" if horizontal else "x"
    tooltip: list[Any] = []
    if shape.temporal:
        scale = alt.Scale(type="utc")
        channels[key_channel] = key(field=key_ref, type="temporal", title=key_title, scale=scale)
        if spans:
            channels[key_channel + "2"] = alt.X2(field=END) if not horizontal else alt.Y2(field=END)
        tooltip.append(
            alt.Tooltip(field=key_ref, type="temporal", timeUnit=TOOLTIP_TIME, title=key_title)
        )
    else:
        kind: Literal["nominal", "ordinal"] = (
            "nominal" if panel.type in ("column", "bar") else "ordinal"
        )
        axis = _category_axis(panel, shape)
        channels[key_channel] = key(field=key_ref, type=kind, title=key_title, sort=None, axis=axis)
        tooltip.append(alt.Tooltip(field=key_ref, type="nominal", title=key_title))
    if len(names) > 1:
        palette = alt.Scale(domain=names)
        legend: dict[str, Any] = {} if panel.legend is not False else {"legend": None}
        channels["color"] = alt.Color(
            field=SERIES, type="nominal", title=None, scale=palette, **legend
        )
        tooltip.append(alt.Tooltip(field=SERIES, type="nominal", title="series"))
        if not panel.stacked and not shape.temporal and panel.type in ("column", "bar"):
            offset = alt.YOffset if horizontal else alt.XOffset
            channels["yOffset" if horizontal else "xOffset"] = offset(
                field=SERIES, type="nominal", scale=alt.Scale(domain=names)
            )
    tooltip.append(alt.Tooltip(field=VALUE, type="quantitative", title=value_title))
    channels["tooltip"] = tooltip
    return channels


def _category_axis(panel: PanelView, shape: ChartShape) -> alt.Axis:
    """Category labels: level when short and few, else slanted; long ones are truncated."""
    assert panel.result is not None
    index = panel.result.columns.index(shape.x)
    labels = {str(row[index]) for row in panel.result.rows}
    if panel.type == "bar":
        return alt.Axis(labelLimit=160)
    short = len(labels) <= 12 and max((len(label) for label in labels), default=0) <= 10
    return alt.Axis(labelLimit=120, labelAngle=0 if short else -35)


def _inline_datasets(spec: dict[str, Any]) -> None:
    """Altair moves inline values to top-level `datasets`; put them back under `data.values`."""
    datasets = spec.pop("datasets", {})
    data = spec.get("data", {})
    name = data.get("name")
    if name in datasets:
        inlined: dict[str, Any] = {"values": datasets[name]}
        if "format" in data:
            inlined["format"] = data["format"]
        spec["data"] = inlined


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
