"""The command line. The only place that turns ReportgenError into messages and exit codes:
0 ok, 1 a panel failed, 2 bad usage or invalid input (design D8)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reportgen import __version__
from reportgen.cli_alerts import alert_options, delivery_of, send_alerts
from reportgen.errors import ReportgenError
from reportgen.interrupt import Interrupted, interrupted, interruptible
from reportgen.terminal import terminal_safe

F = TypeVar("F", bound=Callable[..., Any])


def _no_cache_option(command: F) -> F:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Ingest the snapshot again instead of reusing the cached ingest of unchanged files.",
    )(command)


def _engine_options(command: F) -> F:
    command = click.option(
        "--spark-conf",
        multiple=True,
        metavar="KEY=VALUE",
        help="A Spark setting (repeatable), e.g. spark.executor.memory=4g.",
    )(command)
    command = click.option(
        "--spark-remote",
        envvar="REPORTGEN_SPARK_REMOTE",
        default=None,
        metavar="sc://HOST:PORT",
        help="Spark Connect server (Databricks, Spark 4); wins over --spark-master.",
    )(command)
    command = click.option(
        "--spark-master",
        envvar="REPORTGEN_SPARK_MASTER",
        default=None,
        metavar="URL",
        help="Spark master: local[N], spark://host:7077, yarn, k8s://... (default: local[*], "
        "or spark-submit's --master).",
    )(command)
    command = click.option(
        "--engine",
        default=None,
        metavar="duckdb|spark",
        help="Engine (default: sources.yaml's engine:, else $REPORTGEN_ENGINE, else duckdb).",
    )(command)
    return command


def _engine_choice(
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
) -> Any:
    """The engine options as an EngineChoice (bad values fail before any work)."""
    from reportgen.engine.options import (
        EngineChoice,
        SparkOptions,
        check_engine,
        parse_spark_conf,
    )

    name = check_engine(engine, "--engine") if engine else None
    spark = SparkOptions(spark_master, spark_remote or None, parse_spark_conf(spark_conf))
    return EngineChoice(name, spark)


LOGS_HELP = (
    "Snapshot: a folder, tarball or file, or on Spark a URI such as s3a://bucket/logs/ "
    "(repeatable); 'sample' is the bundled sample, which build, query and inspect also read "
    "without --logs unless $CI is set."
)


def _sample_option(command: F) -> F:
    return click.option(
        "--sample", is_flag=True, help="Read the bundled sample snapshot (invented logs)."
    )(command)


def _snapshot_options(command: F) -> F:
    command = _engine_options(command)
    command = _no_cache_option(command)
    command = click.option(
        "--tz",
        default=None,
        metavar="ZONE",
        help="Report time zone (IANA name); default UTC or the dashboard's.",
    )(command)
    command = click.option(
        "--at",
        default=None,
        metavar="TIME",
        help="Reference instant (ISO 8601); default: the minute after the latest message.",
    )(command)
    command = click.option(
        "--sources",
        type=click.Path(path_type=Path),
        default=None,
        metavar="FILE",
        help="sources.yaml mapping files to metadata (default: the one in the snapshot root).",
    )(command)
    command = click.option(
        "--logs",
        multiple=True,
        metavar="PATH",
        help=LOGS_HELP,
    )(command)
    return _sample_option(command)


def _gate_options(command: F) -> F:
    command = click.option(
        "--summary-md",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        metavar="FILE",
        help="Also write a Markdown summary (for a PR comment or a CI job summary).",
    )(command)
    command = click.option(
        "--fail-on",
        multiple=True,
        metavar="red|error",
        help="Exit 3 when a single value is in a band marked fail (red) or a panel failed (error).",
    )(command)
    return command


def _say(text: str) -> None:
    """A line on stderr, made safe for a terminal (it may quote log text or file names)."""
    click.echo(terminal_safe(text), err=True)


def _finish(
    summaries: list[dict[str, Any]],
    failed_panels: list[str],
    gates: list[Any],
    summary_md: Path | None,
) -> None:
    """Report failed panels and crossed gates on stderr; write the Markdown summary."""
    from reportgen.output import write_atomic
    from reportgen.publish.markdown import summary_markdown

    if summary_md is not None:
        write_atomic(summary_md, summary_markdown(summaries).encode("utf-8"))
        click.echo(f"wrote {summary_md}")
    if failed_panels:
        _say(f"error: {len(failed_panels)} panel(s) failed: " + ", ".join(failed_panels))
    for gate in gates:
        _say(f"gate {gate.kind}: {gate.dashboard}: {gate.message}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Static reports from YAML dashboards of Sumo Logic-style log queries."""


