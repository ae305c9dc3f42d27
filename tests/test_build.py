"""`reportgen build` end to end on a generated snapshot: the HTML parsed, its numbers checked
against `reportgen query`, hostile log lines, failing panels, determinism, a real browser."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import altair as alt
import pytest
from bs4 import BeautifulSoup

from reportgen.output import format_result  # noqa: F401 - imported to keep the API covered
from reportgen.render import format_si
from tests.browser import assert_charts_drawn, chart_ids, load_page

OVERVIEW = Path("dashboards/twistlock-overview.yaml")
PANEL_IDS = [
    "violations-24h",
    "network-violations",
    "process-violations",
    "violations-by-day",
    "top-violation-types",
    "top-users",
    "process-violations-per-host",
    "netcat-cto-stable",
]


@pytest.fixture(scope="module")
def built(sample_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reportgen.cli import run

    out = tmp_path_factory.mktemp("out")
    assert run(["build", str(OVERVIEW), "--logs", str(sample_snapshot), "--out", str(out)]) == 0
    return out


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def specs_of(soup: BeautifulSoup) -> dict[str, dict[str, Any]]:
    found = {}
    for block in soup.select('script[type="application/json"][data-chart]'):
        found[str(block["data-chart"])] = json.loads(block.get_text())
    return found


def test_every_panel_is_present(built: Path) -> None:
    soup = soup_of(built / "twistlock-overview.html")
    sections = soup.select("main section.panel")
    assert [s["id"] for s in sections] == [f"panel-{i}" for i in PANEL_IDS]
    assert soup.select_one("h2#title-violations-24h").get_text() == "Violations (last 24 hours)"
    assert not soup.select(".error-card")
    header = soup.select_one("header").get_text(" ", strip=True)
    # The sample's last line is at 23:54; --at defaults to the minute after it.
    assert "Time range 2026-11-13 23:55 – 2026-11-20 23:55 UTC Runtime" in header


def test_summary_lists_every_panel(built: Path) -> None:
    summary = json.loads((built / "twistlock-overview.json").read_text())
    assert summary["status"] == "ok"
    assert summary["at"] == "2026-11-20T23:55:00Z"
    assert [p["id"] for p in summary["panels"]] == PANEL_IDS
    assert all(p["status"] == "ok" for p in summary["panels"])


def test_numbers_equal_what_reportgen_query_returns(
    built: Path, sample_snapshot: Path, cli: Any
) -> None:
    soup = soup_of(built / "twistlock-overview.html")
    summary = json.loads((built / "twistlock-overview.json").read_text())
    panels = {p["id"]: p for p in summary["panels"]}
    specs = specs_of(soup)
    for panel_id in PANEL_IDS:
        panel = panels[panel_id]
        window = "-24h" if "window" in panel else "-7d"
        ran = cli(
            "query",
            panel["query"],
            "--logs",
            sample_snapshot,
            "--at",
            summary["at"],
            "--range",
            window,
            "--output",
            "json",
        )
        assert ran.code == 0, ran.err
        rows = ran.json()
        assert rows, panel_id  # the sample holds data for every panel
        if panel["type"] == "single_value":
            value = rows[0]["_count"]
            assert panel["value"] == value
            shown = soup.select_one(f"#panel-{panel_id} .single-value .number").get_text()
            assert shown == format_si(value)
        elif panel["type"] == "messages":
            table = soup.select_one(f"#panel-{panel_id} table")
            messages = [pre.get_text() for pre in table.select("td.cell-raw pre")]
            assert messages == [row["_raw"] for row in rows]
        else:
            values = specs[f"chart-{panel_id}"]["data"]["values"]
            assert len(values) == len(rows), panel_id
            for shown_row, row in zip(values, rows, strict=True):
                for name, cell in row.items():
                    if name == "_timeslice":
                        continue  # ISO text in the query output, epoch ms in the chart
                    assert shown_row[name] == cell, (panel_id, name)


def test_single_value_band(built: Path) -> None:
    summary = json.loads((built / "twistlock-overview.json").read_text())
    first = summary["panels"][0]
    value = first["value"]
    expected = "green" if 1 <= value <= 30 else "orange" if 31 <= value <= 70 else "red"
    assert first["band"]["color"] == expected
    soup = soup_of(built / "twistlock-overview.html")
    card = soup.select_one("#panel-violations-24h .single-value")
    assert f"band-{expected}" in card["class"]
    assert card.select_one(".band-label").get_text() == first["band"]["label"]


def test_every_spec_is_valid_vega_lite(built: Path) -> None:
    specs = specs_of(soup_of(built / "twistlock-overview.html"))
    assert sorted(specs) == sorted(
        f"chart-{i}"
        for i in (
            "violations-by-day",
            "top-violation-types",
            "top-users",
            "process-violations-per-host",
        )
    )
    for spec in specs.values():
        alt.Chart.from_dict(spec)  # validates against the Vega-Lite schema


def test_nothing_is_loaded_from_the_network(built: Path) -> None:
    html = (built / "twistlock-overview.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        for attribute in ("src", "href", "action"):
            value = tag.get(attribute)
            assert not value or not re.match(r"\s*(https?:)?//", str(value)), tag
    csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert csp.startswith("default-src 'none'; script-src 'sha256-")


def test_same_inputs_give_identical_bytes(
    built: Path, sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    ran = cli("build", OVERVIEW, "--logs", sample_snapshot, "--out", tmp_path)
    assert ran.code == 0, ran.err
    name = "twistlock-overview.html"
    assert (tmp_path / name).read_bytes() == (built / name).read_bytes()


HOSTILE_SOURCES = """\
sources:
  - files: "**"
    category: hostile
