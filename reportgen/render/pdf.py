"""ReportView -> PDF through WeasyPrint (design D6, issue 5 item 4).

The PDF is laid out from its own template (`templates/print.html`) and stylesheet
(`templates/print.css`, then the theme's optional `print.css`): the panels of the HTML report, in
the same order and grid, with charts drawn to vector SVG by vl-convert. Paged-media CSS gives the
running header (title and time range), "Page N of M", bookmarks per panel, panels that never
split, titles kept with what follows and long tables that continue over pages with their header
repeated. Fonts are the files shipped in `reportgen/fonts/`, embedded in the PDF.

Determinism: the document's dates come from the report's `--at`, the PDF identifier from the
rendered document's hash, and nothing else reads the clock, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from markupsafe import Markup

from reportgen.errors import RenderError
from reportgen.render.context import ReportView
from reportgen.render.html import TEMPLATES_DIR, environment
from reportgen.render.panels import PanelModel, build_panel, unique_ids
from reportgen.render.print_layout import (
    FONTS_DIR,
    PDF_FONT,
    PDF_MONO_FONT,
    PageOptions,
    PrintRow,
    chart_svg,
    chart_width_px,
    is_long_table,
    pack_rows,
    svg_data_uri,
)
from reportgen.render.safe import render_markdown
from reportgen.render.theme import Theme, load_theme, theme_dir_for

__all__ = ["render_pdf", "render_print_html"]

_FONT_FILES = (
    (PDF_FONT, "normal", "DejaVuSans.ttf"),
    (PDF_FONT, "bold", "DejaVuSans-Bold.ttf"),
    (PDF_MONO_FONT, "normal", "DejaVuSansMono.ttf"),
)


def render_print_html(
    report: ReportView, page: PageOptions | None = None, theme_dir: Path | None = None
) -> str:
    """The HTML document WeasyPrint lays out (charts inlined as SVG images)."""
    page = page or PageOptions()
    theme = load_theme(theme_dir if theme_dir is not None else theme_dir_for(report.theme))
    ids = unique_ids(report.panels)
    models = [
        build_panel(panel, dom_id, theme, report.tz)
        for panel, dom_id in zip(report.panels, ids, strict=True)
    ]
    height = page.chart_height(theme.chart_height)
    charts = {model.dom_id: _chart_image(model, page, height) for model in models if model.spec}
    at = report.at if report.at.tzinfo is not None else report.at.replace(tzinfo=UTC)
    context: dict[str, Any] = {
        "report": report,
        "groups": print_groups(report, models),
        "panels": models,
        "charts": charts,
        "theme": theme,
        "page": page,
        "css": Markup(print_css(theme, page)),
        "description_html": render_markdown(report.description),
        "problems": sorted(report.problems.items()),
        "at_iso": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "is_long_table": is_long_table,
    }
    return environment(theme).get_template("print.html").render(context)


@dataclass
class PrintGroup:
    """The panels of one section (or those before the first section), packed into rows."""

    title: str
    description_html: Markup
    page_break: bool
    rows: list[PrintRow]


def print_groups(report: ReportView, models: list[PanelModel]) -> list[PrintGroup]:
    """Panels grouped by section in reading order, each group packed into grid rows."""
    runs: list[tuple[int, list[PanelModel]]] = []
    for model in models:
        index = model.view.section
        if not runs or runs[-1][0] != index:
            runs.append((index, []))
        runs[-1][1].append(model)
    groups = []
    for index, members in runs:
        section = report.sections[index] if 0 <= index < len(report.sections) else None
        if section is not None:
            for model in members:
                model.heading_level = 3
        groups.append(
            PrintGroup(
                title=section.title if section else "",
                description_html=render_markdown(section.description) if section else Markup(),
                page_break=bool(section and section.page_break),
                rows=pack_rows(members),
            )
        )
    return groups


def render_pdf(
    report: ReportView, page: PageOptions | None = None, theme_dir: Path | None = None
) -> bytes:
    """The report as PDF bytes, identical for identical inputs."""
    import weasyprint

    document_html = render_print_html(report, page, theme_dir)
    identifier = hashlib.sha256(document_html.encode("utf-8")).hexdigest()[:32]
    try:
        document = weasyprint.HTML(
            string=document_html, base_url=str(FONTS_DIR), url_fetcher=local_fetcher()
        ).render()
        buffer = io.BytesIO()
        document.write_pdf(
            buffer,
            pdf_identifier=identifier.encode("ascii"),
            custom_metadata=True,
            pdf_tags=True,
            uncompressed_pdf=False,
        )
    except (OSError, ValueError) as exc:
        raise RenderError(f"cannot write the PDF: {exc}") from exc
    return buffer.getvalue()


def print_css(theme: Theme, page: PageOptions) -> str:
    """Theme variables, the embedded fonts, the page box, the built-in print stylesheet and
    the theme's `print.css` layer, in that order (later rules win)."""
    fonts = "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'src: url("{(FONTS_DIR / name).as_uri()}"); }}\n'
        for family, weight, name in _FONT_FILES
    )
    background = theme.colors.get("background", "#ffffff")
    muted = theme.colors.get("muted", "#555555")
    page_rule = (
        f"@page {{ size: {page.css_size}; background: {background}; }}\n"
        f"@page {{ @top-left {{ color: {muted}; }} @top-right {{ color: {muted}; }} "
        f"@bottom-right {{ color: {muted}; }} }}\n"
    )
    variables = theme.css_variables().replace(
        f"--font-family: {theme.font_family};", f'--font-family: "{PDF_FONT}";'
    )
    variables = variables.replace(
        f"--mono-font-family: {theme.mono_font_family};", f'--mono-font-family: "{PDF_MONO_FONT}";'
    )
    builtin = (TEMPLATES_DIR / "print.css").read_text(encoding="utf-8")
    layer = theme.print_css
    return variables + fonts + page_rule + builtin + layer


def _chart_image(model: PanelModel, page: PageOptions, height: int) -> Markup:
    assert model.spec is not None
    try:
        svg = chart_svg(model.spec, chart_width_px(model, page), height)
    except ValueError as exc:
        raise RenderError(f"panel '{model.view.id}': cannot draw the chart: {exc}") from exc
    return Markup(svg_data_uri(svg))


def local_fetcher() -> Any:
    """A WeasyPrint URL fetcher that loads only the shipped fonts and inline `data:` URLs, so a
    log line, dashboard or theme cannot make the PDF renderer read a file or reach the network."""
    import weasyprint

    fonts = FONTS_DIR.resolve()

    def shipped_font(url: str) -> bool:
        if not url.startswith("file:"):
            return False
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        return path.parent == fonts and path.is_file()

    class LocalOnly(weasyprint.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:") or shipped_font(url):
                return super().fetch(url, headers)
            raise ValueError(f"reportgen PDFs load nothing from outside: refused {url[:80]!r}")

    return LocalOnly(allowed_protocols=("data", "file"))
