"""Quiet input: an empty chart is an empty chart ("No data in this range") in HTML, PDF and
mail, not an error card; an empty snapshot or a time range without messages is said aloud."""

from __future__ import annotations

import email
import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.pdf_tools import pages_text

OVERVIEW = "dashboards/twistlock-overview.yaml"
PANEL = "process-violations-per-host"


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Defender logs of a day without a single process violation."""
    root = tmp_path_factory.mktemp("quiet")
    logs = root / "web-1" / "var" / "lib" / "twistlock" / "log"
    logs.mkdir(parents=True)
    (logs / "defender.log").write_text(
        " INFO 2026-11-20T10:00:00.000 defender.go:12  Connected to console\n"
        " INFO 2026-11-20T11:00:00.000 defender.go:12  Connected to console\n"
    )
    (root / "sources.yaml").write_text(
        'sources:\n  - files: "*/var/lib/twistlock/log/*.log*"\n    category: twistlock_logs\n'
    )
    return root


def test_a_quiet_day_draws_empty_charts(quiet: Path, tmp_path: Path, cli: Any) -> None:
    ran = cli(
        "build", OVERVIEW, "--logs", quiet, "--out", tmp_path, "--format", "html,pdf",
        "--fail-on", "error",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.err == ""
    page = BeautifulSoup((tmp_path / "twistlock-overview.html").read_text(), "html.parser")
    panel = page.select_one(f"#panel-{PANEL}")
    assert "kind-empty" in panel["class"] and "status-empty" in panel["class"]
    assert panel.select_one(".no-data").get_text() == "No data in this range"
    assert not page.select(".panel-error")
    summary = json.loads((tmp_path / "twistlock-overview.json").read_text())
    entry = next(p for p in summary["panels"] if p["id"] == PANEL)
    assert (entry["status"], entry["rows"]) == ("ok", 0)
    assert summary["notices"] == []
    text = " ".join(pages_text((tmp_path / "twistlock-overview.pdf").read_bytes()))
    assert "No data in this range" in text
    assert "needs" not in text


def test_a_quiet_day_in_mail(quiet: Path, tmp_path: Path, cli: Any) -> None:
    ran = cli(
        "mail", OVERVIEW, "--logs", quiet, "--dry-run", "--out", tmp_path,
        "--from", "reports@example.com", "--to", "secops@example.com",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    message = email.message_from_bytes((tmp_path / "twistlock-overview.eml").read_bytes())
    parts: dict[str, str] = {}
    for part in message.walk():
        if part.get_content_maintype() == "text" and not part.get_filename():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts[part.get_content_subtype()] = payload.decode()
    assert "Process violations per host: no data in this range\n" in parts["plain"]
    html = BeautifulSoup(parts["html"], "html.parser")
    heading = next(h for h in html.select("h2") if h.get_text() == "Process violations per host")
    assert heading.find_next_sibling("p").get_text() == "No data in this range."
    assert "panel-error" not in parts["html"]


def test_an_empty_snapshot_is_said(tmp_path: Path, cli: Any) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "app.log").write_text("")
    ran = cli("query", "* | count", "--logs", empty, "--output", "json")
    assert (ran.code, ran.json()) == (0, [{"_count": 0}])
    assert ran.err == "warning: the snapshot holds no messages (1 file, 0 records)\n"
    ran = cli("build", OVERVIEW, "--logs", empty, "--out", tmp_path / "out")
    assert ran.code == 0, ran.err
    assert ran.err.splitlines() == [
        "warning: app.log: empty; skipped",
        "warning: the snapshot holds no messages (1 file, 0 records)",
    ]
    page = BeautifulSoup((tmp_path / "out/twistlock-overview.html").read_text(), "html.parser")
    notices = [p.get_text() for p in page.select(".report-notice")]
    assert notices == ["The snapshot holds no messages (1 file, 0 records)."]
    assert not page.select(".panel-error")


def test_a_range_without_messages_is_said(sample_snapshot: Path, tmp_path: Path, cli: Any) -> None:
    ran = cli("query", "* | count", "--logs", sample_snapshot, "--at", "2027-01-01T00:00:00Z",
              "--range", "-1h")  # fmt: skip
    assert ran.code == 0
    assert ran.err == (
        "warning: no messages in the time range 2026-12-31 23:00 – 2027-01-01 00:00 UTC\n"
    )
    ran = cli("build", OVERVIEW, "--logs", sample_snapshot, "--at", "2027-01-01T00:00:00Z",
              "--out", tmp_path, "--fail-on", "error")  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.err == (
        "warning: twistlock-overview: no messages in the time range "
        "2026-12-25 00:00 – 2027-01-01 00:00 UTC\n"
    )
    summary = json.loads((tmp_path / "twistlock-overview.json").read_text())
    assert summary["notices"] == [
        "No messages in the time range 2026-12-25 00:00 – 2027-01-01 00:00 UTC."
    ]
