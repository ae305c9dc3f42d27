"""The report in headless Chromium: charts draw under the CSP, injected markup never runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.render import render_html
from tests.browser import assert_charts_drawn, chart_ids, load

from .conftest import make_report

pytestmark = pytest.mark.browser


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
