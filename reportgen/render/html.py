"""ReportView -> one self-contained HTML file (design D6).

No network: the vega/vega-lite/vega-embed runtime is inlined from vl-convert, every chart spec
sits in a `<script type="application/json">` block, and one small init script hands them to
`vegaEmbed`. The CSP meta allows exactly those two inline scripts by hash. Output is
deterministic: ids come from panel ids, JSON keys are sorted, and nothing reads the clock.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from pathlib import Path
from typing import Any

import vl_convert
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
)
from markupsafe import Markup

from reportgen.output import write_atomic
from reportgen.paths import cache_dir
from reportgen.render.context import ReportView, SectionView
from reportgen.render.formatting import zone
from reportgen.render.panels import NO_DATA, PanelModel, build_panel, unique_ids
from reportgen.render.safe import content_security_policy, render_markdown, script_json
from reportgen.render.theme import Theme, load_theme, theme_dir_for

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# Reads each chart's JSON block and draws it; errors go to the console and into the chart box.
INIT_SCRIPT = """(function () {
  "use strict";
  var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
  Array.prototype.forEach.call(blocks, function (block) {
    var target = document.getElementById(block.getAttribute("data-chart"));
    if (!target) { return; }
    var options = {actions: false, renderer: "svg", mode: "vega-lite"};
    window.vegaEmbed(target, JSON.parse(block.textContent), options).catch(function (error) {
      target.classList.add("chart-failed");
      target.textContent = "This chart could not be drawn: " + error;
      console.error(error);
    });
  });
})();
"""


@dataclass(frozen=True)
class ChartBlock:
    """One `<script type="application/json">` block: the spec of the chart `target`."""

    id: str
    target: str
    json: Markup


@lru_cache(maxsize=1)
def vega_runtime() -> str:
    """The vega + vega-lite + vega-embed bundle (defines `window.vegaEmbed`).

    Bundling takes vl-convert about 1.5 s, so the text is kept in the cache folder, keyed by
    the vl-convert version, and reused by later runs.
    """
    version = importlib.metadata.version("vl-convert-python")
    cached = cache_dir() / f"vega-runtime-{version}.js"
    try:
        script = cached.read_text(encoding="utf-8")
    except OSError:
        # The stub wants a snippet; without one the bundle assigns window.vegaEmbed/vega/vegaLite.
        script = vl_convert.javascript_bundle()  # type: ignore[call-arg]
        with contextlib.suppress(OSError):
            write_atomic(cached, script.encode("utf-8"))
    if "</script" in script.lower() or "<!--" in script:
        raise RuntimeError("the vl-convert runtime cannot be inlined in a <script> element")
    return script


def environment(theme: Theme) -> Environment:
    """Jinja2 with autoescape; the theme's `templates/` first, then the built-ins (also
    reachable as `default:NAME` so a theme template can extend the one it overrides)."""
    builtin = FileSystemLoader(str(TEMPLATES_DIR))
    loaders: list[BaseLoader] = []
    loaders += [FileSystemLoader(str(directory)) for directory in theme.template_dirs]
    loaders += [builtin, PrefixLoader({"default": builtin}, delimiter=":")]
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["no_data"] = NO_DATA
    return env


def render_html(report: ReportView, theme_dir: Path | None = None) -> str:
    """The whole report as one HTML document. `theme_dir` defaults to `themes/<report.theme>`."""
    theme = load_theme(theme_dir if theme_dir is not None else theme_dir_for(report.theme))
    ids = unique_ids(report.panels)
    panels = [
        build_panel(panel, dom_id, theme, report.tz)
        for panel, dom_id in zip(report.panels, ids, strict=True)
    ]
    groups = _groups(report, panels)
    charts = [_chart_block(model) for model in panels if model.spec is not None]
    runtime = vega_runtime() if charts else ""
    scripts = [runtime, INIT_SCRIPT] if charts else []
    context: dict[str, Any] = {
        "report": report,
        "panels": panels,
        "groups": groups,
        "charts": charts,
        "theme": theme,
        "css": Markup(theme.css_variables() + theme.css),
        "csp": Markup(content_security_policy(scripts)),
        "runtime_js": Markup(runtime),
        "init_js": Markup(INIT_SCRIPT) if charts else Markup(""),
        "description_html": render_markdown(report.description),
        "problems": sorted(report.problems.items()),
        "at_label": _at_label(report),
    }
    return environment(theme).get_template("base.html").render(context)


@dataclass(frozen=True)
class Group:
    """Panels under one heading: `section` is None for the panels before the first section."""

    section: SectionView | None
    index: int
    dom_id: str
    description_html: Markup
    panels: list[PanelModel]


def _groups(report: ReportView, panels: list[PanelModel]) -> list[Group]:
    """Panels grouped by section in reading order; panels under a section title get `<h3>`
    titles so the heading levels stay in order."""
    groups: list[Group] = []
    for model in panels:
        index = model.view.section
        section = report.sections[index] if 0 <= index < len(report.sections) else None
        if not groups or groups[-1].index != index:
            dom_id = f"section-{index + 1}" if section is not None else "panels"
            description = render_markdown(section.description) if section else Markup("")
            groups.append(Group(section, index, dom_id, description, []))
        model.heading_level = 3 if section is not None else 2
        groups[-1].panels.append(model)
    return groups


def _chart_block(model: PanelModel) -> ChartBlock:
    assert model.spec is not None
    spec = {key: value for key, value in model.spec.items() if key != "$schema"}
    return ChartBlock(
        id=f"spec-{model.dom_id}", target=f"chart-{model.dom_id}", json=script_json(spec)
    )


def _at_label(report: ReportView) -> str:
    """The reference instant in the report zone (a naive `at` is taken as UTC)."""
    at = report.at if report.at.tzinfo is not None else report.at.replace(tzinfo=UTC)
    return at.astimezone(zone(report.tz)).strftime("%Y-%m-%d %H:%M:%S")
