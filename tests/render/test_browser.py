"""The report in headless Chromium: charts draw under the CSP, injected markup never runs.

Chromium runs with `--dump-dom` and a virtual time budget, so the DOM we parse is the one after
vega-embed drew every chart; console messages (CSP violations, script errors) are read from its
stderr log (`--enable-logging=stderr`, lines with `:CONSOLE`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reportgen.render import render_html

from .conftest import make_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1280,2000",
    "--virtual-time-budget=5000",
    "--dump-dom",
]


def load(html: str, tmp_path: Path, tz: str = "UTC") -> tuple[BeautifulSoup, list[str]]:
    """The DOM after scripts ran, and the console messages Chromium logged."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; CI installs it with `apt-get install chromium`")
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", page.as_uri()]
    env = {**os.environ, "TZ": tz}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return BeautifulSoup(done.stdout, "html.parser"), console


def chart_ids(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [div["id"] for div in soup.select("div.chart")]


def assert_charts_drawn(dom: BeautifulSoup, ids: list[str]) -> None:
    assert ids
    for chart_id in ids:
        div = dom.find(id=chart_id)
        assert div is not None, chart_id
        assert "chart-failed" not in div.get("class", []), div.get_text()
        svg = div.find("svg")
        assert svg is not None and "marks" in svg.get("class", []), chart_id
        marks = div.select("g.role-mark path, g.role-mark line")
        assert marks, f"{chart_id}: an svg without marks"


def test_charts_draw_under_the_csp_and_hostile_data_does_not_run(tmp_path: Path) -> None:
    html = render_html(make_report())
    dom, console = load(html, tmp_path)
    assert_charts_drawn(dom, chart_ids(html))
    assert console == []  # no CSP violation, no script error, no vega warning
    # The hostile values would set document.title if they ever ran.
    assert dom.title.get_text() == make_report().title
    assert dom.find("img") is None
    legend = [t.get_text() for t in dom.select("#chart-by-host .role-legend text")]
    assert legend[:2] == ["host-a", "web.example.com"]  # a dotted name is one series
    assert legend[2].startswith("</script><img src=x onerror=")  # drawn as text


def test_an_injected_script_is_blocked_by_the_csp(tmp_path: Path) -> None:
    """Defence in depth: even if escaping failed, an inline script without a hash never runs."""
    html = render_html(make_report())
    tampered = html.replace(
        "</main>",
        "<script>document.title='csp-broken'</script>"
        "<img src=x onerror=\"document.title='onerror-ran'\"></main>",
    )
    dom, console = load(tampered, tmp_path)
    assert dom.title.get_text() == make_report().title
    assert any("Content Security Policy" in line for line in console), console
    assert_charts_drawn(dom, chart_ids(html))  # the hashed scripts still run


def test_charts_show_the_report_zone_whatever_the_viewer_zone(tmp_path: Path) -> None:
    html = render_html(make_report(tz="Europe/Paris"))
    dom, console = load(html, tmp_path, tz="America/New_York")
    assert console == []
    assert_charts_drawn(dom, chart_ids(html))
    labels = [t.get_text() for t in dom.select("#chart-line .role-axis text")]
    assert "12 PM" in labels  # 10:00 UTC is noon in Paris (06 AM in New York)
    assert "Time (Europe/Paris)" in labels