"""
HOSTILE_LINES = [
    '2026-11-20T10:00:00Z <script>document.title="pwned"</script> user="x"',
    "2026-11-20T10:01:00Z </script><img src=x onerror=alert(1)> '\" &amp; done",
    "2026-11-20T10:02:00Z ordinary line",
]
HOSTILE_DASHBOARD = """\
title: Hostile
panels:
  - id: lines
    title: Lines
    type: messages
    query: _sourceCategory=hostile
  - id: broken
    title: Broken
    type: column
    query: _sourceCategory=hostile | count by _sourcehost | sort by nosuchfield
  - id: per-host
    title: Per host
    type: column
    query: _sourceCategory=hostile | count by _sourcehost
  - id: misfit
    title: Misfit
    type: single_value
    query: _sourceCategory=hostile
"""


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    snapshot = tmp_path / "snap"
    (snapshot / "web-1").mkdir(parents=True)
    (snapshot / "sources.yaml").write_text(HOSTILE_SOURCES)
    (snapshot / "web-1" / "app.log").write_text("\n".join(HOSTILE_LINES) + "\n")
    dashboard = tmp_path / "hostile.yaml"
    dashboard.write_text(HOSTILE_DASHBOARD)
    return snapshot, dashboard


def test_hostile_lines_are_only_text_and_a_failing_panel_is_an_error_card(
    hostile: tuple[Path, Path], tmp_path: Path, cli: Any
) -> None:
    snapshot, dashboard = hostile
    out = tmp_path / "out"
    ran = cli("build", dashboard, "--logs", snapshot, "--out", out)
    assert ran.code == 1
    assert "2 panel(s) failed: hostile/broken, hostile/misfit" in ran.err
    soup = soup_of(out / "hostile.html")
    messages = [pre.get_text() for pre in soup.select("#panel-lines td.cell-raw pre")]
    assert messages == list(reversed(HOSTILE_LINES))  # newest first, verbatim
    assert soup.find("img") is None
    scripts = soup.find_all("script")
    assert all(s.get("type") == "application/json" or "pwned" not in s.get_text() for s in scripts)
    assert soup.title.get_text() == "Hostile"
    error = soup.select_one("#panel-broken .error-card pre").get_text()
    assert "nosuchfield" in error
    assert soup.select_one("#panel-per-host div.chart") is not None
    summary = json.loads((out / "hostile.json").read_text())
    assert [p["status"] for p in summary["panels"]] == ["ok", "error", "ok", "error"]
    # A result of the wrong shape says what the panel type expected.
    misfit = soup.select_one("#panel-misfit .error-card pre").get_text()
    assert misfit == (
        "a single value panel needs an aggregate query (e.g. `| count` or `| count by "
        "_timeslice`); this query returns messages: use type messages or add an aggregation"
    )
    assert summary["panels"][3]["error"] == misfit
    assert summary["status"] == "error"


@pytest.mark.browser
def test_the_built_report_draws_in_chromium_with_the_network_off(
    built: Path, tmp_path: Path
) -> None:
    page = built / "twistlock-overview.html"
    dom, console = load_page(page, tmp_path)
    assert console == []
    assert_charts_drawn(dom, chart_ids(page.read_text(encoding="utf-8")))
    assert dom.title.get_text() == "Twistlock overview"


@pytest.mark.browser
def test_hostile_report_runs_no_injected_script(
    hostile: tuple[Path, Path], tmp_path: Path, cli: Any
) -> None:
    snapshot, dashboard = hostile
    out = tmp_path / "out"
    assert cli("build", dashboard, "--logs", snapshot, "--out", out).code == 1
    dom, console = load_page(out / "hostile.html", tmp_path)
    assert dom.title.get_text() == "Hostile"
    assert dom.find("img") is None
    assert console == []


SHIPPED = sorted(Path("dashboards").glob("*.yaml"))
NEW_DASHBOARDS = {
    "twistlock-access",
    "twistlock-compliance",
    "twistlock-incidents",
    "twistlock-runtime",
    "twistlock-vulnerabilities",
}


@pytest.fixture(scope="module")
def shipped(sample_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped dashboard built in strict mode, in one run."""
    from reportgen.cli import run

    out = tmp_path_factory.mktemp("shipped")
    args = ["build", *map(str, SHIPPED), "--logs", str(sample_snapshot), "--out", str(out)]
    assert run([*args, "--strict"]) == 0
    return out


