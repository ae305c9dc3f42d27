"""Themes: `themes/<name>/theme.yaml` (palette, band colours, fonts, Vega-Lite config) + style.css.

Themes live at the top of the repository (`<checkout>/themes/<name>/`), next to the `reportgen`
package; a wheel (`pip install .`) installs a copy under `<prefix>/share/reportgen/themes`, used
when reportgen does not run from a checkout. A theme folder may also hold a `templates/`
folder whose files override the built-in templates (the built-ins stay reachable as `default:`).

Themes layer: a theme.yaml saying `extends: default` (a theme name, or a folder relative to it)
starts from that theme's settings (mappings merged key by key, lists replaced), its style.css and
print.css come after the parent's, and its templates are looked up before the parent's.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.errors import RenderError, UsageError, suggestion
from reportgen.yamlload import load_yaml_data


def _themes_root() -> Path:
    """`themes/` of the checkout reportgen runs from, else the copy a wheel installed under
    `<prefix>/share/reportgen/themes` (pyproject's data-files)."""
    checkout = Path(__file__).resolve().parents[2] / "themes"
    if (checkout / DEFAULT_THEME / "theme.yaml").is_file():
        return checkout
    return Path(sys.prefix) / "share" / "reportgen" / "themes"


DEFAULT_THEME = "default"
THEMES_ROOT = _themes_root()

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
    print_css: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    template_dirs: tuple[Path, ...] = ()
    named_colors: dict[str, str] = field(default_factory=dict)

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


def resolve_theme(theme: str) -> Path:
    """The folder of `--theme`: a theme name under THEMES_ROOT, or a path to a theme folder."""
    if theme in available_themes():
        return THEMES_ROOT / theme
    candidate = Path(theme).expanduser()
    if (candidate / "theme.yaml").is_file():
        return candidate
    if candidate.exists():
        raise UsageError(f"theme folder '{theme}' has no theme.yaml (--theme)")
    names = available_themes()
    raise UsageError(
        f"unknown theme '{theme}' (--theme)",
        hint=suggestion(theme, names) or "available: " + ", ".join(names),
    )


@dataclass
class _Layers:
    data: dict[str, Any]
    css: str
    print_css: str
    template_dirs: list[Path]


def _read_layers(directory: Path, seen: tuple[Path, ...] = ()) -> _Layers:
    """The theme at `directory` merged over the themes it extends."""
    path = directory / "theme.yaml"
    if directory.resolve() in seen:
        chain = " -> ".join(str(p) for p in (*seen, directory.resolve()))
        raise RenderError(f"{path}: themes extend each other in a loop: {chain}")
    try:
        data = load_yaml_data(path.read_text(encoding="utf-8"), str(path), RenderError) or {}
        css = _read_css(directory / "style.css")
        print_css = _read_css(directory / "print.css")
    except (OSError, UnicodeDecodeError) as exc:
        raise RenderError(f"cannot read theme {directory}: {exc}") from exc
    if not isinstance(data, dict):
        raise RenderError(f"{path}: expected a mapping at the top level")
    own_templates = [directory / "templates"] if (directory / "templates").is_dir() else []
    parent_name = data.pop("extends", None)
    data.setdefault("name", directory.name)
    if parent_name is None:
        return _Layers(data, css, print_css, own_templates)
    parent_dir = _parent_dir(str(parent_name), directory, path)
    parent = _read_layers(parent_dir, (*seen, directory.resolve()))
    return _Layers(
        data=_merge(parent.data, data),
        css=parent.css + css,
        print_css=parent.print_css + print_css,
        template_dirs=own_templates + parent.template_dirs,
    )


def _parent_dir(name: str, directory: Path, path: Path) -> Path:
    relative = directory / name
    if (relative / "theme.yaml").is_file() and ("/" in name or name.startswith(".")):
        return relative.resolve()
    if (THEMES_ROOT / name / "theme.yaml").is_file():
        return THEMES_ROOT / name
    raise RenderError(
        f"{path}: extends unknown theme '{name}'", hint=suggestion(name, available_themes())
    )


def _read_css(path: Path) -> str:
    if not path.is_file():
        return ""
    css = path.read_text(encoding="utf-8")
    _check_css(css, path)
    return css


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_theme(theme_dir: Path | None = None) -> Theme:
    """Read `theme.yaml`, `style.css` and `print.css` from `theme_dir` and the themes it
    extends (default: the built-in default theme)."""
    directory = theme_dir if theme_dir is not None else theme_dir_for(DEFAULT_THEME)
    path = directory / "theme.yaml"
    layers = _read_layers(directory)
    data, css, print_css = layers.data, layers.css, layers.print_css
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
    named = {
        str(k): _hex(v, f"{path}: named_colors.{k}")
        for k, v in _mapping(data, "named_colors").items()
    }
    vega_config = _mapping(data, "vega_config")
    if palette:
        # Single-series charts use the mark colour, not the category range: the palette's first.
        vega_config = {
            **vega_config,
            "range": {**vega_config.get("range", {}), "category": palette},
            "mark": {"color": palette[0], **vega_config.get("mark", {})},
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
        print_css=print_css,
        template_dirs=tuple(layers.template_dirs),
        named_colors=named,
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
