"""build(): the recipe, top to bottom. Load dashboards -> open snapshot -> run panels -> render."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from reportgen import __version__
from reportgen.alerts import AlertRun, Where, read_state, write_state
from reportgen.alerts.state import dashboard_alerts, summary_section
from reportgen.dashboard.loader import Dashboard, load_dashboard
from reportgen.dashboard.model import AbsoluteRange, PanelSpec, TimeRange
from reportgen.engine.options import EngineChoice
from reportgen.errors import ReportgenError, UsageError, suggestion
from reportgen.gates import Gate, check_fail_on, crossed_gates
from reportgen.output import iso_time, write_atomic
from reportgen.quiet import EMPTY_SNAPSHOT, snapshot_notice, window_notice
from reportgen.render import check_shape, render_html
from reportgen.render.context import Band, PanelView, ReportView, SectionView, Threshold
from reportgen.render.pdf import render_pdf
from reportgen.render.print_layout import PageOptions, page_options
from reportgen.render.theme import resolve_theme
from reportgen.session import Session, open_session
from reportgen.snapshot.report import problem_warnings
from reportgen.summary import summary_json
from reportgen.terminal import BuildProgress
from reportgen.timerange import Window, parse_instant

if TYPE_CHECKING:
    from reportgen.query.syntax.nodes import ScopeNode

FORMATS = ("html", "pdf")


@dataclass
class BuildResult:
    """What a build wrote and how it went."""

    outputs: list[Path] = field(default_factory=list)
    failed_panels: list[str] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # dashboards', then one per file read
    alerts: AlertRun = field(default_factory=lambda: AlertRun("build"))

    @property
    def exit_code(self) -> int:
        """Design D8: 3 when a --fail-on gate was crossed, else 1 when a panel failed."""
        if self.gates:
            return 3
        return 1 if self.failed_panels else 0


def build(
    dashboard_paths: Sequence[Path],
    *,
    logs: Sequence[Path | str] = (),
    sources: Path | None = None,
    out: Path = Path("out"),
    at: str | None = None,
    tz: str | None = None,
    formats: Sequence[str] = ("html",),
    theme: str | None = None,
    strict: bool = False,
    variables: Mapping[str, str] | None = None,
    fail_on: Sequence[str] = (),
    cache: bool = True,
    engine: EngineChoice | None = None,
    page_size: str | None = None,
    orientation: str | None = None,
    alert_state: Path | None = None,
    site_url: str | None = None,
    sample: bool = False,
) -> BuildResult:
    """Build every dashboard over one ingested snapshot into `out`.

    A failing panel becomes an error card (and `failed_panels` says which); invalid input of any
    kind raises a ReportgenError before anything is written. `fail_on` ("red", "error") names
    the CI gates whose crossing `gates` lists (and the summary's `gates` key explains).
    `alerts` holds the alerts that fire, and those that resolve since the alerts the
    `alert_state` file recorded (it is rewritten); `site_url` is where `out` is served, for
    the alerts' links (default: file URLs). `sample` reads the bundled sample (see
    `reportgen.session.open_session`).
    """
    check_formats(formats)
    theme_dir = resolve_theme(theme) if theme is not None else None
    page_options(page_size, orientation)  # a bad --page-size fails before any work
    check_fail_on(fail_on)
    # Validate every dashboard first: a typo in the last file fails before any work.
    dashboards = [load_dashboard(path, variables) for path in dashboard_paths]
    if strict:
        _check_strict(dashboards)
    earlier = read_state(alert_state) if alert_state is not None else []
    scopes = panel_scopes(dashboards)
    session = open_session(
        logs,
        sources,
        at=at,
        tz=tz or "UTC",
        cache=cache,
        sample=sample,
        scopes=scopes,
        engine=engine,
    )
    said = [warning for dashboard in dashboards for warning in dashboard.warnings]
    result = BuildResult(warnings=said + quiet_warnings(session))
    progress = BuildProgress(len(dashboards))
    try:
        for dashboard in dashboards:
            progress.dashboard(dashboard.stem)
            report = evaluate(session, dashboard, tz, progress=progress)
            result.warnings += window_warnings(dashboard, report)
            dashboard_theme = theme_dir or resolve_theme(dashboard.spec.theme)
            report.theme = dashboard_theme.name
            result.failed_panels += [
                f"{dashboard.stem}/{panel.id}" for panel in report.panels if panel.error
            ]
            gates = crossed_gates(dashboard, report, fail_on)
            result.gates += gates
            instant = iso_time(session.at, "UTC")
            where = Where(_report_url(out, dashboard.stem, formats, site_url), instant)
            firing, resolved = dashboard_alerts(dashboard, report, where, earlier)
            result.alerts.extend(firing, resolved)
            extra = {
                "gates": [gate.as_json() for gate in gates],
                "alerts": summary_section(firing, resolved),
            }
            page = page_options(page_size, orientation, _page_block(report))
            rendered = render_outputs(
                dashboard, report, session, formats, extra, theme_dir=dashboard_theme, page=page,
                progress=progress,
            )  # fmt: skip
            result.summaries.append(json.loads(rendered["json"]))
            out.mkdir(parents=True, exist_ok=True)
            for suffix, data in rendered.items():
                path = out / f"{dashboard.stem}.{suffix}"
                write_atomic(path, data)
                result.outputs.append(path)
    finally:
        progress.done()
        session.close()
    if alert_state is not None:
        built = {dashboard.stem for dashboard in dashboards}
        kept = [a for a in earlier if a.dashboard not in built or a.team is not None]
        write_state(alert_state, [*result.alerts.firing, *kept])
    return result


def _report_url(out: Path, stem: str, formats: Sequence[str], site_url: str | None) -> str:
    """Where the alerts of a built dashboard link to: its HTML (else PDF) under `site_url`, or
    as a file URL."""
    name = f"{stem}.{'html' if 'html' in formats else 'pdf'}"
    if site_url:
        return f"{site_url.rstrip('/')}/{quote(name)}"
    return (out / name).resolve().as_uri()


def panel_scopes(dashboards: Sequence[Dashboard]) -> list[ScopeNode] | None:
    """The scope of every panel query of `dashboards` (files none can match need not be read).
    None, and every file is read, when a query does not parse (its panel says why) or a range
    is `all`: that range starts at the snapshot's first message, which a file left out could
    hold."""
    from reportgen.query import parse_query
    from reportgen.query.restrict import effective_scope

    scopes = []
    for dashboard in dashboards:
        if _reads_all(dashboard.spec.time_range):
            return None
        for _, _, panel in dashboard.spec.every_panel():
            if panel.time_range is not None and _reads_all(panel.time_range):
                return None
            if panel.type == "text":
                continue
            try:
                scopes.append(effective_scope(parse_query(panel.query)))
            except ReportgenError:
                return None
    return scopes


def _reads_all(time_range: TimeRange) -> bool:
    return isinstance(time_range, str) and time_range.strip().lower() == "all"


def render_outputs(
    dashboard: Dashboard,
    report: ReportView,
    session: Session,
    formats: Sequence[str] = ("html",),
    summary_extra: Mapping[str, Any] | None = None,
    *,
    theme_dir: Path | None = None,
    page: PageOptions | None = None,
    progress: BuildProgress | None = None,
) -> dict[str, bytes]:
    """Every output of one evaluated dashboard, by file suffix: the requested `formats` and the
    summary (`json`, with `summary_extra` merged into its top level). `build` and `publish`
    both write what this returns, so a new format appears in both."""
    outputs: dict[str, bytes] = {}
    if "html" in formats:
        if progress is not None:
            progress.stage("rendering HTML")
        outputs["html"] = render_html(report, theme_dir).encode("utf-8")
    if "pdf" in formats:
        if progress is not None:
            progress.stage("rendering PDF")
        outputs["pdf"] = render_pdf(
            report, page or page_options(None, None, _page_block(report)), theme_dir
        )
    summary = summary_json(dashboard, report, session)
    if summary_extra:
        document = json.loads(summary)
        document.update(summary_extra)
        summary = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    outputs["json"] = summary.encode("utf-8")
    return outputs


def evaluate(
    session: Session,
    dashboard: Dashboard,
    tz: str | None = None,
    scope: ScopeNode | None = None,
    progress: BuildProgress | None = None,
) -> ReportView:
    """Run every panel of `dashboard` and assemble the report the templates render.

    `scope` (a parsed search expression) restricts every panel's query to the messages it
    selects: a team's data access scope (`reportgen.query.restrict`). `progress` hears of
    each panel as it starts.
    """
    from reportgen.engine import run_query
    from reportgen.engine.shared import shared_sources
    from reportgen.query import Query, parse_query, restrict

    spec = dashboard.spec
    zone = tz or spec.timezone
    window = _window(session, spec.time_range, zone)
    every = list(spec.every_panel())
    windows = [
        window if panel.time_range is None else _window(session, panel.time_range, zone)
        for _, _, panel in every
    ]
    queries: list[tuple[Query, Window] | None] = []
    for (_, _, panel), panel_window in zip(every, windows, strict=True):
        try:
            parsed = None if panel.type == "text" else parse_query(panel.query)
        except ReportgenError:
            parsed = None  # the panel says why when it runs
        if parsed is not None and scope is not None:
            parsed = restrict(parsed, scope)
        queries.append(None if parsed is None else (parsed, panel_window))
    sources = shared_sources(session.engine, queries)
    last_reader = {source: index for index, source in enumerate(sources) if source is not None}
    panels: list[PanelView] = []
    for number, (_, section, panel) in enumerate(every, start=1):
        if progress is not None:
            progress.panel(number, len(every), panel.id)
        view = _panel_view(panel, section)
        panel_window = windows[number - 1]
        if panel.time_range is not None:
            view.window_label = panel_window.label()
        if panel.type == "text":
            panels.append(view)
            continue
        item, source = queries[number - 1], sources[number - 1]
        query: str | Query = panel.query if item is None else item[0]
        started = time.perf_counter()
        try:
            view.result = run_query(session.engine, query, panel_window, source=source)
            check_shape(panel.type, view.result)
        except ReportgenError as error:
            view.error = str(error)
        finally:
            if source is not None and last_reader[source] == number - 1:
                session.engine.release(source)
        view.elapsed_ms = (time.perf_counter() - started) * 1000
        panels.append(view)
    info = session.snapshot
    notice = window_notice(session.engine, window, scope)
    return ReportView(
        title=spec.title,
        description=spec.description,
        window_label=window.label(),
        tz=zone,
        at=session.at,
        panels=panels,
        version=__version__,
        theme=spec.theme,
        snapshot_label=_snapshot_label(session),
        rows_ingested=info.rows,
        problems=dict(info.problems),
        sections=[SectionView(s.title, s.description, s.page_break) for s in spec.sections],
        page_size=spec.page.size,
        page_orientation=spec.page.orientation,
        snapshot_digest=info.digest,
        # A team's report lists no file names: other teams' files would leak through them.
        snapshot_files=[]
        if scope is not None
        else [(f.name, f.format, f.records) for f in info.files],
        variables=dict(dashboard.variables),
        scoped=scope is not None,
        notices=[] if notice is None else [notice[0].upper() + notice[1:] + "."],
    )


def quiet_warnings(session: Session) -> list[str]:
    """The snapshot's problems, one line per file, then whether it holds no messages at all."""
    empty = snapshot_notice(session.snapshot)
    return problem_warnings(session.snapshot) + ([] if empty is None else [empty])


