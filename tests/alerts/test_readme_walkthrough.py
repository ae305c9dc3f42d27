"""The README's alert walkthrough, run as written against a real Alertmanager: a week of publish
over an explicit copy of the sample shows the overview's red value firing there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.alerts.conftest import active_alerts
from tests.publish.conftest import soup_of


@pytest.mark.slow
def test_a_week_of_publish_fires_the_overviews_red_value(
    cli: Any, tmp_path: Path, alertmanager: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = Path("README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Alerts\n", 1)[1].split("\n## ", 1)[0]
    assert "reportgen sample --out logs" in section
    loop = re.search(r"for day in ([\d\- ]+); do\n  reportgen publish (.+?)\ndone", section, re.S)
    assert loop is not None
    days = loop.group(1).split()
    words = loop.group(2).replace("\\\n", " ").replace('"$day"', "DAY").split()
    assert words[0] == "dashboards/*.yaml"
    # The overview alone: the other dashboards fire nothing (the README's week example in
    # tests/publish/test_site.py publishes them all), and each costs a run per day.
    boards = [Path("dashboards/twistlock-overview.yaml").resolve()]
    ran = cli("sample", "--out", tmp_path / "logs")
    assert ran.code == 0, ran.err
    monkeypatch.chdir(tmp_path)
    local = {"DAY": None, "http://localhost:9093": alertmanager}
    for day in days:
        options = [day if w == "DAY" else local.get(w, w) for w in words[1:]]
        ran = cli("publish", *boards, *options)
        assert ran.code == 0, ran.err
    [alert] = active_alerts(alertmanager)
    assert alert["labels"] == {
        "alertname": "Violations (last 24 hours)",
        "dashboard": "twistlock-overview",
        "panel": "violations-24h",
    }
    assert alert["annotations"]["summary"] == "Violations (last 24 hours) is 215 (high)"
    assert alert["startsAt"] == "2026-11-17T00:00:00.000Z"
    assert alert["generatorURL"] == (
        "http://localhost:8000/twistlock-overview/2026-11-20/index.html#panel-violations-24h"
    )
    card = soup_of(tmp_path / "site" / "index.html").select_one("#dashboard-twistlock-overview")
    assert card.select_one(".status").get_text(strip=True) == "1 alert"
    assert [li["data-panel"] for li in card.select(".tile.firing")] == ["violations-24h"]
