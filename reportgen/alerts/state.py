"""What a run's alerts change: which fire, which resolve. reportgen keeps no server, so a run
compares with the alerts the previous run left firing:

- `publish`: the previous run of the same dashboard in the site (its `summary.json` lists the
  alerts it left firing), the run the report's "since" figures compare with;
- `build`: the `--alert-state FILE` the previous build wrote (without it, a build only fires:
  nothing can resolve).

An alert firing before and now keeps its `startsAt`; one firing before and not now resolves (its
`endsAt` is this run's reference instant); a panel that failed keeps its earlier alert firing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.alerts.model import VERSION, Alert, alert_from_json
from reportgen.alerts.rules import Evaluated, Where, evaluate_alerts
from reportgen.dashboard.loader import Dashboard
from reportgen.errors import UsageError
from reportgen.output import write_atomic
from reportgen.render.context import ReportView


@dataclass
class AlertRun:
    """The alerts of one invocation: those firing and those it resolved."""

    command: str
    firing: list[Alert] = field(default_factory=list)
    resolved: list[Alert] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.firing:
            return "firing"
        return "resolved" if self.resolved else "ok"

    def extend(self, firing: Iterable[Alert], resolved: Iterable[Alert]) -> None:
        self.firing += firing
        self.resolved += resolved

    def document(self) -> dict[str, Any]:
        """The alerts document: `--alerts-out`, the JSON webhook's body (docs/alerts.md)."""
        return {
            "version": VERSION,
            "generator": f"reportgen {__version__}",
            "command": self.command,
            "status": self.status,
            "firing": [alert.as_json() for alert in self.firing],
            "resolved": [alert.as_json() for alert in self.resolved],
        }

    def document_text(self) -> str:
        return json.dumps(self.document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def transition(now: Evaluated, before: Sequence[Alert], at: str) -> tuple[list[Alert], list[Alert]]:
    """(firing, resolved) of a run whose evaluation is `now`, after the alerts `before` of the
    same dashboard(s) fired; `at` is the run's reference instant."""
    earlier = {alert.key: alert for alert in before}
    firing = []
    for alert in now.firing:
        previous = earlier.get(alert.key)
        firing.append(alert if previous is None else replace(alert, starts_at=previous.starts_at))
    current = {alert.key for alert in firing}
    firing += [alert for alert in before if alert.key in now.failed and alert.key not in current]
    resolved = [
        alert.resolved(at)
        for alert in before
        if alert.key not in current and alert.key not in now.failed
    ]
    return firing, resolved


def dashboard_alerts(
    dashboard: Dashboard, report: ReportView, where: Where, before: Sequence[Alert]
) -> tuple[list[Alert], list[Alert]]:
    """(firing, resolved) of one evaluated dashboard, after the alerts `before` (those of other
    dashboards or teams are ignored)."""
    mine = [a for a in before if a.dashboard == dashboard.stem and a.team == where.team]
    return transition(evaluate_alerts(dashboard, report, where), mine, where.at)


def alerts_of_summary(summary: dict[str, Any], where: str) -> list[Alert]:
    """The alerts a run's summary lists as firing (none for a summary of an older reportgen)."""
    section = summary.get("alerts")
    if not isinstance(section, dict):
        return []
    return [alert_from_json(item, where) for item in section.get("firing") or []]


def summary_section(firing: Sequence[Alert], resolved: Sequence[Alert]) -> dict[str, Any]:
    """The `alerts` key of a run's summary."""
    return {
        "firing": [alert.as_json() for alert in firing],
        "resolved": [alert.as_json() for alert in resolved],
    }


def read_state(path: Path) -> list[Alert]:
    """The alerts `--alert-state FILE` says are firing (none when the file does not exist yet)."""
    if not path.exists():
        return []
    where = f"{path} (--alert-state)"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"cannot read {where}: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("firing"), list):
        raise UsageError(
            f"{where} is not an alert state file",
            hint="give a file that only reportgen writes (it is created on the first run)",
        )
    return [alert_from_json(item, where) for item in document["firing"]]


def write_state(path: Path, firing: Sequence[Alert]) -> None:
    """Record the alerts left firing, for the next build's `--alert-state`."""
    document = {
        "version": VERSION,
        "generator": f"reportgen {__version__}",
        "firing": [alert.as_json() for alert in firing],
    }
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"))
