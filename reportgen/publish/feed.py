"""The site's Atom feed (RFC 4287): one entry per run, newest first.

Deterministic: ids come from the dashboard and run date, times from each run's reference
instant (`at` in its summary), never from the wall clock, so publishing the same runs twice
gives the same feed. Links are relative to the feed's own address.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from datetime import UTC, datetime
from urllib.parse import quote

from reportgen.publish.archive import REPORT, Run
from reportgen.publish.markdown import format_number

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50


def _instant(run: Run) -> str:
    """The run's `at` as an RFC 3339 UTC time."""
    text = str(run.summary.get("at", ""))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = datetime(run.date.year, run.date.month, run.date.day, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(run: Run) -> str:
    parts = []
    for panel in run.summary["panels"]:
        if panel["type"] != "single_value":
            continue
        if panel["status"] != "ok":
            parts.append(f"{panel['title']}: error")
            continue
        value = panel.get("value")
        shown = format_number(value) if value is not None else "no data"
        band = panel.get("band") or {}
        label = band.get("label") or band.get("color")
        parts.append(f"{panel['title']}: {shown}" + (f" ({label})" if label else ""))
    status = run.summary.get("status", "ok")
    return f"Status {status}. " + "; ".join(parts)


def atom_feed(dashboards: dict[str, list[Run]], title: str, feed_id: str = "site") -> bytes:
    """The feed of every run of `dashboards` (at most MAX_ENTRIES, newest first)."""
    runs = [run for runs in dashboards.values() for run in runs]
    runs.sort(key=lambda run: (run.date, _instant(run), run.dashboard), reverse=True)
    runs = runs[:MAX_ENTRIES]
    etree.register_namespace("", ATOM)
    feed = etree.Element(f"{{{ATOM}}}feed")
    etree.SubElement(feed, f"{{{ATOM}}}title").text = title
    etree.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:reportgen:{feed_id}"
    updated = max((_instant(run) for run in runs), default="1970-01-01T00:00:00Z")
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = updated
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = "reportgen"
    etree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": "index.html"})
    for run in runs:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        name = f"{run.summary['title']} — {run.stamp}"
        etree.SubElement(entry, f"{{{ATOM}}}title").text = name
        entry_id = f"urn:reportgen:{feed_id}:{run.dashboard}:{run.stamp}"
        etree.SubElement(entry, f"{{{ATOM}}}id").text = entry_id
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = _instant(run)
        href = f"{quote(run.dashboard)}/{run.stamp}/{REPORT}"
        etree.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": href})
        etree.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = _text(run)
    etree.indent(feed)
    body = etree.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
