"""The site archive on disk: runs, their summaries, atomic replacement, retention.

Layout of one site root (the site itself, or `teams/<name>/` inside it):

    <root>/index.html, feed.xml
    <root>/<dashboard>/index.html               history page
    <root>/<dashboard>/<YYYY-MM-DD>/            one run: index.html (the report), summary.json,
                                                <panel-id>.csv, report.pdf (when built)
    <root>/<dashboard>/latest/                  a copy of the newest run

A folder is a run when its name is a date and it holds `summary.json`; anything else (staging
folders start with `.`) is ignored.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from reportgen.errors import UsageError

SUMMARY = "summary.json"
REPORT = "index.html"
LATEST = "latest"
TEAMS = "teams"
RESERVED = (LATEST, TEAMS)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Run:
    """One published run of a dashboard."""

    dashboard: str
    date: date
    path: Path
    summary: dict[str, Any]

    @property
    def stamp(self) -> str:
        return self.date.isoformat()


def is_date(name: str) -> bool:
    if not _DATE.match(name):
        return False
    try:
        date.fromisoformat(name)
    except ValueError:
        return False
    return True


def runs_of(dashboard_dir: Path) -> list[Run]:
    """The runs of one dashboard folder, oldest first."""
    runs: list[Run] = []
    if not dashboard_dir.is_dir():
        return runs
    for child in sorted(dashboard_dir.iterdir()):
        summary = child / SUMMARY
        if child.is_dir() and is_date(child.name) and summary.is_file():
            try:
                document = json.loads(summary.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue  # a damaged run is left alone and not listed, not fatal to the site
            if not isinstance(document, dict) or not isinstance(document.get("panels"), list):
                continue
            runs.append(Run(dashboard_dir.name, date.fromisoformat(child.name), child, document))
    return runs


def dashboards_in(root: Path) -> dict[str, list[Run]]:
    """Every dashboard of a site root with at least one run, by name, runs oldest first."""
    found: dict[str, list[Run]] = {}
    if not root.is_dir():
        return found
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or child.name in RESERVED or not child.is_dir():
            continue
        runs = runs_of(child)
        if runs:
            found[child.name] = runs
    return found


def new_staging(site: Path) -> Path:
    """A private folder inside the site (same file system, so renames are atomic)."""
    site.mkdir(parents=True, exist_ok=True)
    path = site / f".staging-{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def swap_in(staged: Path, final: Path, step: Callable[[], None] = lambda: None) -> None:
    """Put the folder `staged` at `final`, replacing what was there.

    A folder cannot be renamed over a non-empty one, so the old one is first renamed aside, the
    new one renamed in, then the old one removed: readers see the old or the new run, never a
    mix, and a crash between the two renames leaves the old run beside it (`.old-<name>-*`),
    where `reportgen.publish.commit` finds it. `step` is called between the renames.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    if not final.exists():
        os.replace(staged, final)
        step()
        return
    aside = final.parent / f".old-{final.name}-{secrets.token_hex(4)}"
    os.replace(final, aside)
    step()
    try:
        os.replace(staged, final)
    except OSError:
        os.replace(aside, final)
        raise
    step()
    shutil.rmtree(aside)


def refresh_latest(
    dashboard_dir: Path, staging: Path, step: Callable[[], None] = lambda: None
) -> None:
    """Make `<dashboard>/latest/` a copy of its newest run (`step` as for `swap_in`)."""
    runs = runs_of(dashboard_dir)
    if not runs:
        return
    copy = staging / f"latest-{secrets.token_hex(4)}"
    shutil.copytree(runs[-1].path, copy)
    step()
    swap_in(copy, dashboard_dir / LATEST, step)


def apply_retention(root: Path, newest: date, days: int) -> list[Path]:
    """Remove the runs of every dashboard under `root` dated more than `days` days before
    `newest` (the run date being published, not the wall clock: reruns give the same site)."""
    cutoff = newest - timedelta(days=days)
    removed = []
    for runs in dashboards_in(root).values():
        for run in runs:
            if run.date < cutoff:
                shutil.rmtree(run.path)
                removed.append(run.path)
    return removed


def check_site(site: Path) -> None:
    if site.exists() and not site.is_dir():
        raise UsageError(f"--site {site} exists and is not a folder")