def test_the_shipped_dashboards_are_there() -> None:
    assert {path.stem for path in SHIPPED} >= NEW_DASHBOARDS


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_dashboard_builds_cleanly(shipped: Path, path: Path) -> None:
    soup = soup_of(shipped / f"{path.stem}.html")
    assert not soup.select(".error-card")
    summary = json.loads((shipped / f"{path.stem}.json").read_text())
    assert summary["status"] == "ok"
    # The sample has data for every panel: nothing failed, nothing is empty.
    assert [p["id"] for p in summary["panels"] if p["status"] != "ok"] == []
    assert soup.select("section.panel.status-empty, .no-data, .panel-warning") == []
    # Headings in order, every table with header cells, every chart with its text alternative.
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    for table in soup.select("table"):
        assert table.select("thead th[scope=col]"), table
    for chart in soup.select("div.chart"):
        alt_text = soup.find(id=chart["aria-labelledby"])
        assert alt_text is not None and "; maximum " in alt_text.get_text()


def test_shipped_dashboards_are_deterministic(
    shipped: Path, sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    ran = cli("build", *SHIPPED, "--logs", sample_snapshot, "--out", tmp_path)
    assert ran.code == 0, ran.err
    for path in SHIPPED:
        name = f"{path.stem}.html"
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name


def test_var_changes_the_queries(sample_snapshot: Path, tmp_path: Path, cli: Any) -> None:
    dashboard = Path("dashboards/twistlock-vulnerabilities.yaml")
    ran = cli("build", dashboard, "--logs", sample_snapshot, "--out", tmp_path / "all")
    assert ran.code == 0, ran.err
    ran = cli(
        "build",
        dashboard,
        "--logs",
        sample_snapshot,
        "--out",
        tmp_path / "c",
        "--var",
        "severity=critical",
    )
    assert ran.code == 0, ran.err
    every = json.loads((tmp_path / "all" / "twistlock-vulnerabilities.json").read_text())
    critical = json.loads((tmp_path / "c" / "twistlock-vulnerabilities.json").read_text())
    values = {p["id"]: p.get("value") for p in critical["panels"]}
    # Only critical findings are left in the fixable count, and they are the critical panel's.
    assert values["fixable"] + values["not-fixable"] == values["critical-findings"]
    assert {p["id"]: p.get("value") for p in every["panels"]}["fixable"] > values["fixable"]
    footer = soup_of(tmp_path / "c" / "twistlock-vulnerabilities.html").select_one("dd.variables")
    assert footer is not None and footer.get_text() == "severity=critical"
    ran = cli("build", dashboard, "--logs", sample_snapshot, "--var", "severity=urgent")
    assert ran.code == 2
    assert ran.err == (
        f"error: {dashboard}: variable 'severity' cannot be 'urgent' (--var); "
        "allowed: *, critical, high, medium, low\n"
    )


def test_strict_refuses_warnings(tmp_path: Path, sample_snapshot: Path, cli: Any) -> None:
    dashboard = tmp_path / "w.yaml"
    dashboard.write_text(
        "title: W\nvariables:\n  spare: {default: x}\n"
        "panels:\n  - {id: a, title: A, type: single_value, query: '* | count'}\n"
    )
    ran = cli("build", dashboard, "--logs", sample_snapshot, "--out", tmp_path, "--strict")
    assert ran.code == 2
    assert ran.err == (
        "error: warnings are errors in --strict mode:\n"
        f"{dashboard}:3:10: variables.spare: the variable is not used by any query\n"
    )
    ran = cli("build", dashboard, "--logs", sample_snapshot, "--out", tmp_path)
    assert ran.code == 0, ran.err


def test_schema_command_matches_the_shipped_schema(cli: Any) -> None:
    ran = cli("schema")
    assert ran.code == 0
    assert ran.out == Path("dashboards/dashboard.schema.json").read_text(encoding="utf-8")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_dashboard_draws_in_chromium(shipped: Path, path: Path, tmp_path: Path) -> None:
    page = shipped / f"{path.stem}.html"
    dom, console = load_page(page, tmp_path)
    assert console == []
    assert_charts_drawn(dom, chart_ids(page.read_text(encoding="utf-8")))
