"""build(): the recipe, top to bottom. Load dashboards -> open snapshot -> run panels -> render."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen import __version__
from reportgen.errors import ReportgenError, UsageError, suggestion
from reportgen.output import write_atomic
from reportgen.render import check_shape, render_html
from reportgen.render.context import Band, PanelView, ReportView
from reportgen.render.pdf import render_pdf
from reportgen.render.print_layout import page_options
from reportgen.render.theme import resolve_theme
from reportgen.session import Session, open_session
from reportgen.spec.loader import Dashboard, load_dashboard
from reportgen.spec.model import PanelSpec
from reportgen.summary import summary_json

FORMATS = ("html", "pdf")


@dataclass
class BuildResult:
    """What a build wrote and how it went."""

    outputs: list[Path] = field(default_factory=list)
    failed_panels: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_panels else 0


def build(
    dashboard_paths: Sequence[Path],
    *,
    logs: Sequence[Path] = (),
    sources: Path | None = None,
    out: Path = Path("out"),
    at: str | None = None,
    tz: str | None = None,
    formats: Sequence[str] = ("html",),
    theme: str = "default",
    strict: bool = False,
    page_size: str | None = None,
    orientation: str | None = None,
) -> BuildResult:
    """Build every dashboard over one ingested snapshot into `out`.

    A failing panel becomes an error card (and `failed_panels` says which); invalid input of any
    kind raises a ReportgenError before anything is written.
    """
    _check_options(formats)
    theme_dir = resolve_theme(theme)
    page_options(page_size, orientation)  # a bad --page-size fails before any work
    # Validate every dashboard first: a typo in the last file fails before any work.
    dashboards = [load_dashboard(path) for path in dashboard_paths]
    if strict:
        _check_strict(dashboards)
    session = open_session(logs, sources, at=at, tz=tz or "UTC")
    result = BuildResult()
    try:
        for dashboard in dashboards:
            report = evaluate(session, dashboard, tz)
            report.theme = theme_dir.name
            result.failed_panels += [
                f"{dashboard.stem}/{panel.id}" for panel in report.panels if panel.error
            ]
            out.mkdir(parents=True, exist_ok=True)
            if "html" in formats:
                html_path = out / f"{dashboard.stem}.html"
                write_atomic(html_path, render_html(report, theme_dir).encode("utf-8"))
                result.outputs.append(html_path)
            if "pdf" in formats:
                page = page_options(page_size, orientation, report.extra.get("page"))
                pdf_path = out / f"{dashboard.stem}.pdf"
                write_atomic(pdf_path, render_pdf(report, page, theme_dir))
                result.outputs.append(pdf_path)
            json_path = out / f"{dashboard.stem}.json"
            write_atomic(json_path, summary_json(dashboard, report, session).encode("utf-8"))
            result.outputs.append(json_path)
    finally:
        session.close()
    return result


def evaluate(session: Session, dashboard: Dashboard, tz: str | None = None) -> ReportView:
    """Run every panel of `dashboard` and assemble the report the templates render."""
    from reportgen.engine import run_query

    spec = dashboard.spec
    zone = tz or spec.timezone
    window = session.window(spec.time_range, zone, option="time_range")
    panels: list[PanelView] = []
    for panel in spec.panels:
        view = _panel_view(panel)
        panel_window = window
        if panel.time_range is not None:
            panel_window = session.window(panel.time_range, zone, option="time_range")
            view.window_label = panel_window.label()
        started = time.perf_counter()
        try:
            view.result = run_query(session.con, panel.query, panel_window)
            check_shape(panel.type, view.result)
        except ReportgenError as error:
            view.error = str(error)
        view.elapsed_ms = (time.perf_counter() - started) * 1000
        panels.append(view)
    info = session.snapshot
    return ReportView(
        title=spec.title,
        description=spec.description,
        window_label=window.label(),
        tz=zone,
        at=session.at,
        panels=panels,
        version=__version__,
        theme="default",
        snapshot_label=_snapshot_label(session),
        rows_ingested=info.rows,
        problems=dict(info.problems),
    )


def _panel_view(panel: PanelSpec) -> PanelView:
    return PanelView(
        id=panel.id,
        title=panel.title,
        type=panel.type,
        query=panel.query,
        width=panel.width,
        description=panel.description,
        unit=panel.unit,
        bands=[Band(b.color, b.low, b.high, b.label) for b in panel.bands],
        stacked=panel.stacked,
        x_title=panel.x_title,
        y_title=panel.y_title,
    )


def _snapshot_label(session: Session) -> str:
    info = session.snapshot
    what = (
        "bundled sample snapshot"
        if session.bundled
        else ", ".join(str(root) for root in info.roots)
    )
    return f"{what} ({len(info.files)} files, sha256 {info.digest[:12]})"


def _check_options(formats: Sequence[str]) -> None:
    for name in formats:
        if name not in FORMATS:
            raise UsageError(
                f"unknown output format '{name}' (--format)",
                hint=suggestion(name, FORMATS) or "expected: " + ", ".join(FORMATS),
            )
    if not formats:
        raise UsageError(
            "no output format given (--format)", hint="expected: html, pdf or html,pdf"
        )


def _check_strict(dashboards: Sequence[Dashboard]) -> None:
    from reportgen.query import parse_query

    problems = []
    for dashboard in dashboards:
        for index, panel in enumerate(dashboard.spec.panels):
            for warning in parse_query(panel.query).warnings:
                problems.append(f"{dashboard.path}: panels[{index}].query ({panel.id}): {warning}")
    if problems:
        raise UsageError(
            "warnings are errors in --strict mode:\n" + "\n".join(problems),
        )