@cli.command()
@click.argument("dashboards", nargs=-1, required=True, type=click.Path(path_type=Path))
@_snapshot_options
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
@_gate_options
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
    choice = _engine_choice(engine, spark_master, spark_remote, spark_conf)
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
        _say(f"warning: {line}")
    for path in result.outputs:
        click.echo(f"wrote {path}")
    _finish(result.summaries, result.failed_panels, result.gates, summary_md)
    delivered = send_alerts(result.alerts, delivery)
    sys.exit(result.exit_code or (0 if delivered else 1))


@cli.command()
@click.argument("dashboards", nargs=-1, required=True, type=click.Path(path_type=Path))
@_snapshot_options
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
@_gate_options
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
    from reportgen.errors import UsageError
    from reportgen.gates import parse_fail_on
    from reportgen.publish.site import publish as run_publish
    from reportgen.publish.siteconfig import load_site_config, select_teams

    gates = parse_fail_on(fail_on)
    choice = _engine_choice(engine, spark_master, spark_remote, spark_conf)
    delivery = delivery_of(alerting)
    teams = []
    if team_names and teams_file is None:
        raise UsageError("--team needs --teams FILE (the site config listing the teams)")
    if teams_file is not None:
        if not teams_file.is_file():
            raise UsageError(f"no such file: {teams_file} (--teams)")
        teams = select_teams(load_site_config(teams_file), team_names, teams_file)
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
        _say(f"note: {result.recovered}")
    for line in result.warnings:
        _say(f"warning: {line}")
    for path in result.runs:
        click.echo(f"published {path}")
    for path in result.removed:
        click.echo(f"removed {path} (retention)")
    _finish(result.summaries, result.failed_panels, result.gates, summary_md)
    delivered = send_alerts(result.alerts, delivery)
    sys.exit(result.exit_code or (0 if delivered else 1))


@cli.command()
@click.argument("dashboards", nargs=-1, required=True, type=click.Path(path_type=Path))
@_snapshot_options
@click.option("--date", "day", default=None, metavar="YYYY-MM-DD", help="Day to report on.")
@click.option("--to", "to", multiple=True, metavar="ADDRESS", help="Recipient (repeatable).")
@click.option("--cc", multiple=True, metavar="ADDRESS", help="Copy recipient (repeatable).")
@click.option(
    "--from",
    "sender",
    envvar="REPORTGEN_MAIL_FROM",
    default="",
    metavar="ADDRESS",
    help="Sender (default: $REPORTGEN_MAIL_FROM).",
)
@click.option("--subject", default="", help="Subject (default: the title and the date).")
@click.option(
    "--smtp-host",
    envvar="REPORTGEN_SMTP_HOST",
    default="localhost",
    show_default=True,
    help="SMTP server (or $REPORTGEN_SMTP_HOST).",
)
@click.option(
    "--smtp-port",
    envvar="REPORTGEN_SMTP_PORT",
    type=int,
    default=None,
    help="SMTP port (default 587, 465 with --tls tls, 25 with --tls none).",
)
@click.option(
    "--tls",
    default="starttls",
    show_default=True,
    metavar="starttls|tls|none",
    help="Encryption. Login comes from $REPORTGEN_SMTP_USER and $REPORTGEN_SMTP_PASSWORD.",
)
@click.option("--attach-csv", is_flag=True, help="Attach every panel's result as CSV.")
@click.option(
    "--teams",
    "teams_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Site config listing the teams (with --team).",
)
@click.option("--team", "team_name", default=None, metavar="NAME", help="Send the team's report.")
@click.option("--dry-run", is_flag=True, help="Write OUT/<name>.eml instead of sending.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for --dry-run messages.",
)
def mail(
    dashboards: tuple[Path, ...],
    logs: tuple[str, ...],
    sources: Path | None,
    at: str | None,
    tz: str | None,
    day: str | None,
    to: tuple[str, ...],
    cc: tuple[str, ...],
    sender: str,
    subject: str,
    smtp_host: str,
    smtp_port: int | None,
    tls: str,
    attach_csv: bool,
    teams_file: Path | None,
    team_name: str | None,
    dry_run: bool,
    out: Path,
    no_cache: bool,
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
    sample: bool,
) -> None:
    """Build DASHBOARDS and send each by SMTP (HTML body, inline charts, PDF and CSVs)."""
    from reportgen.errors import UsageError
    from reportgen.publish.delivery import MailRequest, mail_reports
    from reportgen.publish.siteconfig import load_site_config, select_teams
    from reportgen.publish.smtp import SmtpSettings

    choice = _engine_choice(engine, spark_master, spark_remote, spark_conf)
    team = None
    if team_name is not None:
        if teams_file is None:
            raise UsageError("--team needs --teams FILE (the site config listing the teams)")
        team = select_teams(load_site_config(teams_file), (team_name,), teams_file)[0]
    request = MailRequest(sender, to, cc, subject, attach_csv, team, dry_run, out)
    result = mail_reports(
        dashboards,
        request,
        SmtpSettings(smtp_host, smtp_port, tls.lower()),
        os.environ,
        logs=logs,
        sources=sources,
        at=at,
        day=day,
        tz=tz,
        cache=not no_cache,
        engine=choice,
        sample=sample,
    )
    for warning in result.warnings:
        _say(f"warning: {warning}")
    for path in result.written:
        click.echo(f"wrote {path}")
    for line in result.sent:
        click.echo(f"sent {line}")
    if result.failed_panels:
        _say(
            f"error: {len(result.failed_panels)} panel(s) failed: "
            + ", ".join(result.failed_panels)
        )
    sys.exit(result.exit_code)


