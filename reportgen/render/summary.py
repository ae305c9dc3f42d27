"""Text alternatives for charts, generated from the data: what the chart shows, its range, the
extremes and the latest values. Read by screen readers and shown when charts cannot draw."""

from __future__ import annotations

from reportgen.engine.result import Result
from reportgen.render.formatting import format_number, format_time
from reportgen.render.shapes import ChartShape

_KIND = {
    "line": "Line chart",
    "area": "Area chart",
    "column": "Column chart",
    "bar": "Bar chart",
    "pie": "Pie chart",
}
_MAX_NAMES = 8


def chart_summary(
    panel_type: str, stacked: bool, result: Result, shape: ChartShape, tz: str
) -> str:
    """One paragraph describing a chart panel's data."""
    kind = _KIND.get(panel_type, "Chart")
    if stacked and len(shape.series) > 1:
        kind = "Stacked " + kind[0].lower() + kind[1:]
    names = [c.name for c in shape.series]
    what = names[0] if len(names) == 1 else f"{len(names)} series ({_list(names)})"
    x_index = result.columns.index(shape.x)
    indexes = [result.columns.index(c) for c in shape.series]
    values = [
        (row[x_index], name, row[i])
        for row in result.rows
        for name, i in zip(names, indexes, strict=True)
        if isinstance(row[i], int | float) and not isinstance(row[i], bool)
    ]
    if not result.rows:
        return f"{kind} of {what}: no data."
    if shape.temporal:
        times = sorted(r[x_index] for r in result.rows if isinstance(r[x_index], int | float))
        parts = [f"{kind} of {what} over time"]
        if times:
            start, end = format_time(int(times[0]), tz), format_time(int(times[-1]), tz)
            parts[0] += f", {len(set(times))} time points from {start} to {end} ({tz})"
    else:
        categories = {row[x_index] for row in result.rows}
        parts = [f"{kind} of {what} by {shape.x.name}, {len(categories)} categories"]
    if not values:
        return parts[0] + "; every value is empty."
    low = min(values, key=lambda v: v[2])
    high = max(values, key=lambda v: v[2])
    parts.append(f"minimum {_point(low, shape, tz, len(names))}")
    parts.append(f"maximum {_point(high, shape, tz, len(names))}")
    if shape.temporal:
        parts.append(_latest(result, shape, names, indexes, tz))
    return "; ".join(parts) + "."


def _point(item: tuple[object, str, object], shape: ChartShape, tz: str, series: int) -> str:
    x, name, value = item
    assert isinstance(value, int | float)
    where = _x_text(x, shape, tz)
    who = f"{name}, " if series > 1 else ""
    return f"{format_number(value)} ({who}{where})"


def _latest(
    result: Result, shape: ChartShape, names: list[str], indexes: list[int], tz: str
) -> str:
    x_index = result.columns.index(shape.x)
    rows = [r for r in result.rows if isinstance(r[x_index], int | float)]
    if not rows:
        return "latest value unknown"
    last = max(rows, key=lambda r: r[x_index])
    values = [
        f"{name} {format_number(last[i])}" if len(names) > 1 else format_number(last[i])
        for name, i in zip(names, indexes, strict=True)
        if isinstance(last[i], int | float) and not isinstance(last[i], bool)
    ]
    shown = ", ".join(values[:_MAX_NAMES]) if values else "no value"
    if len(values) > _MAX_NAMES:
        shown += f" and {len(values) - _MAX_NAMES} more"
    return f"latest ({_x_text(last[x_index], shape, tz)}): {shown}"


def _x_text(x: object, shape: ChartShape, tz: str) -> str:
    if shape.temporal and isinstance(x, int | float) and not isinstance(x, bool):
        return format_time(int(x), tz)
    return "empty" if x is None else str(x)


def _list(names: list[str]) -> str:
    shown = ", ".join(names[:_MAX_NAMES])
    if len(names) > _MAX_NAMES:
        shown += f" and {len(names) - _MAX_NAMES} more"
    return shown
