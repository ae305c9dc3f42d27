"""Themes: `themes/<name>/theme.yaml` (palette, band colours, fonts, Vega-Lite config) + style.css.

Themes live at the top of the repository (`<checkout>/themes/<name>/`), next to the `reportgen`
package; reportgen is installed from a checkout (`pip install -e .` or `pip install .` of the
repo), so `THEMES_ROOT` is resolved from this file. A theme folder may also hold a `templates/`
folder whose files override the built-in templates (the built-ins stay reachable as `default:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import RenderError, suggestion

THEMES_ROOT = Path(__file__).resolve().parents[2] / "themes"
DEFAULT_THEME = "default"

# A CSS value we are willing to paste into a <style> block: colours and font stacks only.
_CSS_VALUE = re.compile(r"^[#\w\s,.'\"()%+-]+$")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class BandStyle:
    """The colours of one single-value band (background and a text colour that contrasts)."""

    background: str
    text: str


@dataclass(frozen=True)
class Theme:
    """A loaded theme. `css` is the theme's style.css text, inlined into the report."""

    name: str
    directory: Path
    font_family: str
    mono_font_family: str
    colors: dict[str, str]
    bands: dict[str, BandStyle]
    palette: list[str]
    vega_config: dict[str, Any]
    css: str
    chart_height: int = 220
    label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def templates_dir(self) -> Path:
        return self.directory / "templates"

    def css_variables(self) -> str:
        """`:root { ... }` declaring every theme colour and font as a CSS custom property."""
        decls = [
            f"--font-family: {self.font_family};",
            f"--mono-font-family: {self.mono_font_family};",
        ]
        decls += [
            f"--color-{name.replace('_', '-')}: {value};" for name, value in self.colors.items()
        ]
        for name, band in self.bands.items():
            decls.append(f"--band-{name}-bg: {band.background};")
            decls.append(f"--band-{name}-fg: {band.text};")
        return ":root {\n  " + "\n  ".join(decls) + "\n}\n"


def available_themes() -> list[str]:
    if not THEMES_ROOT.is_dir():
        return []
    return sorted(p.name for p in THEMES_ROOT.iterdir() if (p / "theme.yaml").is_file())


def theme_dir_for(name: str) -> Path:
    """The folder of the theme called `name` under THEMES_ROOT; RenderError if there is none."""
    directory = THEMES_ROOT / name
    if not (directory / "theme.yaml").is_file():
        hint = suggestion(name, available_themes())
        raise RenderError(
            f"unknown theme '{name}' (looked in {THEMES_ROOT}; reportgen must be installed from "
            "a checkout of its repository, or pass a theme folder)",
            hint=hint,
        )
    return directory


def load_theme(theme_dir: Path | None = None) -> Theme:
    """Read `theme.yaml` and `style.css` from `theme_dir` (default: the built-in default theme)."""
    directory = theme_dir if theme_dir is not None else theme_dir_for(DEFAULT_THEME)
    path = directory / "theme.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        css_path = directory / "style.css"
        css = css_path.read_text(encoding="utf-8") if css_path.is_file() else ""
    except (OSError, yaml.YAMLError) as exc:
        raise RenderError(f"cannot read theme {directory}: {exc}") from exc
    if not isinstance(data, dict):
        raise RenderError(f"{path}: expected a mapping at the top level")
    _check_css(css, directory / "style.css")
    colors = {
        str(k): _css_value(v, f"{path}: colors.{k}") for k, v in _mapping(data, "colors").items()
    }
    bands = {
        str(name): BandStyle(
            background=_hex(spec.get("background"), f"{path}: bands.{name}.background"),
            text=_hex(spec.get("text"), f"{path}: bands.{name}.text"),
        )
        for name, spec in _mapping(data, "bands").items()
        if isinstance(spec, dict)
    }
    palette = [_hex(c, f"{path}: palette") for c in data.get("palette") or []]
    vega_config = _mapping(data, "vega_config")
    if palette:
        vega_config = {
            **vega_config,
            "range": {**vega_config.get("range", {}), "category": palette},
        }
    return Theme(
        name=str(data.get("name") or directory.name),
        directory=directory,
        font_family=_css_value(data.get("font_family", "sans-serif"), f"{path}: font_family"),
        mono_font_family=_css_value(
            data.get("mono_font_family", "monospace"), f"{path}: mono_font_family"
        ),
        colors=colors,
        bands=bands,
        palette=palette,
        vega_config=vega_config,
        css=css,
        chart_height=int(data.get("chart_height", 220)),
        label=str(data.get("label", "")),
    )


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise RenderError(f"theme key '{key}' must be a mapping")
    return value


def _css_value(value: object, where: str) -> str:
    text = " ".join(str(value).split())
    if not _CSS_VALUE.match(text):
        raise RenderError(f"{where}: not a plain CSS colour or font list: {text!r}")
    return text


def _hex(value: object, where: str) -> str:
    text = str(value)
    if not _HEX.match(text):
        raise RenderError(f"{where}: expected a hex colour like #1b7f3b, got {text!r}")
    return text


def _check_css(css: str, where: Path) -> None:
    lowered = css.lower()
    if "</style" in lowered or "<!--" in lowered:
        raise RenderError(f"{where}: must not contain '</style' or '<!--'")
    if "@import" in lowered or "url(http" in lowered.replace(" ", "").replace("'", "").replace(
        '"', ""
    ):
        raise RenderError(f"{where}: must not load anything from the network (@import, url(http))")
