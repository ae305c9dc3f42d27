"""The build summary (design D8): every panel's status, value, band, rows, query and timing."""

from __future__ import annotations

import json
from typing import Any

from reportgen.dashboard.loader import Dashboard
from reportgen.output import iso_time
from reportgen.render import pick_band, single_value
from reportgen.render.context import PanelView, ReportView
from reportgen.session import Session


def panel_value(panel: PanelView) -> Any:
    """The value a single-value panel shows (None when it has none)."""
    if panel.result is None or panel.error:
        return None
    return single_value(panel.result).value


def summary_json(dashboard: Dashboard, report: ReportView, session: Session) -> str:
    """The summary document of one built dashboard, as stable, sorted JSON text."""
    panels = []
    for panel in report.panels:
        entry: dict[str, Any] = {
            "id": panel.id,
            "title": panel.title,
            "type": panel.type,
            "query": panel.query,
            "status": "error" if panel.error else "ok",
            "elapsed_ms": round(panel.elapsed_ms, 1),
        }
        if panel.window_label:
            entry["window"] = panel.window_label
        if panel.error:
            entry["error"] = panel.error
        if panel.result is not None:
            entry["rows"] = len(panel.result.rows)
            entry["columns"] = panel.result.names
            if panel.result.warnings:
                entry["warnings"] = panel.result.warnings
        if panel.type == "single_value":
            value = panel_value(panel)
            entry["value"] = value
            band = pick_band(value, panel.bands) if isinstance(value, int | float) else None
            entry["band"] = None if band is None else {"color": band.color, "label": band.label}
            entry["unit"] = panel.unit
            # The site's history charts draw these behind the values.
            entry["bands"] = [
                {"from": b.low, "to": b.high, "color": b.color, "label": b.label}
                for b in panel.bands
            ]
        panels.append(entry)
    info = session.snapshot
    document = {
        "dashboard": dashboard.stem,
        "title": report.title,
        "source": str(dashboard.path),
        "generator": f"reportgen {report.version}",
        "at": iso_time(session.at, report.tz),
        "timezone": report.tz,
        "window": report.window_label,
        "status": "error" if any(p.error for p in report.panels) else "ok",
        "notices": report.notices,
        "snapshot": {
            # Invented numbers must be told from real ones by whoever reads the summary.
            "bundled": session.bundled,
            "files": [
                {
                    "name": item.name,
                    "format": item.format,
                    "bytes": item.bytes,
                    "lines": item.lines,
                    "records": item.records,
                    "problems": dict(sorted(item.problems.items())),
                }
                for item in info.files
                if not report.scoped
            ],
            "rows": info.rows,
            "sha256": info.digest,
            "problems": dict(sorted(info.problems.items())),
        },
        "panels": panels,
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
