"""`reportgen publish`: build dashboards for a date into the static site archive.

The recipe: load every dashboard (and the teams) -> ingest the snapshot once -> evaluate and
render every run into a private staging folder inside the site -> only then move the runs into
place, refresh `latest/`, apply retention and rewrite the index, history pages and feed. An
error before the move leaves the site exactly as it was; a panel that fails is not an error of
the run (its report shows an error card, as with `build`, and the exit code says so).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reportgen.alerts import AlertRun, Where
from reportgen.alerts.state import alerts_of_summary, dashboard_alerts, summary_section
from reportgen.build import check_formats, evaluate, quiet_warnings, render_outputs
from reportgen.dashboard.loader import Dashboard, load_dashboard
from reportgen.engine.options import EngineChoice
from reportgen.errors import UsageError
from reportgen.gates import Gate, check_fail_on, crossed_gates
from reportgen.output import format_result, iso_time, write_atomic
from reportgen.publish import archive, commit
from reportgen.publish.markdown import format_change
from reportgen.publish.pages import change_of
from reportgen.publish.run_alerts import newest_alerts, run_url
from reportgen.publish.siteconfig import Team
from reportgen.publish.teams import scoped_rows
from reportgen.quiet import EMPTY_SNAPSHOT
from reportgen.render.context import ReportView
from reportgen.render.theme import resolve_theme
from reportgen.session import Session, open_session
from reportgen.summary import panel_value
from reportgen.terminal import BuildProgress
from reportgen.timerange import parse_instant, zone_info

FILE_NAMES = {"html": archive.REPORT, "json": archive.SUMMARY}


@dataclass
class PublishResult:
    """What a publish wrote, removed and found."""

    runs: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    failed_panels: list[str] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recovered: str | None = None  # what was done to finish an interrupted publish
    alerts: AlertRun = field(default_factory=lambda: AlertRun("publish"))

    @property
    def exit_code(self) -> int:
        if self.gates:
            return 3
        return 1 if self.failed_panels else 0


@dataclass(frozen=True)
class Target:
    """Where runs go: the site itself (`team` None) or a team's part of it."""

    root: Path
    team: Team | None


def parse_date(text: str) -> date:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            pass
    raise UsageError(f"invalid date '{text}' (--date)", hint="expected YYYY-MM-DD, e.g. 2026-11-20")


def run_date(session: Session, zone: str) -> date:
    """The day a run reports on: the date, in the report zone, of the last instant before
    `at` (so `--at 2026-11-21T00:00` and `--date 2026-11-20` both name the 20th)."""
    return (session.at - timedelta(microseconds=1)).astimezone(zone_info(zone)).date()


