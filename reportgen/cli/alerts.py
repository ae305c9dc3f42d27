"""The command-line side of alerts: the options `build` and `publish` share, and printing a
delivery's failures (the core, `reportgen.alerts`, knows nothing of click)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from reportgen.alerts import AlertRun, Delivery

F = TypeVar("F", bound=Callable[..., Any])


def alert_options(command: F) -> F:
    """Where the alerts of `build` and `publish` go (docs/alerts.md)."""
    options = [
        click.option(
            "--alert-ttl",
            default="48h",
            show_default=True,
            metavar="DURATION",
            help="Alertmanager ends a firing alert after this unless a later run renews it.",
        ),
        click.option(
            "--site-url",
            default=None,
            metavar="URL",
            help="Where the output folder is served: alerts link to the reports under it.",
        ),
        click.option(
            "--alerts-out",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            metavar="FILE",
            help="Write the alerts document (JSON: firing and resolved alerts).",
        ),
        click.option(
            "--webhook-format",
            default="json",
            show_default=True,
            metavar="json|slack",
            help="The webhook body: the alerts document, or a Slack-compatible message.",
        ),
        click.option(
            "--webhook",
            "webhooks",
            multiple=True,
            envvar="REPORTGEN_WEBHOOK_URL",
            metavar="URL",
            help="POST the alerts to this URL (repeatable; or $REPORTGEN_WEBHOOK_URL).",
        ),
        click.option(
            "--alertmanager",
            "alertmanagers",
            multiple=True,
            envvar="REPORTGEN_ALERTMANAGER_URL",
            metavar="URL",
            help="Send the alerts to this Alertmanager (repeatable; $REPORTGEN_ALERTMANAGER_URL).",
        ),
    ]
    for option in options:
        command = option(command)
    return command


def delivery_of(options: dict[str, Any]) -> Delivery:
    """The alert Delivery of the options `_alert_options` added, checked before any work."""
    from reportgen.alerts import Delivery, check_delivery, parse_ttl

    delivery = Delivery(
        alertmanagers=tuple(options.pop("alertmanagers")),
        webhooks=tuple(options.pop("webhooks")),
        webhook_format=options.pop("webhook_format").strip().lower(),
        alerts_out=options.pop("alerts_out"),
        ttl=parse_ttl(options.pop("alert_ttl")),
    )
    check_delivery(delivery, os.environ)
    return delivery


def send_alerts(run: AlertRun, delivery: Delivery) -> bool:
    """Deliver the alerts after the reports are written; print each failure on one line."""
    from reportgen.alerts import deliver

    failures = deliver(run, delivery, os.environ)
    if delivery.alerts_out is not None and not failures:
        click.echo(f"wrote {delivery.alerts_out}")
    for line in failures:
        click.echo(f"error: alerts: {line}", err=True)
    return not failures