def window_warnings(dashboard: Dashboard, report: ReportView) -> list[str]:
    """A line per notice of a report whose time range holds no messages (an empty snapshot was
    said once already)."""
    return [
        f"{dashboard.stem}: {notice[0].lower()}{notice[1:].rstrip('.')}"
        for notice in report.notices
        if not notice.lower().startswith(EMPTY_SNAPSHOT)
    ]


def _window(session: Session, value: TimeRange, zone: str) -> Window:
    if isinstance(value, AbsoluteRange):
        start = parse_instant(value.start, zone, option="time_range.from")
        end = parse_instant(value.end, zone, option="time_range.to")
        return Window(start, end, zone)
    return session.window(value, zone, option="time_range")


def _panel_view(panel: PanelSpec, section: int = -1) -> PanelView:
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
        section=section,
        height=panel.height,
        page_break=panel.page_break,
        text=panel.text,
        color_mode=panel.color_mode,
        no_data=panel.no_data,
        sparkline=panel.sparkline,
        legend=panel.legend,
        value_labels=panel.value_labels,
        thresholds=[Threshold(t.column, t.op, t.value, t.color, t.label) for t in panel.thresholds],
        number_format=dict(panel.number_format),
        series_colors=dict(panel.series_colors),
    )


def _snapshot_label(session: Session) -> str:
    info = session.snapshot
    what = (
        "bundled sample snapshot"
        if session.bundled
        else ", ".join(str(root) for root in info.roots)
    )
    return f"{what} ({len(info.files)} files, sha256 {info.digest[:12]})"


def _page_block(report: ReportView) -> dict[str, str]:
    return {"size": report.page_size, "orientation": report.page_orientation}


def check_formats(formats: Sequence[str]) -> None:
    """Refuse an unknown or empty `--format` list before any work is done."""
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
    problems = [warning for dashboard in dashboards for warning in dashboard.warnings]
    if problems:
        raise UsageError(
            "warnings are errors in --strict mode:\n" + "\n".join(problems),
        )
