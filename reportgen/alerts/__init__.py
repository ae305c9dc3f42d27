"""Alerts from bands (design D13): which panels alert (`rules`), what fires and resolves since
the previous run (`state`), and where the alerts go (`deliver`: Alertmanager, webhooks, Slack).

`build` and `publish` both use this package; it imports neither (nor `reportgen.publish`).
"""

from __future__ import annotations

from reportgen.alerts.deliver import Delivery, check_delivery, deliver, parse_ttl
from reportgen.alerts.model import Alert
from reportgen.alerts.rules import Evaluated, Where, alert_key, evaluate_alerts
from reportgen.alerts.state import AlertRun, read_state, transition, write_state

__all__ = [
    "Alert",
    "AlertRun",
    "Delivery",
    "Evaluated",
    "Where",
    "alert_key",
    "check_delivery",
    "deliver",
    "evaluate_alerts",
    "parse_ttl",
    "read_state",
    "transition",
    "write_state",
]
