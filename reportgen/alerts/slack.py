"""The Slack-compatible message of a run's alerts (`--webhook-format slack`): `text` plus one
coloured attachment per alert, the payload Slack's incoming webhooks take and Mattermost and
Rocket.Chat read too.

Titles, band labels and table cells come from dashboards and log lines, which we do not trust:
every such text goes through `mrkdwn_escape`, so it cannot add a link, a mention (`<!channel>`,
`@here`) or markup to the message.
"""

from __future__ import annotations

from typing import Any

from reportgen.alerts.model import Alert
from reportgen.alerts.rules import number_text
from reportgen.alerts.state import AlertRun

MAX_ATTACHMENTS = 20
# Attachment bars: the default theme's band colours; resolved alerts are green.
BAR_COLORS = {"red": "#c62828", "orange": "#f0a020", "green": "#1b7f3b", "grey": "#5f6670"}
RESOLVED = "#1b7f3b"
_WORD_JOINER = "\u2060"


def mrkdwn_escape(text: str) -> str:
    """`text` as inert message text: `&`, `<` and `>` as Slack's entities (so no `<url|label>`
    link or `<!here>` mention), a word joiner after `@` (Mattermost and Rocket.Chat notify on
    `@channel`, `@all`, `@here`) and between `]` and `(` (a Markdown link), and markup characters
    (`*_~` and the backtick) kept from pairing by a word joiner, so they print as themselves."""
    out = []
    for char in text.replace("\r", " ").replace("\n", " "):
        if char == "&":
            out.append("&amp;")
        elif char == "<":
            out.append("&lt;")
        elif char == ">":
            out.append("&gt;")
        elif char in "@*_~`]":
            out.append(char + _WORD_JOINER)
        else:
            out.append(char)
    return "".join(out)


def slack_message(run: AlertRun) -> dict[str, Any]:
    """The message of `run` (firing alerts first, then the resolved ones)."""
    alerts = [*run.firing, *run.resolved]
    shown = alerts[:MAX_ATTACHMENTS]
    counts = []
    if run.firing:
        counts.append(f"{len(run.firing)} firing")
    if run.resolved:
        counts.append(f"{len(run.resolved)} resolved")
    text = "reportgen alerts: " + (", ".join(counts) or "none")
    if len(alerts) > len(shown):
        text += f" (the first {len(shown)} shown)"
    return {"text": text, "attachments": [_attachment(alert) for alert in shown]}


def _attachment(alert: Alert) -> dict[str, Any]:
    firing = alert.status == "firing"
    state = "FIRING" if firing else "RESOLVED"
    title = f"{alert.dashboard_title}: {alert.title}"
    if alert.team:
        title += f" (team {alert.team})"
    heading = f"[{state}] {mrkdwn_escape(title)}"
    if alert.kind == "table":
        plural = "" if alert.value == 1 else "s"
        line = f"{number_text(alert.value)} cell{plural} {alert.band.get('label', '')}"
    else:
        line = f"{number_text(alert.value)} ({alert.band.get('label', '')})"
    lines = [mrkdwn_escape(line), mrkdwn_escape(alert.window)]
    for cell in alert.cells[:5]:
        values = ", ".join(f"{k}={v}" for k, v in cell.get("values", {}).items())
        lines.append(mrkdwn_escape(f"row {cell.get('row')}: {values}"))
    attachment: dict[str, Any] = {
        "color": BAR_COLORS.get(alert.band.get("color", ""), "#5f6670") if firing else RESOLVED,
        "fallback": f"{heading}: {mrkdwn_escape(line)}",
        "title": heading,
        "text": "\n".join(lines),
        "footer": "reportgen",
    }
    if alert.url.startswith(("http://", "https://")):
        attachment["title_link"] = alert.url
    return attachment
