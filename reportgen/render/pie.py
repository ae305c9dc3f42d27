"""Pie (donut) charts: one slice per category row, the first numeric column as the size."""

from __future__ import annotations

from typing import Any

import altair as alt

from reportgen.render.colors import color_scale
from reportgen.render.context import PanelView
from reportgen.render.shapes import ChartShape
from reportgen.render.theme import Theme

MAX_LABELLED = 8


def field_ref(name: str) -> str:
    """`name` escaped as a Vega-Lite field reference (see charts.field_ref)."""
    return "".join("\\" + ch if ch in "\\.[]'\"" else ch for ch in name)


def pie_chart(
    panel: PanelView, shape: ChartShape, data: alt.InlineData, theme: Theme
) -> alt.LayerChart | alt.Chart:
    """A donut in result order (Sumo keeps the query's order); each slice's value is printed
    outside it when there are few slices (or `value_labels: true`)."""
    assert panel.result is not None
    category = field_ref(shape.x.name)
    value = field_ref(shape.series[0].name)
    rows = len(panel.result.rows)
    radius = max(40, theme.chart_height // 2 - 34)
    legend: dict[str, Any] = {} if panel.legend is not False else {"legend": None}
    category_title = panel.x_title or shape.x.name
    value_title = panel.y_title or shape.series[0].name
    index = panel.result.columns.index(shape.x)
    categories = list(dict.fromkeys(str(row[index]) for row in panel.result.rows))
    fixed = color_scale(categories, panel.series_colors, theme)
    scale: dict[str, Any] = {}
    if fixed is not None:
        scale["scale"] = alt.Scale(domain=fixed[0], range=fixed[1])
    base = (
        alt.Chart(data)
        .encode(
            theta=alt.Theta(field=value, type="quantitative", stack=True),
            order=alt.Order(field="__order", type="quantitative"),
            color=alt.Color(
                field=category,
                type="nominal",
                title=category_title,
                sort=None,
                **legend,
                **scale,
            ),
            tooltip=[
                alt.Tooltip(field=category, type="nominal", title=category_title),
                alt.Tooltip(field=value, type="quantitative", title=value_title),
            ],
        )
        .transform_window(__order="row_number()")
    )
    arcs: alt.Chart = base.mark_arc(innerRadius=radius // 2, outerRadius=radius, stroke=None)
    show = panel.value_labels if panel.value_labels is not None else rows <= MAX_LABELLED
    if not show:
        return arcs
    labels = base.mark_text(radius=radius + 14).encode(
        text=alt.Text(field=value, type="quantitative", format=","),
        color=alt.ColorValue(theme.colors.get("text", "#000000")),
    )
    return alt.LayerChart(layer=[arcs, labels])
