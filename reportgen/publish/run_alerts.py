"""The alerts of a publish: the link of a run's report, and which runs alert.

Only each dashboard's newest run alerts: re-publishing an older date (a backfill) must not undo
what a later run told Alertmanager. See docs/alerts.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import quote

from reportgen.alerts import AlertRun
from reportgen.alerts.model import alert_from_json
from reportgen.publish import archive


def run_url(site: Path, final: Path, site_url: str | None) -> str:
    """The report of the run that will be at `final`: under `site_url`, else a file URL."""
    if not site_url:
        return (final / archive.REPORT).resolve().as_uri()
    parts = [*final.relative_to(site).parts, archive.REPORT]
    return site_url.rstrip("/") + "/" + "/".join(quote(part) for part in parts)


def newest_alerts(
    run_alerts: AlertRun,
    made: dict[Path, list[archive.Run]],
    newest: date,
) -> None:
    """Collect the alerts of each dashboard's run of the last date published, unless the
    archive already holds a later run (a backfill must not undo what a later run said)."""
    for home, runs in made.items():
        run = runs[-1]
        if run.date != newest or any(old.date > newest for old in archive.runs_of(home)):
            continue
        section = run.summary.get("alerts", {})
        where = str(home / run.stamp / archive.SUMMARY)
        run_alerts.extend(
            [alert_from_json(item, where) for item in section.get("firing", [])],
            [alert_from_json(item, where) for item in section.get("resolved", [])],
        )