def publish(
    dashboard_paths: Sequence[Path],
    *,
    site: Path = Path("site"),
    logs: Sequence[Path | str] = (),
    sources: Path | None = None,
    days: Sequence[str] = (),
    at: str | None = None,
    tz: str | None = None,
    retention_days: int | None = None,
    teams: Sequence[Team] = (),
    site_reports: bool = True,
    formats: Sequence[str] = ("html",),
    fail_on: Sequence[str] = (),
    cache: bool = True,
    sample: bool = False,
    site_url: str | None = None,
    theme: str | None = None,
    engine: EngineChoice | None = None,
) -> PublishResult:
    """Publish every dashboard for each date into `site` (and into each team's part of it).

    Each of `days` (YYYY-MM-DD) is a run whose `at` is the following midnight in the report
    zone; the snapshot is ingested once for all of them. `site_reports` False publishes the
    teams' reports only. Without `logs`, only `sample` (or `--logs sample`) reads the bundled
    sample: a site never shows invented numbers by accident. `alerts` holds the alerts of each
    dashboard's newest run (a backfilled date alerts nobody), against the run before it;
    `site_url` is where `site` is served (the alerts' links); `theme` (a name or folder) styles
    the reports and the site's pages.
    """
    check_formats(formats)
    theme_dir = resolve_theme(theme) if theme is not None else None
    check_fail_on(fail_on)
    if days and at is not None:
        raise UsageError("--date cannot be combined with --at", hint="use one or the other")
    archive.check_site(site)
    zone = tz or "UTC"
    instants = [at]
    if days:
        dates = sorted({parse_date(day) for day in days})
        instants = [(d + timedelta(days=1)).isoformat() + "T00:00:00" for d in dates]
    dashboards = [load_dashboard(path) for path in dashboard_paths]
    seen: dict[str, Path] = {}
    for dashboard in dashboards:
        if dashboard.stem in archive.RESERVED or dashboard.stem.startswith("."):
            raise UsageError(f"a dashboard cannot be named '{dashboard.stem}' in a site")
        if dashboard.stem in seen:
            raise UsageError(
                f"{seen[dashboard.stem]} and {dashboard.path} would both publish to "
                f"'{dashboard.stem}/'",
                hint="rename one of the files",
            )
        seen[dashboard.stem] = dashboard.path
    targets = [Target(site, None)] if site_reports else []
    targets += [Target(site / archive.TEAMS / team.name, team) for team in teams]
    base = open_session(
        logs,
        sources,
        at=instants[0],
        tz=zone,
        cache=cache,
        sample=sample,
        fallback=False,
        engine=engine,
    )
    try:
        lock = commit.lock_site(site)
    except BaseException:
        base.close()
        raise
    result = PublishResult(warnings=quiet_warnings(base))
    journal: commit.Journal | None = None
    staging = site / ".staging-none"
    try:
        result.recovered = commit.recover(site)
        staging = archive.new_staging(site)
        sessions = [base] + [
            dataclasses.replace(base, at=parse_instant(text, zone)) for text in instants[1:] if text
        ]
        options = _Options(zone, tz, formats, fail_on, theme_dir, site, site_url)
        staged, made = _stage_all(sessions, targets, dashboards, staging, options, result)
        newest_alerts(result.alerts, made, run_date(sessions[-1], zone))
        journal = commit.Journal(
            staging=staging.name,
            moves=[_move(site, folder, final) for folder, final in staged],
            targets=[(_under(site, t.root), t.team.name if t.team else None) for t in targets],
            dashboards=[dashboard.stem for dashboard in dashboards],
            newest=run_date(sessions[-1], zone).isoformat(),
            retention_days=retention_days,
            theme=None if theme_dir is None else str(theme_dir),
        )
        result.removed = commit.commit(site, journal)
        result.runs = [final for _, final in staged]
    except BaseException:
        if journal is not None and commit.committed(site):
            commit.complete(site, journal)  # committed: finish it rather than leave it half done
        raise
    finally:
        base.close()
        if not commit.committed(site):
            shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)
    return result


@dataclass(frozen=True)
class _Options:
    """How every run of one publish is made: zones, formats, gates, the theme folder (None: each
    dashboard's) and where the site is served (the alerts' links)."""

    zone: str
    tz: str | None
    formats: Sequence[str]
    fail_on: Sequence[str]
    theme_dir: Path | None
    site: Path
    site_url: str | None


def _stage_all(
    sessions: list[Session],
    targets: list[Target],
    dashboards: list[Dashboard],
    staging: Path,
    options: _Options,
    result: PublishResult,
) -> tuple[list[tuple[Path, Path]], dict[Path, list[archive.Run]]]:
    """Render every run into `staging`: (staged folder, final folder) of each, in order, and
    the staged runs of each dashboard folder."""
    staged: list[tuple[Path, Path]] = []
    made: dict[Path, list[archive.Run]] = {}  # staged runs, as earlier runs of later days
    with BuildProgress(len(sessions) * len(targets) * len(dashboards)) as progress:
        for session in sessions:
            when = run_date(session, options.zone)
            for target, dashboard in itertools.product(targets, dashboards):
                team = f"{target.team.name}: " if target.team else ""
                progress.dashboard(f"{team}{dashboard.stem} {when.isoformat()}")
                home = target.root / dashboard.stem
                earlier = [*archive.runs_of(home), *made.get(home, [])]
                previous = max(
                    (run for run in earlier if run.date < when),
                    key=lambda run: run.date,
                    default=None,
                )
                folder = staging / f"run-{len(staged)}"
                summary = _stage_run(
                    session, dashboard, target, when, previous, options, folder, progress
                )
                made.setdefault(home, []).append(archive.Run(dashboard.stem, when, folder, summary))
                _count(result, summary, target, dashboard)
                staged.append((folder, home / when.isoformat()))
                commit.checkpoint()
    return staged, made


def _under(site: Path, path: Path) -> str:
    return path.relative_to(site).as_posix()


