"""Delivering a run's alerts: `--alerts-out FILE`, `--alertmanager URL` (Alertmanager's v2
API), `--webhook URL` (the alerts document, or a Slack-compatible message).

Delivery comes after every report is written and never raises: each failure is one line, the
caller exits 1. Credentials come only from the environment (an option would show in the process
list and the shell history) and are refused over plain HTTP to another host.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reportgen import __version__
from reportgen.alerts.model import Alert
from reportgen.alerts.slack import slack_message
from reportgen.alerts.state import AlertRun
from reportgen.errors import UsageError, suggestion
from reportgen.output import write_atomic

WEBHOOK_FORMATS = ("json", "slack")
TIMEOUT_S = 30
LOOPBACK = ("localhost", "127.0.0.1", "::1")
# Environment variables holding credentials, by target kind.
CREDENTIALS = {
    "alertmanager": ("REPORTGEN_ALERTMANAGER_TOKEN", "REPORTGEN_ALERTMANAGER_USER"),
    "webhook": ("REPORTGEN_WEBHOOK_TOKEN", "REPORTGEN_WEBHOOK_USER"),
}


@dataclass(frozen=True)
class Delivery:
    """Where a run's alerts go. `ttl`: how long Alertmanager keeps a firing alert without a
    newer run confirming it (its `endsAt`)."""

    alertmanagers: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()
    webhook_format: str = "json"
    alerts_out: Path | None = None
    ttl: timedelta = timedelta(hours=48)

    @property
    def wanted(self) -> bool:
        return bool(self.alertmanagers or self.webhooks or self.alerts_out)


def check_delivery(delivery: Delivery, env: Mapping[str, str]) -> None:
    """Refuse bad URLs, an unknown format and credentials over plain HTTP before any work."""
    if delivery.webhook_format not in WEBHOOK_FORMATS:
        raise UsageError(
            f"unknown webhook format '{delivery.webhook_format}' (--webhook-format)",
            hint=suggestion(delivery.webhook_format, WEBHOOK_FORMATS)
            or "expected: " + ", ".join(WEBHOOK_FORMATS),
        )
    for kind, urls in (("alertmanager", delivery.alertmanagers), ("webhook", delivery.webhooks)):
        for url in urls:
            parts = urlsplit(url)
            option = f"--{kind}"
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise UsageError(
                    f"{option} must be an http(s) URL, got '{_head(url)}'",
                    hint="e.g. http://localhost:9093"
                    if kind == "alertmanager"
                    else "e.g. https://chat.example.com/hooks/...",
                )
            if parts.username or parts.password:
                token, user = CREDENTIALS[kind]
                raise UsageError(
                    f"{option} must not hold a login",
                    hint=f"set ${token}, or ${user} and its _PASSWORD, instead",
                )
            if _auth(kind, env) and parts.scheme == "http" and parts.hostname not in LOOPBACK:
                raise UsageError(
                    f"refusing to send credentials over plain HTTP to {parts.hostname} ({option})",
                    hint="use https, or a server on this host",
                )


def deliver(
    run: AlertRun, delivery: Delivery, env: Mapping[str, str], now: datetime | None = None
) -> list[str]:
    """Send `run` everywhere `delivery` says; the failures, one line each."""
    failures = []
    if delivery.alerts_out is not None:
        try:
            write_atomic(delivery.alerts_out, run.document_text().encode("utf-8"))
        except OSError as problem:
            failures.append(f"cannot write {delivery.alerts_out} (--alerts-out): {problem}")
    moment = now or datetime.now(UTC)
    payload = alertmanager_payload(run, moment, delivery.ttl)
    for url in delivery.alertmanagers if payload else ():
        target = url.rstrip("/")
        if not target.endswith("/api/v2/alerts"):
            target += "/api/v2/alerts"
        error = _post(target, payload, _auth("alertmanager", env))
        if error:
            failures.append(f"Alertmanager {_shown(url)} did not take the alerts: {error}")
    body: Any = run.document()
    if delivery.webhook_format == "slack":
        body = slack_message(run) if run.firing or run.resolved else None
    for url in delivery.webhooks if body is not None else ():
        error = _post(url, body, _auth("webhook", env))
        if error:
            failures.append(f"webhook {_shown(url)} did not take the alerts: {error}")
    return failures


def alertmanager_payload(run: AlertRun, now: datetime, ttl: timedelta) -> list[dict[str, Any]]:
    """The alerts as Alertmanager's `POST /api/v2/alerts` takes them.

    Alertmanager judges times by its own clock, so they are moved onto it: a firing alert ends
    `ttl` after now (a later run renews it; a job that stopped running lets it lapse), a resolved
    one at its run's instant, or now if that is later, so that it does resolve.
    """
    alerts = []
    for alert in [*run.firing, *run.resolved]:
        starts = min(_instant(alert.starts_at), now)
        if alert.ends_at is None:
            ends = now + ttl
        else:
            ends = max(min(_instant(alert.ends_at), now), starts)
        alerts.append(_postable(alert, starts, ends))
    return alerts


def _postable(alert: Alert, starts: datetime, ends: datetime) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "labels": alert.labels,
        "annotations": alert.annotations,
        "startsAt": _iso(starts),
        "endsAt": _iso(ends),
    }
    if alert.url:
        entry["generatorURL"] = alert.url
    return entry


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _auth(kind: str, env: Mapping[str, str]) -> str | None:
    """The Authorization header the environment gives for `kind` (a token, else a login)."""
    token_var, user_var = CREDENTIALS[kind]
    token = env.get(token_var, "")
    if token:
        return f"Bearer {token}"
    user = env.get(user_var, "")
    if user:
        password = env.get(user_var.replace("_USER", "_PASSWORD"), "")
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return f"Basic {pair}"
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would resend the body, and the credentials, somewhere we were not told of."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: Any, authorization: str | None) -> str | None:
    """POST `body` as JSON; None when the server took it, else why not (one line)."""
    data = json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": f"reportgen/{__version__}"}
    if authorization:
        headers["Authorization"] = authorization
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_S) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = _first_line(error.read())
        return f"HTTP {error.code} {error.reason}" + (f": {detail}" if detail else "")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"cannot connect ({reason})"
    return None


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    line = text.splitlines()[0] if text else ""
    return "".join(ch for ch in line if ch.isprintable())[:200]


def _shown(url: str) -> str:
    """The URL without its path, query or login: a webhook URL's path is often its secret."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}" if parts.scheme else "?"


def _head(text: str) -> str:
    """What a malformed URL starts with, up to its path (which may be a secret)."""
    scheme, _, rest = text.rpartition("://")
    host = rest.split("/")[0].rpartition("@")[2]
    return f"{scheme}://{host}" if scheme else host


def parse_ttl(text: str) -> timedelta:
    """`--alert-ttl`: a duration such as 48h, 2d or 90m."""
    from reportgen.timerange import parse_duration

    delta = parse_duration(text, option="--alert-ttl")
    if delta <= timedelta(0):
        raise UsageError(f"--alert-ttl must be positive, got '{text}'", hint="e.g. 48h")
    return delta
