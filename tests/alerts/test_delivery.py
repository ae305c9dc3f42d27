"""Delivery against the real thing: Alertmanager's v2 API (Debian's prometheus-alertmanager,
started per test) and a local webhook server; failures are one line and exit 1, after the
reports are written; credentials come from the environment only."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.conftest import Hook, active_alerts

AT = "2026-11-20T12:00:00Z"


def build(cli: Any, board: Path, snapshot: Path, out: Path, *extra: str | Path) -> Any:
    return cli("build", board, "--logs", snapshot, "--out", out, "--at", AT, *extra)


def test_alerts_appear_in_alertmanager_with_their_labels_and_resolve(
    cli: Any, board: Path, sample_snapshot: Path, tmp_path: Path, alertmanager: str
) -> None:
    state = tmp_path / "state.json"
    options = ["--alertmanager", alertmanager, "--alert-state", state]
    options += ["--site-url", "https://reports.example.com/daily"]
    ran = build(cli, board, sample_snapshot, tmp_path / "out", *options)
    assert ran.code == 0, ran.err
    alerts = active_alerts(alertmanager)
    assert [alert["labels"] for alert in alerts] == [
        {
            "alertname": "Busy hosts",
            "dashboard": "alerting",
            "panel": "hosts",
            "team_owner": "secops",
        },
        {
            "alertname": "Violations",
            "dashboard": "alerting",
            "panel": "violations",
            "severity": "page",
            "team_owner": "secops",
        },
    ]
    violations = alerts[1]
    assert violations["status"]["state"] == "active"
    assert violations["annotations"]["summary"] == "Violations is 38 (high)"
    assert violations["annotations"]["runbook_url"] == "https://runbooks.example.com/violations"
    assert violations["generatorURL"] == (
        "https://reports.example.com/daily/alerting.html#panel-violations"
    )
    assert violations["startsAt"] == "2026-11-20T12:00:00.000Z"
    ours = json.loads(state.read_text())["firing"]
    assert {a["fingerprint"] for a in ours} == {a["fingerprint"] for a in alerts}

    # The next run fires the same alerts again: Alertmanager updates them, it does not add any.
    ran = build(cli, board, sample_snapshot, tmp_path / "out", *options)
    assert ran.code == 0, ran.err
    assert [a["fingerprint"] for a in active_alerts(alertmanager)] == [
        a["fingerprint"] for a in alerts
    ]

    # The values leave their bands: both alerts resolve (Alertmanager lists only active ones).
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--var", "cut=999999", *options)
    assert ran.code == 0, ran.err
    assert active_alerts(alertmanager) == []


def test_json_webhook_gets_the_alerts_document_with_the_token(
    cli: Any,
    board: Path,
    sample_snapshot: Path,
    tmp_path: Path,
    hook: Hook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPORTGEN_WEBHOOK_TOKEN", "s3cret")
    doc = tmp_path / "alerts.json"
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--webhook", hook.url,
                "--alerts-out", doc)  # fmt: skip
    assert ran.code == 0, ran.err
    [request] = hook.requests
    assert request["path"] == "/hooks/secret-token-123"
    assert request["headers"]["Authorization"] == "Bearer s3cret"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == json.loads(doc.read_text())
    # One document per run, even when nothing fires (a heartbeat for the receiver).
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--webhook", hook.url,
                "--var", "cut=999999")  # fmt: skip
    assert ran.code == 0, ran.err
    assert hook.bodies()[1]["status"] == "ok"


def test_slack_webhook_gets_an_escaped_message(
    cli: Any, sample_snapshot: Path, tmp_path: Path, hook: Hook
) -> None:
    board = tmp_path / "hostile.yaml"
    board.write_text(
        "title: 'Ops <!channel> & *team*'\n"
        "panels:\n"
        "  - id: users\n"
        "    title: 'Users @here [click](https://evil.example)'\n"
        "    type: table\n"
        "    query: _sourceCategory=twistlock_logs (Denied)"
        ' | parse "for user * by rule" as user | count by user | sort by user asc | limit 1\n'
        "    thresholds:\n"
        "      - {column: _count, op: '>', value: 0, color: red, label: '<b>denied</b>', alert: true}\n"
    )
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--webhook", hook.url,
                "--webhook-format", "slack", "--site-url", "https://r.example")  # fmt: skip
    assert ran.code == 0, ran.err
    [message] = hook.bodies()
    assert message["text"] == "reportgen alerts: 1 firing"
    [attachment] = message["attachments"]
    joiner = "\u2060"
    assert attachment["title"] == (
        f"[FIRING] Ops &lt;!channel&gt; &amp; *{joiner}team*{joiner}: "
        f"Users @{joiner}here [click]{joiner}(https://evil.example)"
    )
    assert attachment["title_link"] == "https://r.example/hostile.html#panel-users"
    assert attachment["color"] == "#c62828"
    first, window, cell = attachment["text"].split("\n")
    assert first == "1 cell &lt;b&gt;denied&lt;/b&gt;"
    assert window == "2026-11-14 00:15:42 – 2026-11-20 12:00 UTC"
    assert cell.startswith("row 1: user=")
    for text in (attachment["title"], attachment["text"], attachment["fallback"]):
        assert "<" not in text and "@here" not in text and "](" not in text
    # Nothing firing and nothing resolved: no message (a chat channel wants no heartbeat).
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--webhook", hook.url,
                "--webhook-format", "slack", "--var", "x=1")  # fmt: skip
    assert len(hook.requests) == 1


def test_a_failed_delivery_is_one_line_and_exit_1_after_the_reports(
    cli: Any, board: Path, sample_snapshot: Path, tmp_path: Path, hook: Hook
) -> None:
    hook.status = 404
    out = tmp_path / "out"
    ran = build(cli, board, sample_snapshot, out, "--webhook", hook.url)
    assert ran.code == 1
    # The URL's path (a webhook's secret) is not printed; the server's first line is.
    port = hook.url.split(":")[2].split("/")[0]
    assert ran.err == (
        f"error: alerts: webhook http://127.0.0.1:{port} did not take the alerts: "
        "HTTP 404 Not Found: no such hook\n"
    )
    assert (out / "alerting.html").is_file() and (out / "alerting.json").is_file()
    closed = f"http://127.0.0.1:{port}"
    hook.status = 200
    ran = build(cli, board, sample_snapshot, out, "--alertmanager", "http://127.0.0.1:9",
                "--fail-on", "red")  # fmt: skip
    assert ran.code == 1
    assert ran.err.startswith(
        "error: alerts: Alertmanager http://127.0.0.1:9 did not take the alerts: cannot connect ("
    )
    assert len(ran.err.splitlines()) == 1
    assert closed not in ran.err


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        (
            ["--alertmanager", "localhost:9093"],
            {},
            "error: --alertmanager must be an http(s) URL, got 'localhost:9093'; e.g. http://localhost:9093\n",
        ),
        (
            ["--webhook", "htps://chat.example.com/hooks/secret"],
            {},
            "error: --webhook must be an http(s) URL, got 'htps://chat.example.com'; "
            "e.g. https://chat.example.com/hooks/...\n",
        ),
        (
            ["--webhook", "https://user:pw@chat.example.com/hooks/x"],
            {},
            "error: --webhook must not hold a login; set $REPORTGEN_WEBHOOK_TOKEN, or "
            "$REPORTGEN_WEBHOOK_USER and its _PASSWORD, instead\n",
        ),
        (
            ["--alertmanager", "http://am.example.com:9093"],
            {"REPORTGEN_ALERTMANAGER_TOKEN": "t"},
            "error: refusing to send credentials over plain HTTP to am.example.com "
            "(--alertmanager); use https, or a server on this host\n",
        ),
        (
            ["--webhook", "https://chat.example.com/x", "--webhook-format", "slak"],
            {},
            "error: unknown webhook format 'slak' (--webhook-format); did you mean 'slack'?\n",
        ),
        (
            ["--alert-ttl", "0h"],
            {},
            "error: --alert-ttl must be positive, got '0h'; e.g. 48h\n",
        ),
    ],
)
def test_bad_delivery_options_fail_before_any_work(
    cli: Any,
    board: Path,
    sample_snapshot: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ran = build(cli, board, sample_snapshot, tmp_path / "out", *options)
    assert (ran.code, ran.err) == (2, message)
    assert not (tmp_path / "out").exists()


def test_alertmanager_login_comes_from_the_environment(
    cli: Any,
    board: Path,
    sample_snapshot: Path,
    tmp_path: Path,
    hook: Hook,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REPORTGEN_ALERTMANAGER_USER", "am")
    monkeypatch.setenv("REPORTGEN_ALERTMANAGER_PASSWORD", "pw")
    base = hook.url.rsplit("/hooks/", 1)[0]
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--alertmanager", base)
    assert ran.code == 0, ran.err
    [request] = hook.requests
    assert request["path"] == "/api/v2/alerts"
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"am:pw").decode()
    alerts = json.loads(request["body"])
    assert [a["labels"]["panel"] for a in alerts] == ["violations", "hosts"]
    assert alerts[0]["startsAt"] == "2026-11-20T12:00:00.000Z"
    assert alerts[0]["endsAt"] > alerts[0]["startsAt"]  # firing: ends --alert-ttl from now
