"""`build` and `publish`: dashboards into reports, and reports into the static site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from reportgen.cli.alerts import alert_options, delivery_of, send_alerts
from reportgen.cli.options import (
    engine_choice,
    finish,
    gate_options,
    say,
    selected_teams,
    snapshot_options,
)


@click.command()
@click.argument("dashboards", nargs=-1, required=True, type=click.Path(path_type=Path))
@snapshot_options
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--format", "formats", default="html", show_default=True, help="Comma-separated output formats."
)
@click.option(
    "--theme",
    default=None,
    metavar="NAME|FOLDER",
    help="Theme name (themes/NAME) or folder (default: the dashboard's theme).",
)
@click.option("--page-size", default=None, metavar="A4|Letter", help="PDF paper (default A4).")
@click.option("--orientation", default=None, metavar="portrait|landscape", help="PDF orientation.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--var", "variables", multiple=True, metavar="NAME=VALUE", help="Set a dashboard variable."
)
@gate_options
@alert_options
@click.option(
    "--alert-state",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Alerts left firing by the previous build (read, then rewritten): lets alerts resolve.",
)
def build(
    dashboards: tuple[Path, ...],
    logs: tuple[str, ...],
    sources: Path | None,
    at: str | None,
    tz: str | None,
    out: Path,
    formats: str,
    theme: str | None,
    page_size: str | None,
    orientation: str | None,
    strict: bool,
    variables: tuple[str, ...],
    fail_on: tuple[str, ...],
    summary_md: Path | None,
    no_cache: bool,
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
    alert_state: Path | None,
    site_url: str | None,
    sample: bool,
    **alerting: Any,
) -> None:
    """Build DASHBOARDS into OUT/<name>.html (.pdf with --format pdf) and OUT/<name>.json."""
    from reportgen.build import build as run_build
    from reportgen.dashboard.variables import parse_assignments
    from reportgen.gates import parse_fail_on

    gates = parse_fail_on(fail_on)
    choice = engine_choice(engine, spark_master, spark_remote, spark_conf)
    delivery = delivery_of(alerting)
    result = run_build(
        dashboards,
        logs=logs,
        sources=sources,
        out=out,
        at=at,
        tz=tz,
        formats=[f.strip() for f in formats.split(",") if f.strip()],
        theme=theme,
        strict=strict,
        page_size=page_size,
        orientation=orientation,
        variables=parse_assignments(variables),
        fail_on=gates,
        cache=not no_cache,
        engine=choice,
        alert_state=alert_state,
        site_url=site_url,
        sample=sample,
    )
    for line in result.warnings:
        say(f"warning: {line}")
    for path in result.outputs:
        click.echo(f"wrote {path}")
    finish(result.summaries, result.failed_panels, result.gates, summary_md)
    delivered = send_alerts(result.alerts, delivery)
    sys.exit(result.exit_code or (0 if delivered else 1))


@click.command()
@click.argument("dashboards", nargs=-1, required=True, type=click.Path(path_type=Path))
@snapshot_options
@click.option(
    "--site",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="Root folder of the static site.",
)
@click.option(
    "--date",
    "days",
    multiple=True,
    metavar="YYYY-MM-DD",
    help="Day to report on (repeatable: one run per day, one ingestion).",
)
@click.option(
    "--retention-days",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Remove runs dated more than N days before this run.",
)
@click.option(
    "--teams",
    "teams_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Site config (site.yaml) listing teams: also publish each team's scoped reports.",
)
@click.option(
    "--team",
    "team_names",
    multiple=True,
    metavar="NAME",
    help="Publish only this team's reports (repeatable; needs --teams).",
)
@click.option(
    "--format", "formats", default="html", show_default=True, help="Comma-separated output formats."
)
@click.option(
    "--theme",
    default=None,
    metavar="NAME|FOLDER",
    help="Theme of the reports and the site's pages (default: each dashboard's; default).",
)
@gate_options
@alert_options
def publish(
    dashboards: tuple[Path, ...],
    logs: tuple[str, ...],
    sources: Path | None,
    at: str | None,
    tz: str | None,
    site: Path,
    days: tuple[str, ...],
    retention_days: int | None,
    teams_file: Path | None,
    team_names: tuple[str, ...],
    formats: str,
    fail_on: tuple[str, ...],
    summary_md: Path | None,
    no_cache: bool,
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
    theme: str | None,
    site_url: str | None,
    sample: bool,
    **alerting: Any,
) -> None:
    """Build DASHBOARDS for one day into the static site SITE (index, history, feed)."""
    from reportgen.gates import parse_fail_on
    from reportgen.publish.site import publish as run_publish

    gates = parse_fail_on(fail_on)
    choice = engine_choice(engine, spark_master, spark_remote, spark_conf)
    delivery = delivery_of(alerting)
    teams = selected_teams(teams_file, team_names)
    result = run_publish(
        dashboards,
        site=site,
        logs=logs,
        sources=sources,
        days=days,
        at=at,
        tz=tz,
        retention_days=retention_days,
        teams=teams,
        site_reports=not team_names,
        formats=[f.strip() for f in formats.split(",") if f.strip()],
        fail_on=gates,
        cache=not no_cache,
        engine=choice,
        site_url=site_url,
        theme=theme,
        sample=sample,
    )
    if result.recovered:
        say(f"note: {result.recovered}")
    for line in result.warnings:
        say(f"warning: {line}")
    for path in result.runs:
        click.echo(f"published {path}")
    for path in result.removed:
        click.echo(f"removed {path} (retention)")
    finish(result.summaries, result.failed_panels, result.gates, summary_md)
    delivered = send_alerts(result.alerts, delivery)
    sys.exit(result.exit_code or (0 if delivered else 1))
