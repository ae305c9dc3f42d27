"""`validate` a dashboard without running it; `import sumo` a Sumo Logic export into YAML."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.options import say
from reportgen.errors import ReportgenError


@click.command()
@click.argument("dashboards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(dashboards: tuple[Path, ...], strict: bool) -> None:
    """Check DASHBOARDS (YAML, keys, queries) without running them: every problem at once."""
    from reportgen.dashboard.loader import load_dashboard

    failures = 0
    for path in dashboards:
        try:
            dashboard = load_dashboard(path)
        except ReportgenError as error:
            failures += 1
            say(f"error: {error}")
            continue
        for warning in dashboard.warnings:
            say(f"warning: {warning}")
        if strict and dashboard.warnings:
            failures += 1
            count = len(dashboard.warnings)
            say(f"error: {path}: {count} warning(s), errors in --strict mode")
        else:
            click.echo(f"ok {path}")
    sys.exit(2 if failures else 0)


@click.group(name="import")
def import_group() -> None:
    """Turn dashboards exported from other tools into dashboard YAML."""


@import_group.command()
@click.argument("export", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder for the YAML files (one per dashboard, named after its title).",
)
@click.option(
    "--strict", is_flag=True, help="Exit 2 when an imported dashboard would fail build --strict."
)
def sumo(export: Path, out: Path, strict: bool) -> None:
    """Convert a Sumo Logic content export (a dashboard or a folder, JSON) into OUT/*.yaml."""
    from reportgen.importers.sumo import import_sumo

    report = import_sumo(export, out, strict=strict)
    for line in report.skipped:
        click.echo(f"note: {line}", err=True)
    for item in report.written:
        click.echo(f"wrote {item.path} ({item.panels} panels)")
        for note in item.notes:
            click.echo(f"note: {item.path}: {note}", err=True)
        for problem in item.problems:
            click.echo(f"error: {problem}", err=True)
    sys.exit(2 if report.failed else 0)
