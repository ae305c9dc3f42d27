"""The history chart of one single value across runs: inline SVG drawn here (no script, so the
site keeps `script-src 'none'`), with a value axis, a date axis, the panel's bands as coloured
stripes behind the line, and a point per run whose `<title>` is its tooltip.

Colours come from CSS classes (site.css), so the chart follows the theme and the reader's
light or dark preference. Only numbers, dates and escaped text go into the markup.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from reportgen.alerts.rules import number_text

WIDTH, HEIGHT = 640, 240
LEFT, TOP, BOTTOM = 56, 14, 34
RIGHT, RIGHT_LABELS = 20, 80  # the band labels stand right of the plot
BAND_COLORS = ("green", "orange", "red", "grey")
_Scale = Callable[[float], float]
_DayScale = Callable[[date], float]


@dataclass(frozen=True)
class Point:
    """One run: its date, value (None: no value) and band (colour and label, or empty)."""

    day: date
    value: float | None
    band_color: str = ""
    band_label: str = ""


@dataclass(frozen=True)
class BandRange:
    low: float | None
    high: float | None
    color: str
    label: str


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten apart) covering [low, high]."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def trend_chart(points: Sequence[Point], bands: Sequence[BandRange], title: str) -> Markup:
    """The chart of `points` (oldest first) over `bands`; `title` names it for screen readers."""
    values = [p.value for p in points if p.value is not None]
    if not values:
        return Markup("")
    # Bands starting a little above the values still show, so a reader sees how near they are.
    top = max(values)
    near = [b.low for b in bands if b.low is not None and b.low <= max(top, 1.0) * 4]
    ticks = nice_ticks(min([0.0, *values]), max([top, *near]))
    low, high = ticks[0], ticks[-1]
    right = RIGHT_LABELS if bands else RIGHT
    plot_w, plot_h = WIDTH - LEFT - right, HEIGHT - TOP - BOTTOM
    first, last = points[0].day.toordinal(), points[-1].day.toordinal()

    def x(day: date) -> float:
        if last == first:
            return LEFT + plot_w / 2
        return round(LEFT + (day.toordinal() - first) / (last - first) * plot_w, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - (value - low) / (high - low) * plot_h, 1)

    parts = [_bands(bands, low, high, y, LEFT + plot_w)]
    for tick in ticks:
        parts.append(
            f'<g class="tick"><line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick)}" '
            f'y2="{y(tick)}"/><text x="{LEFT - 8}" y="{y(tick)}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(number_text(tick))}</text></g>'
        )
    parts.append(_dates(points, x, TOP + plot_h, LEFT + plot_w))
    parts.append(_line(points, x, y))
    summary = ", ".join(
        f"{p.day.isoformat()}: {'no value' if p.value is None else number_text(p.value)}"
        for p in points
    )
    return Markup(
        f'<svg class="trend-chart" role="img" aria-label="{escape(title)}: {escape(summary)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="xMidYMid meet">'
        + "".join(parts)
        + "</svg>"
    )


def _bands(bands: Sequence[BandRange], low: float, high: float, y: _Scale, end: float) -> str:
    """A stripe per band inside the value axis; integer bands (1-30, 31-70) meet without gaps."""
    ordered = sorted(bands, key=lambda b: -math.inf if b.low is None else b.low)
    stripes = []
    for index, band in enumerate(ordered):
        bottom = low if band.low is None else max(band.low, low)
        top = high if band.high is None else min(band.high, high)
        following = ordered[index + 1].low if index + 1 < len(ordered) else None
        if band.high is not None and following is not None and 0 < following - band.high <= 1:
            top = min(following, high)
        if top <= bottom or band.color not in BAND_COLORS:
            continue
        y_top, y_bottom = y(top), y(bottom)
        label = escape(band.label or band.color)
        stripes.append(
            f'<g class="band band-{band.color}"><rect x="{LEFT}" y="{y_top}" '
            f'width="{end - LEFT}" height="{round(y_bottom - y_top, 1)}"/>'
            f'<text x="{end + 6}" y="{round((y_top + y_bottom) / 2, 1)}" '
            f'dominant-baseline="middle">{label}</text></g>'
        )
    return "".join(stripes)


def _dates(points: Sequence[Point], x: _DayScale, baseline: float, end: float) -> str:
    """Date labels, thinned to at most 8, always with the first and the last run."""
    every = max(1, math.ceil(len(points) / 8))
    shown = [p for i, p in enumerate(points) if i % every == 0 or i == len(points) - 1]
    labels = []
    for index, point in enumerate(shown):
        # The ends align inside the plot; every other label is `minor` (a phone hides those).
        anchor = "start" if index == 0 else "end" if index == len(shown) - 1 else "middle"
        minor = ' class="minor"' if 0 < index < len(shown) - 1 and index % 2 else ""
        labels.append(
            f'<text{minor} x="{x(point.day)}" y="{baseline + 20}" text-anchor="{anchor}">'
            f"{point.day.strftime('%b')} {point.day.day}</text>"
        )
    axis = f'<line class="axis" x1="{LEFT}" x2="{end}" y1="{baseline}" y2="{baseline}"/>'
    return f'<g class="dates">{axis}{"".join(labels)}</g>'


def _line(points: Sequence[Point], x: _DayScale, y: _Scale) -> str:
    segments: list[list[str]] = [[]]
    dots = []
    for point in points:
        if point.value is None:
            segments.append([])
            continue
        px, py = x(point.day), y(point.value)
        segments[-1].append(f"{px},{py}")
        band = point.band_color if point.band_color in BAND_COLORS else "none"
        text = f"{point.day.isoformat()}: {number_text(point.value)}"
        if point.band_label:
            text += f" ({point.band_label})"
        dots.append(
            f'<circle class="dot dot-{band}" cx="{px}" cy="{py}" r="4.5">'
            f"<title>{escape(text)}</title></circle>"
        )
    lines = "".join(
        f'<polyline class="line" points="{" ".join(s)}"/>' for s in segments if len(s) > 1
    )
    return lines + "".join(dots)
