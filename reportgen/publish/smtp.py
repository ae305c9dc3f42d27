"""Sending a message by SMTP: STARTTLS (default), implicit TLS or none; login only from the
environment (`REPORTGEN_SMTP_USER`, `REPORTGEN_SMTP_PASSWORD`), never from the command line,
where it would show in the process list and the shell history."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from reportgen.errors import ReportgenError, UsageError, suggestion

TLS_MODES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
ENV_USER = "REPORTGEN_SMTP_USER"
ENV_PASSWORD = "REPORTGEN_SMTP_PASSWORD"
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class DeliveryError(ReportgenError):
    """The SMTP server could not be reached or refused the message."""

    exit_code = 1


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int | None = None
    tls: str = "starttls"

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.tls]


def check_settings(settings: SmtpSettings, env: Mapping[str, str]) -> tuple[str, str] | None:
    """Validate the settings and return the login (user, password) from `env`, if any.

    A password is never sent in clear text to another machine: login over `--tls none` is
    refused unless the server is on this host (a local relay, a test server)."""
    if settings.tls not in TLS_MODES:
        raise UsageError(
            f"unknown TLS mode '{settings.tls}' (--tls)",
            hint=suggestion(settings.tls, TLS_MODES) or "expected: " + ", ".join(TLS_MODES),
        )
    user, password = env.get(ENV_USER, ""), env.get(ENV_PASSWORD, "")
    if not user and not password:
        return None
    if not user or not password:
        missing = ENV_USER if not user else ENV_PASSWORD
        raise UsageError(
            f"{missing} is not set (SMTP login needs both {ENV_USER} and {ENV_PASSWORD})"
        )
    if settings.tls == "none" and settings.host not in LOOPBACK:
        raise UsageError(
            f"refusing to send the SMTP password unencrypted to {settings.host} (--tls none)",
            hint="use --tls starttls or --tls tls",
        )
    return user, password


def send(message: EmailMessage, settings: SmtpSettings, env: Mapping[str, str]) -> None:
    """Deliver `message` to the recipients of its To and Cc headers."""
    login = check_settings(settings, env)
    port = settings.effective_port
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if settings.tls == "tls":
            client = smtplib.SMTP_SSL(settings.host, port, context=context)
        else:
            client = smtplib.SMTP(settings.host, port)
        with client:
            if settings.tls == "starttls":
                client.starttls(context=context)
            if login is not None:
                client.login(*login)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        reason = str(error) or type(error).__name__
        raise DeliveryError(
            f"could not send the mail through {settings.host}:{port}: {reason}"
        ) from None