@cli.command()
@click.argument("query")
@_snapshot_options
@click.option(
    "--range",
    "range_",
    default=None,
    metavar="RANGE",
    help="Relative range: -24h, -7d, today, yesterday, all (default: all).",
)
@click.option("--from", "from_", default=None, metavar="TIME", help="Start (ISO 8601 or -2h).")
@click.option("--to", default=None, metavar="TIME", help="End, exclusive (default: --at).")
@click.option(
    "--output",
    "-o",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default="table",
    show_default=True,
)
@click.option("--explain", is_flag=True, help="Show tokens, AST, plan and SQL instead of rows.")
def query(
    query: str,
    logs: tuple[str, ...],
    sources: Path | None,
    at: str | None,
    tz: str | None,
    range_: str | None,
    from_: str | None,
    to: str | None,
    output: str,
    explain: bool,
    no_cache: bool,
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
    sample: bool,
) -> None:
    """Run one QUERY over the snapshot and print the result."""
    from reportgen.engine import run_query
    from reportgen.engine.run import compile_inputs
    from reportgen.errors import UsageError
    from reportgen.output import format_result
    from reportgen.query import explain as explain_query
    from reportgen.query import parse_query
    from reportgen.query.restrict import effective_scope
    from reportgen.quiet import window_notice
    from reportgen.session import open_session
    from reportgen.snapshot.report import pruned_files
    from reportgen.timerange import RANGE_WORDS, Window, parse_duration, parse_instant

    if range_ is not None and (from_ is not None or to is not None):
        raise UsageError("--range cannot be combined with --from/--to", hint="use one or the other")
    if range_ is not None and range_.strip().lower() not in RANGE_WORDS:
        parse_duration(range_)  # bad input fails before any ingestion
    choice = _engine_choice(engine, spark_master, spark_remote, spark_conf)
    parsed = parse_query(query)
    said = [str(warning) for warning in parsed.warnings]
    for warning in said:
        _say(f"warning: {warning}")
    # Files the scope cannot match are left out unless the range starts at the first message
    # (`all`, the default), which a file left out could hold.
    bounded = (range_ is not None and range_.strip().lower() != "all") or from_ is not None
    session = open_session(
        logs, sources, at=at, tz=tz or "UTC", cache=not no_cache, sample=sample,
        scopes=[effective_scope(parsed)] if bounded else None, engine=choice,
    )  # fmt: skip
    try:
        if from_ is not None or to is not None:
            end = parse_instant(to, session.tz, at=session.at, option="--to") if to else session.at
            start = (
                parse_instant(from_, session.tz, at=session.at, option="--from")
                if from_
                else session.window("all").start
            )
            if start >= end:
                raise UsageError("--from must be before --to")
            window = Window(start, end, session.tz)
        else:
            window = session.window(range_ or "all")
        if explain:
            inputs = compile_inputs(session.engine, parsed)
            click.echo(explain_query(query, window, session.engine.dialect, **inputs))
            click.echo(pruned_files(session.snapshot))
            return
        quiet = window_notice(session.engine, window)
        if quiet is not None:
            _say(f"warning: {quiet}")
        result = run_query(session.engine, parsed, window)
        for warning in result.warnings:
            if str(warning) not in said:  # the parser's warnings come back with the result
                _say(f"warning: {warning}")
        click.echo(format_result(result, output, session.tz), nl=False)
    finally:
        session.close()


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the dashboard format (for editors: see the README)."""
    from reportgen.dashboard.schema import schema_json

    click.echo(schema_json(), nl=False)


@cli.command()
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
            _say(f"error: {error}")
            continue
        for warning in dashboard.warnings:
            _say(f"warning: {warning}")
        if strict and dashboard.warnings:
            failures += 1
            count = len(dashboard.warnings)
            _say(f"error: {path}: {count} warning(s), errors in --strict mode")
        else:
            click.echo(f"ok {path}")
    sys.exit(2 if failures else 0)


@cli.group(name="import")
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


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("sample-logs"),
    show_default=True,
    help="Folder to write the snapshot into.",
)
@click.option("--lines", type=click.IntRange(min=100), default=60_000, show_default=True)
@click.option("--hosts", type=click.IntRange(min=1, max=500), default=4, show_default=True)
@click.option("--days", type=click.IntRange(min=1, max=366), default=7, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def sample(out: Path, lines: int, hosts: int, days: int, seed: int) -> None:
    """Write a realistic, deterministic Twistlock log snapshot to OUT."""
    from reportgen.sample import write_sample

    info = write_sample(out, lines=lines, hosts=hosts, days=days, seed=seed)
    click.echo(
        f"wrote {len(info.files)} log files, {info.lines} lines "
        f"({info.start:%Y-%m-%d %H:%M} - {info.end:%Y-%m-%d %H:%M} UTC), and {info.sources}, "
        f"to {out}"
    )


@cli.group()
def snapshot() -> None:
    """Look at a snapshot without building a report."""


@snapshot.command()
@click.option(
    "--logs",
    multiple=True,
    metavar="PATH",
    help=LOGS_HELP,
)
@_sample_option
@click.option(
    "--sources",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="sources.yaml mapping files to metadata (default: the one in the snapshot root).",
)
@click.option(
    "--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@_no_cache_option
@_engine_options
def inspect(
    logs: tuple[str, ...],
    sources: Path | None,
    output: str,
    no_cache: bool,
    sample: bool,
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
) -> None:
    """Files, formats, line counts, time span, hosts, categories and problems of a snapshot, and
    its field extraction rules with how many messages each selected and extracted from."""
    import json

    from reportgen.engine.inspect import inspect_files, inspect_rules, rules_json, rules_table
    from reportgen.quiet import snapshot_notice
    from reportgen.session import open_session
    from reportgen.snapshot.report import inspect_json, inspect_table

    choice = _engine_choice(engine, spark_master, spark_remote, spark_conf)
    session = open_session(logs, sources, cache=not no_cache, sample=sample, engine=choice)
    try:
        quiet = snapshot_notice(session.snapshot)
        if quiet is not None:
            _say(f"warning: {quiet}")
        views = inspect_files(session.engine)
        rules = inspect_rules(session.engine)
        if output == "json":
            document = json.loads(inspect_json(session.snapshot, views))
            document["field_extraction_rules"] = rules_json(rules)
            click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            click.echo(inspect_table(session.snapshot, views) + rules_table(rules), nl=False)
    finally:
        session.close()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` and return its exit code; errors are printed, never raised.
    Ctrl-C and SIGTERM end it with one line and 130 or 143, after the clean-up that every
    `finally` does (temporary folders, a publish's staging)."""
    with interruptible() as received:
        code = _run(argv, received)
        if received or code == _STOPPED:
            # Whatever the command made of the signal (DuckDB raises an error of its own, and
            # may let a half-done step look finished), its output cannot be trusted.
            return interrupted(received[-1] if received else signal.SIGINT)
        return code


_STOPPED = -1


def _run(argv: list[str] | None, received: list[int]) -> int:
    try:
        cli.main(args=argv, prog_name="reportgen", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt, Interrupted):
        return _STOPPED
    except ReportgenError as error:
        if received:
            return _STOPPED
        _say(f"error: {error}")
        return error.exit_code
    except click.ClickException as error:
        error.show()
        return 2 if error.exit_code == 1 else error.exit_code
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except Exception as error:
        if received:
            return _STOPPED
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        _say(
            f"internal error: {type(error).__name__}: {error}\n"
            "This is a bug in reportgen; rerun with REPORTGEN_DEBUG=1 for the traceback."
        )
        return 70
    return 0


def main() -> None:
    """Console entry point."""
    sys.exit(run())