def _move(site: Path, staged: Path, final: Path) -> commit.Move:
    """The journal's entry for putting `staged` at `final` (the old run goes aside first)."""
    name = _under(site, final)
    return commit.Move(_under(site, staged), name, commit.aside_name(name))


def _count(
    result: PublishResult, summary: dict[str, Any], target: Target, board: Dashboard
) -> None:
    result.summaries.append(summary)
    result.gates += [_gate(gate) for gate in summary["gates"]]
    prefix = f"{target.team.name}:" if target.team else ""
    for notice in summary["notices"]:
        if not notice.lower().startswith(EMPTY_SNAPSHOT):
            result.warnings.append(f"{prefix}{board.stem} {summary['date']}: {notice}")
    result.failed_panels += [
        f"{prefix}{board.stem}/{p['id']}" for p in summary["panels"] if p["status"] != "ok"
    ]


def _gate(entry: dict[str, Any]) -> Gate:
    return Gate(entry["gate"], entry["dashboard"], entry["panel"], entry["message"])


def _stage_run(
    session: Session,
    dashboard: Dashboard,
    target: Target,
    when: date,
    previous: archive.Run | None,
    options: _Options,
    folder: Path,
    progress: BuildProgress | None = None,
) -> dict[str, Any]:
    """Evaluate one dashboard for one target and write its run into `folder`."""
    team = target.team
    scope = team.scope if team else None
    report = evaluate(session, dashboard, options.tz, scope=scope, progress=progress)
    if options.theme_dir is not None:
        report.theme = options.theme_dir.name
    if team is not None:
        # The footer counts only the messages the team may see.
        report.rows_ingested = scoped_rows(session, team.scope)
    gates = crossed_gates(dashboard, report, options.fail_on)
    if previous is not None:
        report.extra["changes"] = _changes(report, previous)
    outputs = render_outputs(
        dashboard, report, session, options.formats, theme_dir=options.theme_dir, progress=progress
    )
    document: dict[str, Any] = json.loads(outputs["json"])
    _annotate(document, dashboard, when, previous, gates, team)
    url = run_url(options.site, target.root / dashboard.stem / when.isoformat(), options.site_url)
    where = Where(url, iso_time(session.at, "UTC"), team.name if team else None, str(when))
    before = alerts_of_summary(previous.summary, str(previous.path)) if previous else []
    document["alerts"] = summary_section(*dashboard_alerts(dashboard, report, where, before))
    if team is not None:
        document["snapshot"]["rows"] = report.rows_ingested
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    outputs["json"] = text.encode("utf-8")
    folder.mkdir(parents=True)
    for suffix, data in outputs.items():
        write_atomic(folder / FILE_NAMES.get(suffix, f"report.{suffix}"), data)
    for panel in report.panels:
        if panel.result is not None and not panel.error:
            csv = format_result(panel.result, "csv", report.tz)
            write_atomic(folder / f"{panel.id}.csv", csv.encode("utf-8"))
    return document


def _changes(report: ReportView, previous: archive.Run) -> dict[str, str]:
    """The text each single value of the report shows under it: `+97 since 2026-11-19`."""
    earlier = {p["id"]: p.get("value") for p in previous.summary["panels"]}
    changes = {}
    for panel in report.panels:
        if panel.type != "single_value" or panel.id not in earlier:
            continue
        change = change_of(panel_value(panel), earlier[panel.id])
        if change is not None:
            changes[panel.id] = f"{format_change(change)} since {previous.stamp}"
    return changes


def _annotate(
    document: dict[str, Any],
    dashboard: Dashboard,
    when: date,
    previous: archive.Run | None,
    gates: list[Gate],
    team: Team | None,
) -> None:
    """Add what a site run knows beyond a build: its date, the previous run and the change of
    each single value since then, the gates crossed, and the team it was scoped to."""
    document["date"] = when.isoformat()
    document["gates"] = [gate.as_json() for gate in gates]
    document["previous_run"] = previous.stamp if previous else None
    if team is not None:
        document["team"] = {"name": team.name, "scope": team.scope_text}
    earlier = {p["id"]: p for p in previous.summary["panels"]} if previous else {}
    for panel in document["panels"]:
        if panel["type"] != "single_value":
            continue
        before = earlier.get(panel["id"], {}).get("value")
        panel["previous"] = before
        panel["change"] = change_of(panel.get("value"), before)
