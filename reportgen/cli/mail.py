"""`mail`: dashboards built and sent by SMTP, or written as .eml files with --dry-run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from reportgen.cli.options import engine_choice, say, selected_teams, snapshot_options


@click.command()
@click.argument("dashboards", nargs=-1, required=True, type=click.Path(path_type=Path))
@snapshot_options
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
    from reportgen.publish.delivery import MailRequest, mail_reports
    from reportgen.publish.smtp import SmtpSettings

    choice = engine_choice(engine, spark_master, spark_remote, spark_conf)
    team = selected_teams(teams_file, (team_name,))[0] if team_name is not None else None
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
        say(f"warning: {warning}")
    for path in result.written:
        click.echo(f"wrote {path}")
    for line in result.sent:
        click.echo(f"sent {line}")
    if result.failed_panels:
        say(
            f"error: {len(result.failed_panels)} panel(s) failed: "
            + ", ".join(result.failed_panels)
        )
    sys.exit(result.exit_code)
