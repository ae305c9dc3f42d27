"""An alert: a single value (or a table's cells) in an alerting band, as every delivery sees it.

Its identity is `key` (team, dashboard and panel): a run compares its alerts with the previous
run's by key, so a value that stays in the band updates one alert, and one that leaves it
resolves that alert. `labels` carry the same identity to Alertmanager (`dashboard`, `panel`, and
`team` for a team's report), with the dashboard's and panel's own labels added.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reportgen.errors import UsageError

VERSION = 1
_FNV_OFFSET = 14695981039346656037
_FNV_PRIME = 1099511628211


@dataclass(frozen=True)
class Alert:
    """One alert. `value` is the single value (for a table: how many cells alert); `cells` lists
    a table's alerting cells (at most MAX_CELLS); times are ISO 8601 UTC instants of the runs'
    reference instants (`--at`): `starts_at` of the first run that fired it, `ends_at` of the
    run that resolved it (None while firing)."""

    key: str
    labels: dict[str, str]
    annotations: dict[str, str]
    dashboard: str
    dashboard_title: str
    panel: str
    title: str
    kind: str  # single_value | table
    value: float | int | None
    band: dict[str, str]
    window: str
    url: str
    starts_at: str
    ends_at: str | None = None
    team: str | None = None
    run: str | None = None
    cells: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "firing" if self.ends_at is None else "resolved"

    @property
    def fingerprint(self) -> str:
        """The hash of the labels that Alertmanager shows and tells alerts apart by (Prometheus'
        label set fingerprint: FNV-1a 64 over sorted names and values, each ended by 0xff)."""
        digest = _FNV_OFFSET
        for name in sorted(self.labels):
            for part in (name, self.labels[name]):
                for byte in part.encode("utf-8") + b"\xff":
                    digest = ((digest ^ byte) * _FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
        return f"{digest:016x}"

    def resolved(self, ends_at: str) -> Alert:
        """This alert ended at `ends_at` (never before it started)."""
        return replace(self, ends_at=max(ends_at, self.starts_at))

    def as_json(self) -> dict[str, Any]:
        """The alert as it stands in the alerts document (see docs/alerts.md)."""
        return {
            "status": self.status,
            "key": self.key,
            "fingerprint": self.fingerprint,
            "labels": dict(sorted(self.labels.items())),
            "annotations": dict(sorted(self.annotations.items())),
            "dashboard": self.dashboard,
            "dashboard_title": self.dashboard_title,
            "panel": self.panel,
            "title": self.title,
            "team": self.team,
            "kind": self.kind,
            "value": self.value,
            "band": dict(self.band),
            "cells": list(self.cells),
            "window": self.window,
            "run": self.run,
            "url": self.url,
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
        }


def alert_from_json(data: Any, where: str) -> Alert:
    """An alert read back from a summary or a state file; UsageError naming `where` when it is
    not one."""
    try:
        return Alert(
            key=_text(data["key"]),
            labels=_strings(data["labels"]),
            annotations=_strings(data["annotations"]),
            dashboard=_text(data["dashboard"]),
            dashboard_title=_text(data["dashboard_title"]),
            panel=_text(data["panel"]),
            title=_text(data["title"]),
            kind=_text(data["kind"]),
            value=_number(data.get("value")),
            band=_strings(data.get("band") or {}),
            window=_text(data.get("window", "")),
            url=_text(data.get("url", "")),
            starts_at=_text(data["startsAt"]),
            ends_at=None if data.get("endsAt") is None else _text(data["endsAt"]),
            team=None if data.get("team") is None else _text(data["team"]),
            run=None if data.get("run") is None else _text(data["run"]),
            cells=[dict(cell) for cell in data.get("cells") or [] if isinstance(cell, dict)],
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"{where}: not an alert written by reportgen ({error})") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping, got {value!r}")
    return {_text(k): _text(v) for k, v in value.items()}


def _number(value: Any) -> float | int | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise ValueError(f"expected a number, got {value!r}")
