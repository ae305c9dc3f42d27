"""`series_colors`: fixed colours per series or category value, the same in the HTML spec, the
PDF's SVG and the mail's PNG; the themes' named colours stay readable and tell apart."""

from __future__ import annotations

import itertools
import re
from email import message_from_bytes
from io import BytesIO

import pytest
from PIL import Image

from reportgen.dashboard.loader import load_dashboard_text
from reportgen.engine.result import Column, Result
from reportgen.errors import SpecError
from reportgen.publish.mail import Envelope, compose
from reportgen.render import load_theme
from reportgen.render.charts import chart_spec
from reportgen.render.context import PanelView
from reportgen.render.print_layout import chart_svg
from reportgen.render.theme import resolve_theme

from .conftest import make_report
from .test_theme import contrast
from .test_themes_more import DEUTERANOPIA, IDENTITY, MIN_DELTA_E, PROTANOPIA, delta_e

SEVERITIES = {"critical": "red", "high": "orange", "medium": "yellow", "low": "blue"}


def by_severity() -> Result:
    # Data order is not severity order: the colours must follow the names, not the rows.
    rows = [("medium", 355), ("critical", 149), ("high", 536), ("info", 3)]
    columns = [Column("severity", "string"), Column("_count", "number")]
    return Result(columns=columns, rows=rows, kind="aggregate")


def transposed() -> Result:
    rows = [("image", 10, 4, 2), ("host", 3, None, 1)]
    columns = [Column("scan", "string")] + [
        Column(name, "number") for name in ("low", "critical", "extra")
    ]
    return Result(columns=columns, rows=rows, kind="aggregate")


def color_channels(spec: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if isinstance(spec, dict):
        color = spec.get("color")
        if isinstance(color, dict) and "scale" in color:
            found.append(color)
        for value in spec.values():
            found += color_channels(value)
    elif isinstance(spec, list):
        for value in spec:
            found += color_channels(value)
    return found


def test_pie_slices_take_their_named_colours_whatever_the_row_order() -> None:
    theme = load_theme()
    panel = PanelView("sev", "By severity", "pie", "q", result=by_severity())
    panel.series_colors = dict(SEVERITIES)
    [channel] = color_channels(chart_spec(panel, theme))
    named = theme.named_colors
    # The legend reads in series_colors' order; `info` has no fixed colour: it takes the
    # first palette colour not already used.
    assert channel["scale"] == {
        "domain": ["critical", "high", "medium", "info"],
        "range": [named["red"], named["orange"], named["yellow"], theme.palette[0]],
    }


def test_series_of_a_transposed_chart_and_hex_colours() -> None:
    theme = load_theme(resolve_theme("dark"))
    panel = PanelView("scan", "By scan", "column", "q", result=transposed(), stacked=True)
    panel.series_colors = {"Critical": "red", "low": "#123456"}  # names match ignoring case
    [channel] = color_channels(chart_spec(panel, theme))
    assert channel["scale"] == {
        "domain": ["critical", "low", "extra"],
        "range": [theme.named_colors["red"], "#123456", theme.palette[0]],
    }


def test_categories_of_a_one_series_column_chart_are_coloured() -> None:
    theme = load_theme()
    panel = PanelView("sev", "By severity", "column", "q", result=by_severity())
    panel.series_colors = {"critical": "red"}
    [channel] = color_channels(chart_spec(panel, theme))
    assert channel["legend"] is None  # the axis names the bars
    assert channel["scale"]["domain"][0] == "critical"
    assert channel["scale"]["range"][0] == theme.named_colors["red"]
    panel.series_colors = {}
    assert color_channels(chart_spec(panel, theme)) == []  # without it, nothing changes


def test_the_pdf_svg_and_the_mail_png_use_the_same_colours() -> None:
    theme = load_theme()
    panel = PanelView("sev", "By severity", "pie", "q", result=by_severity())
    panel.series_colors = dict(SEVERITIES)
    spec = chart_spec(panel, theme)
    assert spec is not None
    svg = chart_svg(spec, 400)
    fills = {color.lower() for color in re.findall(r'fill="(#[0-9a-fA-F]{6})"', svg)}
    for name in ("red", "orange", "yellow"):
        assert theme.named_colors[name].lower() in fills, name
    report = make_report([panel])
    message = compose(report, Envelope("a@example.com", ["b@example.com"]), theme=theme)
    parsed = message_from_bytes(message.as_bytes())
    [png] = [
        part.get_payload(decode=True)
        for part in parsed.walk()
        if part.get_content_type() == "image/png"
    ]
    image = Image.open(BytesIO(png)).convert("RGB")
    colors = {f"#{r:02x}{g:02x}{b:02x}" for _, (r, g, b) in image.getcolors(1_000_000) or []}
    for name in ("red", "orange", "yellow"):
        assert theme.named_colors[name].lower() in colors, name


@pytest.mark.parametrize("name", ["default", "dark", "print"])
def test_named_colours_are_readable_and_distinguishable(name: str) -> None:
    theme = load_theme(resolve_theme(name))
    from reportgen.dashboard.model import NAMED_COLORS

    assert set(theme.named_colors) == set(NAMED_COLORS)
    background = theme.vega_config["background"]
    for color_name, color in theme.named_colors.items():
        assert contrast(color, background) >= 3.0, f"{name}: {color_name} on {background}"
    for (a, x), (b, y) in itertools.combinations(theme.named_colors.items(), 2):
        for vision, matrix in (("normal", IDENTITY), ("deut", DEUTERANOPIA), ("prot", PROTANOPIA)):
            assert delta_e(x, y, matrix) >= MIN_DELTA_E, f"{name}: {a} and {b} ({vision})"


def test_an_unknown_colour_is_an_error_with_a_suggestion() -> None:
    text = (
        "title: T\npanels:\n  - id: p\n    title: P\n    type: pie\n"
        "    query: '* | count by _sourcehost'\n    series_colors: {a: rde}\n"
        "  - id: s\n    title: S\n    type: single_value\n    query: '* | count'\n"
        "    series_colors: {a: red}\n"
    )
    with pytest.raises(SpecError) as caught:
        load_dashboard_text(text, "d.yaml")
    assert str(caught.value) == (
        "2 problems:\n"
        "d.yaml:7:24: panels[0].series_colors.a: unknown colour 'rde'; did you mean 'red'?\n"
        "      series_colors: {a: rde}\n"
        "                         ^~~\n"
        "d.yaml:12:20: panels[1].series_colors: 'series_colors' applies to area, line, column, "
        "bar, pie panels only; remove 'series_colors' or set type: area\n"
        "      series_colors: {a: red}\n"
        "                     ^~~~~~~~"
    )
