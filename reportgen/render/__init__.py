"""Results -> Vega-Lite (Altair) -> one self-contained HTML report (Jinja2) or a PDF (WeasyPrint).

`render_html(report)` and `render_pdf(report, page)` are the entry points; `chart_spec`,
`format_si` and `pick_band` are public so other outputs (summary.json) label panels the same way.
"""

from __future__ import annotations

from reportgen.render.charts import chart_spec
from reportgen.render.context import Band, PanelView, ReportView
from reportgen.render.formatting import format_si, pick_band
from reportgen.render.html import render_html
from reportgen.render.pdf import render_pdf
from reportgen.render.shapes import check_shape, single_value
from reportgen.render.theme import Theme, load_theme

__all__ = [
    "Band",
    "PanelView",
    "ReportView",
    "Theme",
    "chart_spec",
    "check_shape",
    "format_si",
    "load_theme",
    "pick_band",
    "render_html",
    "render_pdf",
    "single_value",
]
