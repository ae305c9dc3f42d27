"""Which alerts a run fires and resolves: `build` with `--alert-state`, `publish` against the
previous run in the site, table cells, failed panels, the documents written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.publish.conftest import soup_of

AT = "2026-11-20T12:00:00Z"
LATER = "2026-11-20T18:00:00Z"


def build(cli: Any, board: Path, snapshot: Path, out: Path, *extra: str | Path) -> Any:
    return cli("build", board, "--logs", snapshot, "--out", out, *extra)


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_build_fires_and_the_next_resolves_through_the_state_file(
    cli: Any, board: Path, sample_snapshot: Path, tmp_path: Path
) -> None:
    out, state, doc = tmp_path / "out", tmp_path / "state.json", tmp_path / "alerts.json"
    options = ["--alert-state", state, "--alerts-out", doc, "--site-url", "https://r.example/x/"]
    ran = build(cli, board, sample_snapshot, out, "--at", AT, *options)
    assert ran.code == 0, ran.err
    assert f"wrote {doc}\n" in ran.out
    first = read(doc)
    assert (first["command"], first["status"], first["resolved"]) == ("build", "firing", [])
    violations, _ = first["firing"]
    assert violations == {
        "status": "firing",
        "key": "alerting/violations",
        "fingerprint": violations["fingerprint"],
        "labels": {
            "alertname": "Violations",
            "dashboard": "alerting",
            "panel": "violations",
            "severity": "page",
            "team_owner": "secops",
        },
        "annotations": {
            "band": "high",
            "description": "Alerting board: Violations is 38 (high), "
            "2026-11-19 12:00 – 2026-11-20 12:00 UTC.",
            "report": "https://r.example/x/alerting.html#panel-violations",
            "runbook_url": "https://runbooks.example.com/violations",
            "summary": "Violations is 38 (high)",
            "value": "38",
        },
        "dashboard": "alerting",
        "dashboard_title": "Alerting board",
        "panel": "violations",
        "title": "Violations",
        "team": None,
        "kind": "single_value",
        "value": 38,
        "band": {"color": "red", "label": "high"},
        "cells": [],
        "window": "2026-11-19 12:00 – 2026-11-20 12:00 UTC",
        "run": None,
        "url": "https://r.example/x/alerting.html#panel-violations",
        "startsAt": "2026-11-20T12:00:00Z",
        "endsAt": None,
    }
    assert len(violations["fingerprint"]) == 16
    assert read(state)["firing"] == first["firing"]
    summary = read(out / "alerting.json")
    assert summary["alerts"] == {"firing": first["firing"], "resolved": []}

    # Still firing later: the same alert, started when it first fired.
    ran = build(cli, board, sample_snapshot, out, "--at", LATER, *options)
    assert ran.code == 0, ran.err
    again = read(doc)["firing"][0]
    assert (again["key"], again["startsAt"]) == ("alerting/violations", "2026-11-20T12:00:00Z")

    # The count is filtered away: no value, no band, both alerts resolve at this run's instant.
    ran = build(cli, board, sample_snapshot, out, "--at", LATER, "--var", "cut=999999", *options)
    assert ran.code == 0, ran.err
    last = read(doc)
    assert (last["status"], last["firing"]) == ("resolved", [])
    assert [(a["key"], a["status"], a["startsAt"], a["endsAt"]) for a in last["resolved"]] == [
        ("alerting/violations", "resolved", "2026-11-20T12:00:00Z", "2026-11-20T18:00:00Z"),
        ("alerting/hosts", "resolved", "2026-11-20T12:00:00Z", "2026-11-20T18:00:00Z"),
    ]
    assert read(state)["firing"] == []
    ran = build(cli, board, sample_snapshot, out, "--at", LATER, "--var", "cut=999999", *options)
    assert read(doc)["status"] == "ok" and read(doc)["resolved"] == []


def test_a_table_alert_lists_its_cells(
    cli: Any, board: Path, sample_snapshot: Path, tmp_path: Path
) -> None:
    doc = tmp_path / "alerts.json"
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--at", AT, "--alerts-out", doc)
    assert ran.code == 0, ran.err
    hosts = read(doc)["firing"][1]
    assert (hosts["kind"], hosts["value"], hosts["band"]) == (
        "table",
        5,
        {"color": "orange", "label": "busy"},
    )
    assert hosts["annotations"]["summary"] == "Busy hosts: 5 cells busy"
    assert hosts["annotations"]["description"] == (
        "Alerting board: Busy hosts: 5 cells busy, 2026-11-19 12:00 – 2026-11-20 12:00 UTC. "
        "row 1 _count=50; row 2 _count=53; row 3 _count=251; ..."
    )
    assert hosts["cells"][0] == {
        "row": 1,
        "column": "_count",
        "band": {"color": "orange", "label": "busy"},
        "values": {"_sourcehost": "cto-stable-ubuntu.c.cto-sandbox.internal", "_count": 50},
    }
    assert [cell["values"]["_sourcehost"] for cell in hosts["cells"]] == [
        "cto-stable-ubuntu.c.cto-sandbox.internal",
        "prod-db-2",
        "prod-web-1",
        "stage-1",
        "twistlock-console",
    ]
    # Without --site-url the links are file URLs of the reports written.
    assert hosts["url"] == (tmp_path / "out" / "alerting.html").resolve().as_uri() + "#panel-hosts"


def test_a_failed_panel_keeps_its_alert_firing(
    cli: Any, board: Path, sample_snapshot: Path, tmp_path: Path
) -> None:
    state, doc = tmp_path / "state.json", tmp_path / "alerts.json"
    options = ["--alert-state", state, "--alerts-out", doc, "--at", AT]
    assert build(cli, board, sample_snapshot, tmp_path / "out", *options).code == 0
    broken = tmp_path / "alerting.yaml"
    broken.write_text(
        board.read_text().replace(
            "| count | where", "| count by _sourcehost | fields _sourcehost | where"
        )
    )
    ran = build(cli, broken, sample_snapshot, tmp_path / "out", *options)
    assert ran.code == 1  # a panel failed
    firing = read(doc)["firing"]
    # The failed panel's earlier alert is repeated as it was; its state is unknown, not resolved.
    assert [a["key"] for a in firing] == ["alerting/hosts", "alerting/violations"]
    assert read(doc)["resolved"] == []


def test_a_bad_state_file_is_refused_before_any_work(
    cli: Any, board: Path, sample_snapshot: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    state.write_text('{"something": "else"}')
    ran = build(cli, board, sample_snapshot, tmp_path / "out", "--alert-state", state)
    assert (ran.code, ran.err) == (
        2,
        f"error: {state} (--alert-state) is not an alert state file; give a file that only "
        "reportgen writes (it is created on the first run)\n",
    )
    assert not (tmp_path / "out").exists()


def test_publish_compares_with_the_previous_run_and_a_backfill_alerts_nobody(
    cli: Any, board: Path, sample_snapshot: Path, tmp_path: Path
) -> None:
    site, doc = tmp_path / "site", tmp_path / "alerts.json"

    def publish(day: str, *extra: str) -> dict[str, Any]:
        ran = cli(
            "publish", board, "--logs", sample_snapshot, "--site", site, "--date", day,
            "--alerts-out", doc, *extra,
        )  # fmt: skip
        assert ran.code == 0, ran.err
        return dict(read(doc))

    # The violations of the 17th, 18th, 19th and 20th: 14, 13, 10 and 42 (red from 11).
    first = publish("2026-11-17")
    assert [a["key"] for a in first["firing"]] == ["alerting/violations", "alerting/hosts"]
    assert first["firing"][0]["run"] == "2026-11-17"
    assert first["firing"][0]["url"] == (
        (site / "alerting" / "2026-11-17" / "index.html").resolve().as_uri() + "#panel-violations"
    )
    second = publish("2026-11-18")
    assert [(a["key"], a["startsAt"]) for a in second["firing"]] == [
        ("alerting/violations", "2026-11-18T00:00:00Z"),
        ("alerting/hosts", "2026-11-18T00:00:00Z"),
    ]
    third = publish("2026-11-19")
    assert [a["key"] for a in third["firing"]] == ["alerting/hosts"]
    assert [(a["key"], a["value"], a["startsAt"], a["endsAt"]) for a in third["resolved"]] == [
        ("alerting/violations", 13, "2026-11-18T00:00:00Z", "2026-11-20T00:00:00Z"),
    ]
    fourth = publish("2026-11-20")
    assert [(a["key"], a["startsAt"]) for a in fourth["firing"]] == [
        ("alerting/violations", "2026-11-21T00:00:00Z"),  # a new episode
        ("alerting/hosts", "2026-11-18T00:00:00Z"),
    ]
    # Re-publishing the 18th (a backfill: later runs exist) sends nothing, but its summary
    # still records what it fired.
    backfill = publish("2026-11-18")
    assert (backfill["status"], backfill["firing"], backfill["resolved"]) == ("ok", [], [])
    summary = read(site / "alerting" / "2026-11-18" / "summary.json")
    assert [a["key"] for a in summary["alerts"]["firing"]] == [
        "alerting/violations",
        "alerting/hosts",
    ]
    # The site marks the firing value on the dashboard's card.
    index = soup_of(site / "index.html")
    tiles = index.select("#dashboard-alerting .tile.firing")
    assert [tile["data-panel"] for tile in tiles] == ["violations"]


def test_each_teams_report_alerts_under_its_own_identity(
    cli: Any, sample_snapshot: Path, tmp_path: Path
) -> None:
    board = tmp_path / "teamed.yaml"
    board.write_text(
        "title: Teamed\ntime_range: -24h\npanels:\n"
        "  - id: n\n    title: Messages\n    type: single_value\n    query: '* | count'\n"
        "    bands: [{from: 1, color: red, label: some, alert: true}]\n"
    )
    teams = tmp_path / "site.yaml"
    teams.write_text(
        "teams:\n  - {name: web, scope: _sourceHost=prod-web-1}\n"
        "  - {name: db, scope: _sourceHost=prod-db-2}\n"
    )
    doc = tmp_path / "alerts.json"
    ran = cli("publish", board, "--logs", sample_snapshot, "--site", tmp_path / "site",
              "--teams", teams, "--date", "2026-11-20", "--alerts-out", doc)  # fmt: skip
    assert ran.code == 0, ran.err
    firing = read(doc)["firing"]
    assert [(a["key"], a["team"], a["labels"].get("team")) for a in firing] == [
        ("teamed/n", None, None),
        ("teams/web/teamed/n", "web", "web"),
        ("teams/db/teamed/n", "db", "db"),
    ]
    # A team's alert carries its own count and links into its part of the site.
    assert firing[1]["value"] < firing[0]["value"]
    assert "/site/teams/web/teamed/2026-11-20/index.html#panel-n" in firing[1]["url"]
    assert len({a["fingerprint"] for a in firing}) == 3
