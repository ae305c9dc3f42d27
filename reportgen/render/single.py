"""Single value panels (spec §10): the value with SI formatting, the colour band and its label,
the no-data text, and for a timesliced result a sparkline and the change against the previous
slice. The sparkline is inline SVG drawn here, so it needs no script and prints as is."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from reportgen.engine.result import Result
from reportgen.render.context import Band, PanelView
from reportgen.render.formatting import format_si, pick_band, slug
from reportgen.render.shapes import single_value
from reportgen.render.theme import BandStyle, Theme

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
SPARK_WIDTH, SPARK_HEIGHT = 120, 28
# The surface colour of the default theme's dark scheme (style.css, prefers-color-scheme).
DARK_SURFACE = "#1a212b"


@dataclass
class SingleValueModel:
    """What `_single_value.html` shows. `style` is the inline colour declaration (background
    and text, or text only in `color_mode: text`)."""

    value_text: str
    unit: str = ""
    band: Band | None = None
    band_name: str = "none"
    band_label: str = ""
    style: str = ""
    empty: bool = False
    sparkline: Markup = field(default_factory=Markup)
    change_text: str = ""
    change_dir: str = ""  # up | down | flat


def single_value_model(panel: PanelView, result: Result, theme: Theme) -> SingleValueModel:
    """The single value of `result` as `panel` wants it shown. Without a value the no-data text
    shows on grey, unless it is a number that falls into a band (as in Sumo)."""
    picked = single_value(result)
    value = picked.value
    if picked.column is None or value is None:
        model = SingleValueModel(value_text=panel.no_data, empty=True, band_name="grey")
        value = _as_number(panel.no_data)
        model.style = _style(theme.bands.get("grey"), panel.color_mode, theme)
    else:
        text = format_si(value) if isinstance(value, int | float) else str(value)
        model = SingleValueModel(value_text=text, unit=panel.unit)
        model.style = _style(theme.bands.get("none"), "background", theme)
    band = pick_band(value, panel.bands)
    if band is not None:
        model.band = band
        model.band_name = slug(band.color)
        model.band_label = band.label or band.color
        style = theme.bands.get(model.band_name) or custom_band(band.color)
        model.style = _style(style, panel.color_mode, theme)
    if model.empty:
        return model
    if panel.sparkline and len(picked.history) >= 2:
        model.sparkline = sparkline_svg(picked.history, panel.title)
    if picked.previous is not None and isinstance(value, int | float):
        model.change_text, model.change_dir = change_text(float(value), picked.previous)
    return model


def change_text(value: float, previous: float) -> tuple[str, str]:
    """`+12 (+25%) vs previous` and the direction; the percentage is left out from zero."""
    delta = value - previous
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    arrow = {"up": "▲", "down": "▼", "flat": "="}[direction]
    sign = "+" if delta > 0 else ""
    text = f"{arrow} {sign}{format_si(delta)}"
    if previous:
        text += f" ({sign}{format_si(delta / abs(previous) * 100)}%)"
    return text + " vs previous", direction


def sparkline_svg(history: list[tuple[int, float | None]], title: str) -> Markup:
    """A small inline SVG polyline of the slices, oldest left (nulls break the line)."""
    values = [v for _, v in history if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(1, len(history) - 1)
    segments: list[list[str]] = [[]]
    for index, (_, value) in enumerate(history):
        if value is None:
            segments.append([])
            continue
        x = round(index * step, 2)
        y = round(SPARK_HEIGHT - 2 - (value - low) / span * (SPARK_HEIGHT - 4), 2)
        segments[-1].append(f"{x:g},{y:g}")
    lines = "".join(
        f'<polyline points="{" ".join(points)}"/>' for points in segments if len(points) > 1
    )
    label = escape(
        f"Trend of {title}: {len(history)} slices, from {format_si(low)} to {format_si(high)}"
    )
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
        f'width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" role="img" aria-label="{label}" '
        f'preserveAspectRatio="none">{lines}</svg>'
    )


def _style(style: BandStyle | None, mode: str, theme: Theme) -> str:
    if style is None:
        return ""
    if mode == "text":
        surface = theme.colors.get("surface", "#ffffff")
        light = readable_on(style.background, surface)
        dark = readable_on(style.background, DARK_SURFACE)
        return f"--sv-light: {light}; --sv-dark: {dark};"
    return f"background-color: {style.background}; color: {style.text};"


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def custom_band(color: str) -> BandStyle | None:
    """A band given as a hex colour: that background, with black or white text (whichever
    contrasts more). Anything else than a hex colour is ignored (no style injection)."""
    if not _HEX.match(color):
        return None
    luminance = _luminance(color)
    text = "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"
    return BandStyle(background=color, text=text)


def readable_on(color: str, surface: str) -> str:
    """`color` darkened (or lightened on a dark surface) until it reaches 4.5:1 on `surface`,
    so a coloured value stays readable text (WCAG AA)."""
    if not (_HEX.match(color) and _HEX.match(surface)):
        return color
    target = "#000000" if _luminance(surface) > 0.18 else "#ffffff"
    current = _hex6(color)
    for step in range(11):
        mixed = _mix(current, _hex6(target), step / 10)
        if _contrast(mixed, surface) >= 4.5:
            return mixed
    return target


def _hex6(color: str) -> str:
    body = color[1:]
    return "#" + (body if len(body) == 6 else "".join(ch * 2 for ch in body)).lower()


def _mix(a: str, b: str, weight: float) -> str:
    channels = [
        round(int(a[i : i + 2], 16) * (1 - weight) + int(b[i : i + 2], 16) * weight)
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in channels)


def _luminance(color: str) -> float:
    hex6 = _hex6(color)
    channels = [int(hex6[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
