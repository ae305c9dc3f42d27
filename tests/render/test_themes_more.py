"""The shipped themes (default, dark, print): WCAG AA contrast, palettes that colour-blind
readers can tell apart, layering with `extends`, and `--theme` resolution."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportgen.errors import RenderError, UsageError
from reportgen.render import load_theme, render_html
from reportgen.render.pdf import print_css
from reportgen.render.print_layout import PageOptions
from reportgen.render.theme import THEMES_ROOT, Theme, resolve_theme

from .conftest import make_report
from .test_theme import contrast

THEMES = ["dark", "default", "print"]

# Machado, Oliveira and Fernandes (2009), severity 1.0, applied to linear RGB.
DEUTERANOPIA = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                (-0.011820, 0.042940, 0.968881))  # fmt: skip
PROTANOPIA = ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
              (-0.003882, -0.048116, 1.051998))  # fmt: skip
IDENTITY = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
# CIE76 distance below which two series colours are too alike to tell apart at a glance.
MIN_DELTA_E = 10.0


def linear(color: str) -> list[float]:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def lab(color: str, matrix: tuple[tuple[float, ...], ...]) -> tuple[float, float, float]:
    rgb = linear(color)
    r, g, b = (
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix
    )
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: str, b: str, matrix: tuple[tuple[float, ...], ...]) -> float:
    return sum((p - q) ** 2 for p, q in zip(lab(a, matrix), lab(b, matrix), strict=True)) ** 0.5


def theme(name: str) -> Theme:
    return load_theme(resolve_theme(name))


def test_the_simulation_tells_red_from_green_only_with_normal_vision() -> None:
    # The check can fail: pure red and green are the classic pair deuteranopes confuse.
    assert delta_e("#d62728", "#2ca02c", IDENTITY) > 50
    assert delta_e("#d62728", "#2ca02c", DEUTERANOPIA) < MIN_DELTA_E


@pytest.mark.parametrize("name", THEMES)
@pytest.mark.parametrize(
    ("vision", "matrix"),
    [("normal", IDENTITY), ("deuteranopia", DEUTERANOPIA), ("protanopia", PROTANOPIA)],
)
def test_series_colours_stay_distinguishable(
    name: str, vision: str, matrix: tuple[tuple[float, ...], ...]
) -> None:
    palette = theme(name).palette
    assert len(palette) >= 6
    for a, b in itertools.combinations(palette, 2):
        assert delta_e(a, b, matrix) >= MIN_DELTA_E, f"{name}: {a} and {b} ({vision})"


@pytest.mark.parametrize("name", THEMES)
def test_series_colours_contrast_with_the_chart_background(name: str) -> None:
    loaded = theme(name)
    background = loaded.vega_config["background"]
    # WCAG 1.4.11: graphical objects need 3:1 against what is next to them.
    for color in loaded.palette:
        assert contrast(color, background) >= 3.0, f"{name}: {color} on {background}"


@pytest.mark.parametrize("name", THEMES)
def test_text_colours_meet_wcag_aa(name: str) -> None:
    loaded = theme(name)
    colors = loaded.colors
    for surface in ("surface", "background", "row_alt"):
        assert contrast(colors["text"], colors[surface]) >= 4.5, surface
        assert contrast(colors["muted"], colors[surface]) >= 4.5, surface
    assert contrast(colors["error_fg"], colors["error_bg"]) >= 4.5
    for band_name, band in loaded.bands.items():
        assert contrast(band.background, band.text) >= 4.5, band_name
    axis = loaded.vega_config["axis"]
    chart_background = loaded.vega_config["background"]
    assert contrast(axis["labelColor"], chart_background) >= 4.5
    assert contrast(axis["titleColor"], chart_background) >= 4.5
    assert contrast(loaded.vega_config["legend"]["labelColor"], chart_background) >= 4.5


def test_dark_and_print_extend_default() -> None:
    base, dark, printed = theme("default"), theme("dark"), theme("print")
    assert (dark.name, printed.name) == ("dark", "print")
    assert dark.css.startswith(base.css) and dark.css != base.css
    assert dark.colors["background"] == "#121417"
    assert dark.bands["green"] == base.bands["green"]  # inherited
    assert dark.vega_config["axis"]["labelFontSize"] == base.vega_config["axis"]["labelFontSize"]
    assert dark.vega_config["range"]["category"] == dark.palette != base.palette
    assert dark.vega_config["mark"] == {"color": "#56B4E9"}
    assert printed.print_css.startswith("/* Print theme, PDF layer")
    assert print_css(printed, PageOptions()).endswith(printed.print_css)


def write_theme(folder: Path, yaml_text: str, css: str = "") -> Path:
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text(yaml_text)
    if css:
        (folder / "style.css").write_text(css)
    return folder


def test_layers_stack_settings_css_and_templates(tmp_path: Path) -> None:
    middle = write_theme(tmp_path / "middle", 'extends: print\ncolors:\n  accent: "#123456"\n',
                         ".middle { color: red; }\n")  # fmt: skip
    (middle / "templates").mkdir()
    (middle / "templates" / "_header.html").write_text('<p class="middle">{{ report.title }}</p>')
    top = write_theme(tmp_path / "top", "extends: ../middle\nchart_height: 300\n", ".top {}\n")
    loaded = load_theme(top)
    assert loaded.name == "top"
    assert loaded.colors["accent"] == "#123456"
    assert loaded.colors["background"] == "#ffffff"  # from print
    assert loaded.chart_height == 300
    assert loaded.css.endswith(".middle { color: red; }\n.top {}\n")
    assert loaded.template_dirs == ((middle / "templates").resolve(),)
    soup = BeautifulSoup(render_html(make_report([]), top), "html.parser")
    assert soup.select_one("p.middle") is not None
    assert soup.select_one(".report-title") is None


def test_a_loop_of_extends_is_an_error(tmp_path: Path) -> None:
    write_theme(tmp_path / "a", "extends: ../b\n")
    write_theme(tmp_path / "b", "extends: ../a\n")
    with pytest.raises(RenderError, match="themes extend each other in a loop"):
        load_theme(tmp_path / "a")


def test_extending_an_unknown_theme_suggests_one(tmp_path: Path) -> None:
    write_theme(tmp_path / "a", "extends: defalt\n")
    with pytest.raises(RenderError) as caught:
        load_theme(tmp_path / "a")
    assert str(caught.value) == (
        f"{tmp_path / 'a' / 'theme.yaml'}: extends unknown theme 'defalt'; did you mean 'default'?"
    )


def test_resolve_theme_names_and_folders(tmp_path: Path) -> None:
    assert resolve_theme("dark") == THEMES_ROOT / "dark"
    folder = write_theme(tmp_path / "mine", "extends: default\n")
    assert resolve_theme(str(folder)) == folder
    with pytest.raises(UsageError) as caught:
        resolve_theme(str(tmp_path))
    assert str(caught.value) == f"theme folder '{tmp_path}' has no theme.yaml (--theme)"
    with pytest.raises(UsageError) as caught:
        resolve_theme("zzz")
    assert str(caught.value) == "unknown theme 'zzz' (--theme); available: dark, default, print"
