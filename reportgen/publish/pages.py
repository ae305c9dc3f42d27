"""The site's own pages: the index of dashboards and one history page per dashboard.

Everything shown comes from the runs' summary JSON, so the pages can be rebuilt from the archive
alone. Jinja2 autoescape, no script, no external URL, relative links only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reportgen import __version__
from reportgen.output import write_atomic
from reportgen.publish.archive import LATEST, REPORT, SUMMARY, Run, dashboards_in
from reportgen.publish.markdown import format_change, format_number
from reportgen.publish.sparkline import sparkline
from reportgen.render.html import environment
from reportgen.render.safe import content_security_policy
from reportgen.render.theme import Theme, load_theme, theme_dir_for

BAND_COLORS = ("green", "orange", "red", "grey")


@dataclass(frozen=True)
class ValueView:
    """A single value as the site shows it: text, band and change since the previous run."""

    panel: str
    title: str
    text: str
    unit: str
    band_color: str
    band_label: str
    change: str
    direction: str  # up | down | same | "" (no comparison)


@dataclass
class DashboardEntry:
    name: str
    title: str
    latest: str
    status: str
    runs: int
    values: list[ValueView]
    previous: str


@dataclass
class RunRow:
    date: str
    status: str
    values: list[ValueView]
    has_pdf: bool


@dataclass
class Trend:
    title: str
    svg: Markup
    first: str
    last: str


@dataclass
class SiteText:
    """The title of a site root and links to sub-sites (the teams) shown on its index."""

    title: str = "Reports"
    teams: list[str] = field(default_factory=list)
    feed_id: str = "site"


def numeric(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def change_of(current: Any, previous: Any) -> float | None:
    """`current - previous` when both are numbers (the change a single value shows)."""
    now, before = numeric(current), numeric(previous)
    if now is None or before is None:
        return None
    difference = now - before
    return int(difference) if difference.is_integer() else difference


def value_views(run: Run, previous: Run | None) -> list[ValueView]:
    """The single values of `run`, each compared with the same panel of `previous`."""
    earlier: dict[str, Any] = {}
    if previous is not None:
        earlier = {p["id"]: p.get("value") for p in previous.summary["panels"]}
    views = []
    for panel in run.summary["panels"]:
        if panel["type"] != "single_value":
            continue
        value = panel.get("value")
        band = panel.get("band") or {}
        if panel["status"] != "ok":
            text = "error"
        else:
            text = format_number(value) if value is not None else "no data"
        change = change_of(value, earlier.get(panel["id"])) if previous is not None else None
        direction = ""
        if change is not None:
            direction = "same" if change == 0 else ("up" if change > 0 else "down")
        color = band.get("color", "")
        views.append(
            ValueView(
                panel=panel["id"],
                title=panel["title"],
                text=text,
                unit=panel.get("unit", ""),
                band_color=color if color in BAND_COLORS else "none",
                band_label=band.get("label") or color,
                change=format_change(change),
                direction=direction,
            )
        )
    return views


def _page(theme: Theme, template: str, context: dict[str, Any]) -> bytes:
    context = {
        **context,
        "csp": Markup(content_security_policy([])),
        "css": Markup(theme.css_variables()),
        "version": __version__,
    }
    return environment(theme).get_template(template).render(context).encode("utf-8")


def history_page(theme: Theme, name: str, runs: Sequence[Run], up: str) -> bytes:
    """The history of one dashboard: a trend per single value, then every run, newest first."""
    rows = []
    for index, run in enumerate(runs):
        previous = runs[index - 1] if index else None
        rows.append(
            RunRow(
                run.stamp,
                run.summary.get("status", "ok"),
                value_views(run, previous),
                (run.path / "report.pdf").is_file(),
            )
        )
    trends = []
    for panel in runs[-1].summary["panels"]:
        if panel["type"] != "single_value":
            continue
        series = [_value_of(run, panel["id"]) for run in runs]
        shown = [format_number(v) if v is not None else "–" for v in series]
        svg = sparkline(series, f"{panel['title']}: " + ", ".join(shown))
        trends.append(Trend(panel["title"], svg, shown[0], shown[-1]))
    context = {
        "name": name,
        "title": runs[-1].summary["title"],
        "rows": list(reversed(rows)),
        "trends": trends,
        "first": runs[0].stamp,
        "last": runs[-1].stamp,
        "up": up,
        "report": REPORT,
        "summary": SUMMARY,
    }
    return _page(theme, "site_history.html", context)


def _value_of(run: Run, panel_id: str) -> float | None:
    for panel in run.summary["panels"]:
        if panel["id"] == panel_id and panel["status"] == "ok":
            return numeric(panel.get("value"))
    return None


def index_page(theme: Theme, dashboards: dict[str, list[Run]], text: SiteText) -> bytes:
    entries = []
    for name, runs in dashboards.items():
        latest = runs[-1]
        previous = runs[-2] if len(runs) > 1 else None
        entries.append(
            DashboardEntry(
                name=name,
                title=latest.summary["title"],
                latest=latest.stamp,
                status=latest.summary.get("status", "ok"),
                runs=len(runs),
                values=value_views(latest, previous),
                previous=previous.stamp if previous else "",
            )
        )
    context = {"entries": entries, "site": text, "latest": LATEST, "report": REPORT}
    return _page(theme, "site_index.html", context)


def refresh_pages(root: Path, text: SiteText, theme_dir: Path | None = None) -> list[Path]:
    """Rewrite the index and every history page of a site root from its archive, styled by the
    theme at `theme_dir` (default: the default theme)."""
    from reportgen.publish.feed import atom_feed

    theme = load_theme(theme_dir or theme_dir_for("default"))
    dashboards = dashboards_in(root)
    written = []
    for name, runs in dashboards.items():
        path = root / name / "index.html"
        write_atomic(path, history_page(theme, name, runs, "../index.html"))
        written.append(path)
    index = root / "index.html"
    write_atomic(index, index_page(theme, dashboards, text))
    feed = root / "feed.xml"
    write_atomic(feed, atom_feed(dashboards, text.title, text.feed_id))
    return [*written, index, feed]
