"""`reportgen mail`: a report as an email that mail clients show safely.

The HTML body has no script and no external reference: single values are text with their band,
charts are PNG images (vl-convert) attached inline and referenced by Content-ID, tables show
their first rows. A plain-text part carries the same values. The PDF is attached when the build
can produce one; CSVs on request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import vl_convert

from reportgen.output import format_result
from reportgen.render.context import ReportView
from reportgen.render.html import environment
from reportgen.render.panels import NO_DATA, PanelModel, Table, build_panel, unique_ids
from reportgen.render.theme import Theme, load_theme, theme_dir_for

MAX_TABLE_ROWS = 20
_LINE_BREAKS = re.compile(r"[\r\n]+")


@dataclass
class Envelope:
    """Who sends, who receives, and the subject."""

    sender: str
    to: list[str]
    cc: list[str] = field(default_factory=list)
    subject: str = ""


@dataclass
class MailPanel:
    """A panel as the mail body shows it."""

    title: str
    kind: str  # single_value | chart | table | empty | error
    text: str = ""
    band: str = ""
    style: str = ""
    change: str = ""
    cid: str = ""
    alt: str = ""
    table: Table | None = None
    more_rows: int = 0


def header_text(text: str) -> str:
    """A header value on one line (a title with a newline must not add headers)."""
    return _LINE_BREAKS.sub(" ", text).strip()


def chart_png(spec: Mapping[str, Any]) -> bytes:
    """A Vega-Lite spec drawn as PNG (2x for sharp text on high-density screens)."""
    png: bytes = vl_convert.vegalite_to_png(vl_spec=dict(spec), scale=2)
    return png


def _mail_panel(
    model: PanelModel, index: int, changes: Mapping[str, str]
) -> tuple[MailPanel, bytes | None]:
    view = model.view
    panel = MailPanel(view.title, model.kind)
    if model.kind == "error":
        panel.text = model.error.splitlines()[0] if model.error else "failed"
        return panel, None
    if model.kind == "empty":
        return panel, None
    if model.kind == "single_value":
        unit = f" {model.unit}" if model.unit else ""
        panel.text = model.value_text + unit
        panel.band = model.band_label
        # Mail clients ignore CSS variables: keep only a plain background/text declaration.
        if model.single is not None and model.single.style.startswith("background-color"):
            panel.style = model.single.style
        panel.change = changes.get(view.id, "")
        return panel, None
    if model.spec is not None:
        panel.kind = "chart"
        # Short and unique within the message: a folded (encoded) Content-ID breaks the link.
        panel.cid = f"<chart-{index}@reportgen.invalid>"
        panel.alt = model.summary or view.title
        return panel, chart_png(model.spec)
    if model.table is not None:
        rows = model.table.rows
        panel.table = Table(model.table.headers, rows[:MAX_TABLE_ROWS])
        panel.more_rows = max(0, len(rows) - MAX_TABLE_ROWS)
    return panel, None


def _plain_text(report: ReportView, panels: Sequence[MailPanel]) -> str:
    lines = [report.title, f"{report.window_label} ({report.tz})", *report.notices, ""]
    for panel in panels:
        if panel.kind == "single_value":
            extra = f" ({panel.band})" if panel.band else ""
            change = f", {panel.change}" if panel.change else ""
            lines.append(f"{panel.title}: {panel.text}{extra}{change}")
        elif panel.kind == "error":
            lines.append(f"{panel.title}: FAILED: {panel.text}")
        elif panel.kind == "empty":
            lines.append(f"{panel.title}: {NO_DATA.lower()}")
        else:
            lines.append(f"{panel.title}: see the attached report")
    return "\n".join(lines) + "\n"


def compose(
    report: ReportView,
    envelope: Envelope,
    *,
    attachments: Mapping[str, bytes] | None = None,
    changes: Mapping[str, str] | None = None,
    theme: Theme | None = None,
) -> EmailMessage:
    """The whole message: text and HTML alternatives, inline chart images, then `attachments`
    (file name -> bytes; `.pdf` and `.csv` get their media types)."""
    theme = theme or load_theme(theme_dir_for(report.theme))
    ids = unique_ids(report.panels)
    panels: list[MailPanel] = []
    images: list[tuple[str, bytes]] = []
    for index, (view, dom_id) in enumerate(zip(report.panels, ids, strict=True), start=1):
        model = build_panel(view, dom_id, theme, report.tz)
        panel, png = _mail_panel(model, index, changes or {})
        panels.append(panel)
        if png is not None:
            images.append((panel.cid, png))
    message = EmailMessage()
    message["Subject"] = header_text(envelope.subject or report.title)
    message["From"] = header_text(envelope.sender)
    message["To"] = ", ".join(header_text(a) for a in envelope.to)
    if envelope.cc:
        message["Cc"] = ", ".join(header_text(a) for a in envelope.cc)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="reportgen.invalid")
    message.set_content(_plain_text(report, panels))
    html = (
        environment(theme)
        .get_template("mail_body.html")
        .render(
            report=report,
            panels=panels,
        )
    )
    message.add_alternative(html, subtype="html")
    html_part = message.get_body(preferencelist=("html",))
    assert isinstance(html_part, EmailMessage)
    for cid, png in images:
        html_part.add_related(png, maintype="image", subtype="png", cid=cid)
    for name, data in (attachments or {}).items():
        maintype, subtype = _media_type(name)
        if maintype == "text":
            text = data.decode("utf-8")
            message.add_attachment(text, subtype=subtype, filename=name)
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def _media_type(name: str) -> tuple[str, str]:
    if name.endswith(".pdf"):
        return "application", "pdf"
    if name.endswith(".csv"):
        return "text", "csv"
    return "application", "octet-stream"


def csv_attachments(report: ReportView) -> dict[str, bytes]:
    """Each panel's result as `<panel-id>.csv` (failed panels have none)."""
    found: dict[str, bytes] = {}
    for panel in report.panels:
        if panel.result is not None and not panel.error:
            found[f"{panel.id}.csv"] = format_result(panel.result, "csv", report.tz).encode()
    return found
