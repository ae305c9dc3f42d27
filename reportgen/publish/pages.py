"""The site's own pages: the index (a card per dashboard) and one history page per dashboard.

Everything shown comes from the runs' summary JSON, so the pages can be rebuilt from the archive
alone. They use the reports' theme (its colours, fonts and light/dark rules) plus `site.css`;
Jinja2 autoescape, no script, no external URL, relative links only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from reportgen import __version__
from reportgen.output import write_atomic
from reportgen.publish.archive import LATEST, REPORT, SUMMARY, Run, dashboards_in
from reportgen.publish.markdown import format_change, format_number
from reportgen.publish.sparkline import sparkline
from reportgen.publish.trend_chart import BandRange, Point, trend_chart
from reportgen.render.html import environment
from reportgen.render.safe import content_security_policy
from reportgen.render.theme import Theme, load_theme, theme_dir_for

BAND_COLORS = ("green", "orange", "red", "grey")
ARROWS = {"up": "▲", "down": "▼", "same": "="}


@dataclass(frozen=True)
class ValueView:
    """A single value as the site shows it: a tile with its band, the change since the previous
    run, a trend of the last runs (index only) and whether it fires an alert."""

    panel: str
    title: str
    text: str
    unit: str
    band_color: str
    band_label: str
    change: str
    direction: str  # up | down | same | "" (no comparison)
    trend: Markup = field(default_factory=Markup)
    firing: bool = False

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction, "")


@dataclass(frozen=True)
class FileLink:
    label: str
    href: str


@dataclass
class DashboardEntry:
    name: str
    title: str
    latest: str
    status: str
    runs: int
    values: list[ValueView]
    previous: str
    files: list[FileLink]
    csvs: list[FileLink]
    firing: int
    failed: int


@dataclass
class RunRow:
    date: str
    status: str
    values: list[ValueView]
    files: list[FileLink]
    csvs: list[FileLink]


@dataclass
class Trend:
    panel: str
    title: str
    chart: Markup
    latest: ValueView


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


def value_views(run: Run, previous: Run | None, history: Sequence[Run] = ()) -> list[ValueView]:
    """The single values of `run`, each compared with the same panel of `previous`; with
    `history` (oldest first, ending with `run`) each also gets a small trend line."""
    earlier: dict[str, Any] = {}
    if previous is not None:
        earlier = {p["id"]: p.get("value") for p in previous.summary["panels"]}
    firing = {a.get("panel") for a in (run.summary.get("alerts") or {}).get("firing", [])}
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
        trend = Markup("")
        if len(history) > 1:
            series = [_value_of(item, panel["id"]) for item in history]
            shown = ", ".join(format_number(v) if v is not None else "–" for v in series)
            trend = sparkline(series, f"{panel['title']}: {shown}")
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
                trend=trend,
                firing=panel["id"] in firing,
            )
        )
    return views


def _files(run: Run, base: str) -> tuple[list[FileLink], list[FileLink]]:
    """Links to a run's report, PDF and summary, and to its CSVs (by panel title)."""
    files = [FileLink("HTML", f"{base}/{REPORT}")]
    if (run.path / "report.pdf").is_file():
        files.append(FileLink("PDF", f"{base}/report.pdf"))
    files.append(FileLink("JSON", f"{base}/{SUMMARY}"))
    csvs = [
        FileLink(panel["title"], f"{base}/{quote(panel['id'])}.csv")
        for panel in run.summary["panels"]
        if (run.path / f"{panel['id']}.csv").is_file()
    ]
    return files, csvs


def _page(theme: Theme, template: str, context: dict[str, Any]) -> bytes:
    env = environment(theme)
    site_css = env.get_template("site.css").render()
    context = {
        **context,
        "csp": Markup(content_security_policy([])),
        "css": Markup(theme.css_variables() + theme.css + site_css),
        "version": __version__,
    }
    return env.get_template(template).render(context).encode("utf-8")


def history_page(theme: Theme, name: str, runs: Sequence[Run], up: str) -> bytes:
    """The history of one dashboard: a chart per single value, then every run, newest first."""
    rows = []
    for index, run in enumerate(runs):
        previous = runs[index - 1] if index else None
        files, csvs = _files(run, run.stamp)
        rows.append(
            RunRow(
                run.stamp, run.summary.get("status", "ok"), value_views(run, previous), files, csvs
            )
        )
    latest = value_views(runs[-1], runs[-2] if len(runs) > 1 else None)
    trends = []
    for panel, view in zip(_singles(runs[-1]), latest, strict=True):
        points = [_point(run, panel["id"]) for run in runs]
        bands = [
            BandRange(b.get("from"), b.get("to"), str(b.get("color")), str(b.get("label") or ""))
            for b in panel.get("bands") or []
        ]
        trends.append(
            Trend(panel["id"], panel["title"], trend_chart(points, bands, panel["title"]), view)
        )
    context = {
        "name": name,
        "title": runs[-1].summary["title"],
        "rows": list(reversed(rows)),
        "trends": trends,
        "first": runs[0].stamp,
        "last": runs[-1].stamp,
        "up": up,
        "report": REPORT,
    }
    return _page(theme, "site_history.html", context)


def _singles(run: Run) -> list[dict[str, Any]]:
    return [panel for panel in run.summary["panels"] if panel["type"] == "single_value"]


def _point(run: Run, panel_id: str) -> Point:
    for panel in run.summary["panels"]:
        if panel["id"] == panel_id and panel["status"] == "ok":
            band = panel.get("band") or {}
            label = band.get("label") or band.get("color") or ""
            return Point(run.date, numeric(panel.get("value")), band.get("color") or "", label)
    return Point(run.date, None)


def _value_of(run: Run, panel_id: str) -> float | None:
    return _point(run, panel_id).value


def index_page(theme: Theme, dashboards: dict[str, list[Run]], text: SiteText) -> bytes:
    entries = []
    for name, runs in dashboards.items():
        latest = runs[-1]
        previous = runs[-2] if len(runs) > 1 else None
        base = f"{quote(name)}/{latest.stamp}"
        files, csvs = _files(latest, base)
        alerts = latest.summary.get("alerts") or {}
        entries.append(
            DashboardEntry(
                name=name,
                title=latest.summary["title"],
                latest=latest.stamp,
                status=latest.summary.get("status", "ok"),
                runs=len(runs),
                values=value_views(latest, previous, runs[-14:]),
                previous=previous.stamp if previous else "",
                files=files,
                csvs=csvs,
                firing=len(alerts.get("firing", [])),
                failed=sum(1 for p in latest.summary["panels"] if p["status"] != "ok"),
            )
        )
    newest = max((entry.latest for entry in entries), default="")
    context = {
        "entries": entries,
        "site": text,
        "latest": LATEST,
        "report": REPORT,
        "newest": newest,
        "firing": sum(entry.firing for entry in entries),
    }
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
