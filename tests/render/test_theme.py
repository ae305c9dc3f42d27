"""The default theme (WCAG AA band contrast), theme loading errors, template overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportgen.errors import RenderError
from reportgen.render import load_theme, render_html
from reportgen.render.theme import THEMES_ROOT, theme_dir_for

from .conftest import make_report


def luminance(color: str) -> float:
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_default_theme_is_found_next_to_the_package() -> None:
    assert theme_dir_for("default") == THEMES_ROOT / "default"
    theme = load_theme()
    assert theme.name == "default"
    assert {"green", "orange", "red", "grey"} <= set(theme.bands)
    assert theme.vega_config["range"]["category"] == theme.palette
    assert "@media print" in theme.css


def test_band_and_text_colours_meet_wcag_aa() -> None:
    theme = load_theme()
    for name, band in theme.bands.items():
        assert contrast(band.background, band.text) >= 4.5, name
    for name in ("text", "muted", "error_fg"):
        background = theme.colors["error_bg" if name == "error_fg" else "surface"]
        assert contrast(theme.colors[name], background) >= 4.5, name
        assert contrast(theme.colors[name], theme.colors["background"]) >= 4.5, name


def test_unknown_theme_suggests_a_name() -> None:
    with pytest.raises(RenderError, match="unknown theme 'defualt'") as caught:
        theme_dir_for("defualt")
    assert caught.value.hint == "did you mean 'default'?"


def copy_theme(tmp_path: Path) -> Path:
    target = tmp_path / "mine"
    shutil.copytree(THEMES_ROOT / "default", target)
    return target


@pytest.mark.parametrize(
    "css", ["@import 'https://x.example/a.css';", "a { background: url( 'http://x' ) }", "</style>"]
)
def test_theme_css_cannot_load_or_break_out(tmp_path: Path, css: str) -> None:
    theme_dir = copy_theme(tmp_path)
    (theme_dir / "style.css").write_text(css)
    with pytest.raises(RenderError, match=r"style\.css"):
        load_theme(theme_dir)


def test_theme_values_are_checked(tmp_path: Path) -> None:
    theme_dir = copy_theme(tmp_path)
    text = (
        (theme_dir / "theme.yaml").read_text().replace('text: "#1f2933"', 'text: "red;}</style>"')
    )
    (theme_dir / "theme.yaml").write_text(text)
    with pytest.raises(RenderError, match=r"colors\.text"):
        load_theme(theme_dir)


def test_theme_templates_override_the_builtins(tmp_path: Path) -> None:
    theme_dir = copy_theme(tmp_path)
    (theme_dir / "templates").mkdir()
    (theme_dir / "templates" / "_header.html").write_text(
        '<div class="custom">{{ report.title }}</div>{% include "default:_header.html" %}'
    )
    soup = BeautifulSoup(render_html(make_report([]), theme_dir), "html.parser")
    assert soup.select_one(".custom").get_text() == make_report().title
    assert soup.select_one(".report-title") is not None
