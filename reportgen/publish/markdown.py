"""`--summary-md`: a Markdown summary of a run for a pull request comment or a CI job summary.

Built from the summary documents (the `.json` of each dashboard), so `build` and `publish` say
the same thing. Cell text is escaped: a panel title or error with `|`, `<` or a newline cannot
break the table or inject markup into the page that shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_ESCAPES = str.maketrans(
    {
        "|": "\\|",
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "\r": " ",
        "\n": " ",
    }
)


def cell(text: object) -> str:
    """`text` as inert Markdown table-cell text."""
    return str(text).translate(_ESCAPES).strip()


def format_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.4g}"
    return "" if value is None else str(value)


def format_change(change: Any) -> str:
    if not isinstance(change, int | float) or isinstance(change, bool):
        return ""
    if change == 0:
        return "±0"
    return ("+" if change > 0 else "−") + format_number(abs(change))


def _value(panel: dict[str, Any]) -> str:
    if panel["status"] != "ok":
        return ""
    if panel["type"] == "single_value":
        return format_number(panel.get("value")) if panel.get("value") is not None else "no data"
    rows = panel.get("rows", 0)
    return f"{rows} row{'s' if rows != 1 else ''}"


def _band(panel: dict[str, Any]) -> str:
    band = panel.get("band")
    if not band:
        return ""
    label = band.get("label") or band["color"]
    return label if label == band["color"] else f"{label} ({band['color']})"


def summary_markdown(summaries: Sequence[dict[str, Any]]) -> str:
    """One section per dashboard: its status, a table of panels (status, value, band, change
    since the previous published run when known) and the gates it crossed."""
    parts: list[str] = []
    for doc in summaries:
        title = cell(doc["title"])
        where = f" — team {cell(doc['team']['name'])}" if doc.get("team") else ""
        when = f" ({cell(doc['date'])})" if doc.get("date") else ""
        failed = [p for p in doc["panels"] if p["status"] != "ok"]
        gates = doc.get("gates", [])
        status = "ok"
        if failed:
            status = f"{len(failed)} panel{'s' if len(failed) != 1 else ''} failed"
        if gates:
            status = f"{len(gates)} gate{'s' if len(gates) != 1 else ''} crossed"
        lines = [f"### {title}{where}{when}", "", f"**Status:** {status}", ""]
        compare = any("change" in p for p in doc["panels"])
        header = ["Panel", "Status", "Value", "Band"] + (["Change"] if compare else [])
        lines.append("| " + " | ".join(header) + " |")
        align = ["---", "---", "---:", "---"] + (["---:"] if compare else [])
        lines.append("|" + "|".join(align) + "|")
        for panel in doc["panels"]:
            row = [
                cell(panel["title"]),
                "ok" if panel["status"] == "ok" else "**error**",
                cell(_value(panel)),
                cell(_band(panel)),
            ]
            if compare:
                row.append(format_change(panel.get("change")))
            lines.append("| " + " | ".join(row) + " |")
        if failed:
            lines += ["", "Failed panels:", ""]
            lines += [f"- {cell(p['id'])}: {cell(_first_line(p))}" for p in failed]
        if gates:
            lines += ["", "Gates crossed:", ""]
            lines += [f"- `{gate['gate']}`: {cell(gate['message'])}" for gate in gates]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _first_line(panel: dict[str, Any]) -> str:
    """The headline of a panel's error (its snippet and caret need a monospace block)."""
    error = str(panel.get("error", ""))
    return error.splitlines()[0] if error else ""
