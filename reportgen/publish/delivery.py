"""`reportgen mail`: build each dashboard and deliver it (or write the `.eml` with --dry-run).

Recipients: `--to`/`--cc`, else the team's recipients (`--team`), else the dashboard's
`delivery:` block. Subject: `--subject`, else `delivery.subject`, else "<title> — <date>".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from reportgen.build import evaluate, quiet_warnings, render_outputs, window_warnings
from reportgen.dashboard.loader import Dashboard, load_dashboard
from reportgen.engine.options import EngineChoice
from reportgen.errors import UsageError
from reportgen.output import write_atomic
from reportgen.publish.mail import Envelope, compose, csv_attachments
from reportgen.publish.site import parse_date, run_date
from reportgen.publish.siteconfig import Team
from reportgen.publish.smtp import SmtpSettings, check_settings, send
from reportgen.session import Session, open_session
from reportgen.terminal import BuildProgress


@dataclass
class MailRequest:
    """What to send and how (options of `reportgen mail`)."""

    sender: str
    to: Sequence[str] = ()
    cc: Sequence[str] = ()
    subject: str = ""
    attach_csv: bool = False
    team: Team | None = None
    dry_run: bool = False
    out: Path = Path("out")


@dataclass
class MailResult:
    sent: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed_panels: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_panels else 0


def envelope_for(dashboard: Dashboard, request: MailRequest, day: str) -> Envelope:
    delivery = dashboard.spec.delivery
    to = list(request.to)
    cc = list(request.cc)
    if not to and request.team is not None:
        to = list(request.team.recipients)
    if not to and delivery is not None:
        to, cc = list(delivery.to), cc or list(delivery.cc)
    if not to:
        raise UsageError(
            f"no recipients for {dashboard.path}",
            hint="give --to ADDRESS, or a 'delivery: {to: [...]}' block in the dashboard",
        )
    subject = request.subject or (delivery.subject if delivery else "")
    return Envelope(request.sender, to, cc, subject or f"{dashboard.spec.title} — {day}")


def mail_reports(
    dashboard_paths: Sequence[Path],
    request: MailRequest,
    settings: SmtpSettings,
    env: Mapping[str, str],
    *,
    logs: Sequence[Path | str] = (),
    sources: Path | None = None,
    at: str | None = None,
    day: str | None = None,
    tz: str | None = None,
    cache: bool = True,
    sample: bool = False,
    engine: EngineChoice | None = None,
) -> MailResult:
    """Build each dashboard and send it as one message (or write `<out>/<name>.eml`). Without
    `logs`, only `sample` (or `--logs sample`) reads the bundled sample."""
    if not request.sender:
        raise UsageError("no sender", hint="give --from ADDRESS or set REPORTGEN_MAIL_FROM")
    if not request.dry_run:
        check_settings(settings, env)  # bad settings fail before any work
    if day is not None and at is not None:
        raise UsageError("--date cannot be combined with --at", hint="use one or the other")
    zone = tz or "UTC"
    if day is not None:
        at = (parse_date(day) + timedelta(days=1)).isoformat() + "T00:00:00"
    dashboards = [load_dashboard(path) for path in dashboard_paths]
    session = open_session(
        logs,
        sources,
        at=at,
        tz=zone,
        cache=cache,
        sample=sample,
        fallback=False,
        engine=engine,
    )
    result = MailResult(warnings=quiet_warnings(session))
    try:
        stamp = run_date(session, zone).isoformat()
        envelopes = [envelope_for(dashboard, request, stamp) for dashboard in dashboards]
        with BuildProgress(len(dashboards)) as progress:
            for dashboard, envelope in zip(dashboards, envelopes, strict=True):
                progress.dashboard(dashboard.stem)
                sending = (settings, env)
                _deliver(session, dashboard, envelope, request, sending, tz, result, progress)
    finally:
        session.close()
    return result


def _deliver(
    session: Session,
    dashboard: Dashboard,
    envelope: Envelope,
    request: MailRequest,
    sending: tuple[SmtpSettings, Mapping[str, str]],
    tz: str | None,
    result: MailResult,
    progress: BuildProgress,
) -> None:
    """Build one dashboard's message and send it (or write its `.eml` with --dry-run)."""
    team = request.team
    scope = team.scope if team else None
    report = evaluate(session, dashboard, tz, scope=scope, progress=progress)
    result.warnings += window_warnings(dashboard, report)
    result.failed_panels += [f"{dashboard.stem}/{p.id}" for p in report.panels if p.error]
    pdf = render_outputs(dashboard, report, session, ["pdf"], progress=progress)["pdf"]
    attachments: dict[str, bytes] = {f"{dashboard.stem}.pdf": pdf}
    delivery = dashboard.spec.delivery
    if request.attach_csv or bool(delivery and delivery.attach_csv):
        attachments.update(csv_attachments(report))
    progress.stage("composing the message")
    message = compose(report, envelope, attachments=attachments)
    if request.dry_run:
        path = request.out / f"{dashboard.stem}.eml"
        write_atomic(path, message.as_bytes())
        result.written.append(path)
    else:
        progress.stage("sending")
        send(message, *sending)
        result.sent.append(f"{dashboard.stem} to {', '.join(envelope.to + envelope.cc)}")
