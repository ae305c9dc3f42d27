"""render_html: panels, single values, safety (CSP, escaping, no network), determinism."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest
from bs4 import BeautifulSoup, Tag

from reportgen.engine.result import Column, Result
from reportgen.render import PanelView, ReportView, load_theme, render_html

from .conftest import BANDS, HOSTILE, HOSTILE_IMG, QUOTES, T0, make_report, number_result


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(make_report())


@pytest.fixture(scope="module")
def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def panel(soup: BeautifulSoup, dom_id: str) -> Tag:
    found = soup.find(id=f"panel-{dom_id}")
    assert isinstance(found, Tag), dom_id
    return found


def specs(soup: BeautifulSoup) -> dict[str, dict[str, object]]:
    blocks = soup.find_all("script", attrs={"type": "application/json"})
    return {block["data-chart"]: json.loads(block.string) for block in blocks}


def test_every_panel_is_present_with_its_title(soup: BeautifulSoup) -> None:
    report = make_report()
    sections = soup.select("main.grid > section.panel")
    assert [s["id"] for s in sections] == [f"panel-{p.id}" for p in report.panels]
    for section, view in zip(sections, report.panels, strict=True):
        assert section.select_one(".panel-title").get_text() == view.title
        assert f"span-{view.width}" in section["class"]


def test_header_and_footer(soup: BeautifulSoup) -> None:
    assert soup.select_one(".report-title").get_text() == f"Twistlock {HOSTILE}"
    assert soup.select_one(".report-window .window").get_text() == make_report().window_label
    assert soup.select_one(".report-window .tz").get_text() == "(UTC)"
    assert soup.select_one(".report-description strong").get_text() == "violations"
    footer = soup.select_one("footer.report-footer")
    assert "reportgen 0.1.0" in footer.get_text()
    assert footer.select_one(".snapshot").get_text() == "sample-2024-05-01"
    assert footer.select_one(".rows-ingested").get_text() == "12,345"
    assert footer.select_one(".at").get_text() == "2024-05-01 10:30:00"
    problems = [li.get_text() for li in footer.select(".ingest-problems li")]
    assert problems == [f"{HOSTILE}: 1", "undecodable bytes: 2"]
    timings = [tr.get_text("|", strip=True) for tr in footer.select(".panel-timings tbody tr")]
    # Panel timings live in the JSON summary only: the HTML must not change between runs.
    assert "Per host|ok|6" in timings
    assert "Broken|error|0" in timings
    assert " ms" not in footer.get_text()


@pytest.mark.parametrize(
    ("value", "text", "band", "label"),
    [
        (0, "0", "none", None),
        (30, "30", "green", "green"),
        (31, "31", "orange", "orange"),
        (71, "71", "red", "critical"),
        (1234, "1.23k", "red", "critical"),
        (None, "No data", "grey", None),
    ],
)
def test_single_value_text_and_band(
    value: int | None, text: str, band: str, label: str | None
) -> None:
    view = PanelView(
        "sv", "Violations", "single_value", "q", bands=BANDS, result=number_result(value)
    )
    soup = BeautifulSoup(render_html(make_report([view])), "html.parser")
    box = soup.select_one("#panel-sv .single-value")
    assert box.select_one(".number").get_text() == text
    assert f"band-{band}" in box["class"]
    style = load_theme().bands[band]
    assert box["style"] == f"background-color: {style.background}; color: {style.text};"
    shown = box.select_one(".band-label")
    assert (shown.get_text() if shown else None) == label  # colour is never the only signal


def test_single_value_unit_and_custom_colour() -> None:
    view = PanelView(
        "sv",
        "T",
        "single_value",
        "q",
        unit="ms",
        result=number_result(5),
        bands=[BANDS[0].__class__(color="#003366", low=0, label="ok")],
    )
    box = BeautifulSoup(render_html(make_report([view])), "html.parser").select_one(".single-value")
    assert box.select_one(".unit").get_text() == "ms"
    assert box["style"] == "background-color: #003366; color: #ffffff;"
    hostile = PanelView(
        "sv",
        "T",
        "single_value",
        "q",
        result=number_result(5),
        bands=[BANDS[0].__class__(color="red;background:url(x)", low=0)],
    )
    box = BeautifulSoup(render_html(make_report([hostile])), "html.parser").select_one(
        ".single-value"
    )
    assert not box.has_attr("style")


def test_charts_have_a_target_a_spec_and_a_text_alternative(soup: BeautifulSoup) -> None:
    charts = specs(soup)
    assert sorted(charts) == sorted(
        f"chart-{i}" for i in ("by-host", "line", "daily", "users", "users-col")
    )
    for target, spec in charts.items():
        div = soup.find(id=target)
        assert div is not None and "chart" in div["class"]
        alt_text = soup.find(id=div["aria-labelledby"]).get_text()
        assert "chart of" in alt_text and "minimum" in alt_text and "maximum" in alt_text
        assert "$schema" not in spec
    daily = soup.find(id="alt-daily").get_text()
    assert "from 2024-04-27 10:00:00 to 2024-05-01 10:00:00 (UTC)" in daily
    assert "latest (2024-05-01 10:00:00): 40" in daily


def test_embedded_specs_equal_chart_spec_and_the_result(soup: BeautifulSoup) -> None:
    report = make_report()
    for view in report.panels:
        spec = specs(soup).get(f"chart-{view.id}")
        if spec is not None:
            assert view.result is not None
            assert spec["data"]["values"] == view.result.records()  # type: ignore[index]


def test_tables_and_messages(soup: BeautifulSoup) -> None:
    table = panel(soup, "msgs").select_one("table")
    # Messages read as in Sumo: Time, Message (host, category, file under it), parsed fields.
    assert [th.get_text() for th in table.select("thead th")] == ["Time", "Message", "score"]
    assert all(th["scope"] == "col" for th in table.select("th"))
    first, second = table.select("tbody tr")
    assert first.select_one(".cell-time").get_text() == "2024-05-01 10:01:00"
    assert first.select_one(".cell-meta").get_text() == "host-a"
    assert second.select_one(".cell-meta").get_text() == QUOTES
    assert second.select_one(".cell-raw pre").get_text().endswith("\n  continued line")
    assert second.select_one(".cell-null").get_text() == ""
    assert panel(soup, "msgs").select_one(".row-count").get_text() == "2 messages"
    cells = [td.get_text() for td in panel(soup, "tbl").select("tbody td")]
    assert cells == ["alice", "12", "Bob", "3", HOSTILE, "7", QUOTES, "1"]


def test_error_cards(soup: BeautifulSoup) -> None:
    broken = panel(soup, "broken")
    assert "status-error" in broken["class"]
    assert broken.select_one("pre.error-message").get_text() == (
        "unexpected token\n  count by\n        ^~"
    )
    misfit = panel(soup, "misfit").select_one("pre.error-message").get_text()
    assert "needs a time column (_timeslice) or a text category column" in misfit
    assert "got _messagetime (time), _raw (string)" in misfit
    assert soup.find(id="chart-misfit") is None


def test_unknown_type_empty_result_and_missing_result() -> None:
    empty = Result([Column("_timeslice", "time"), Column("n", "number")], [], "aggregate")
    views = [
        PanelView("pie", "Pie", "donut", "q", result=number_result(1)),
        PanelView("empty", "Empty", "line", "q", result=empty),
        PanelView("none", "None", "table", "q"),
        PanelView("x", "Dup 1", "table", "q", result=number_result(1)),
        PanelView("x", "Dup 2", "table", "q", result=number_result(2)),
    ]
    soup = BeautifulSoup(render_html(make_report(views)), "html.parser")
    assert "unsupported panel type 'donut'" in panel(soup, "pie").get_text()
    assert panel(soup, "empty").select_one(".no-data").get_text() == "No data in this range"
    assert "no result" in panel(soup, "none").select_one(".error-message").get_text()
    assert panel(soup, "x-2").select_one(".panel-title").get_text() == "Dup 2"
    assert soup.find("script") is None  # no chart, no script at all
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "script-src 'none'" in csp


def test_csp_meta_hashes_every_inline_script(soup: BeautifulSoup, html: str) -> None:
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is soup.head.find("meta", attrs={"http-equiv": True})
    assert html.index("Content-Security-Policy") < html.index("<script")
    content = meta["content"]
    pattern = (
        r"default-src 'none'; script-src ((?:'sha256-[A-Za-z0-9+/=]+' )+)'unsafe-eval'; "
        r"style-src 'unsafe-inline'; img-src data:"
    )
    match = re.fullmatch(pattern, content)
    assert match, content
    allowed = set(match.group(1).split())
    executable = [s for s in soup.find_all("script") if s.get("type") in (None, "text/javascript")]
    assert len(executable) == 2  # the vega runtime and the init script
    hashes = set()
    for script in executable:
        digest = hashlib.sha256(script.string.encode("utf-8")).digest()
        hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    assert hashes == allowed
    assert "\r" not in html  # the browser would normalise CR and break the hashes


def test_no_network_access(soup: BeautifulSoup, html: str) -> None:
    for tag in soup.find_all(True):
        for attr in ("src", "href", "action", "data", "poster", "srcset", "xlink:href"):
            value = tag.get(attr)
            assert not value or not re.match(r"\s*(https?:)?//", str(value)), (tag.name, value)
    assert soup.find("link") is None and soup.find("iframe") is None
    css = " ".join(style.get_text() for style in soup.find_all("style"))
    assert "@import" not in css and "url(" not in css
    runtime = max(soup.find_all("script"), key=lambda s: len(s.string or "")).string
    outside_runtime = html.replace(runtime, "")
    assert "http://" not in outside_runtime and "https://" not in outside_runtime


def test_hostile_values_stay_text(soup: BeautifulSoup, html: str) -> None:
    assert len(soup.find_all("script")) == 2 + len(specs(soup))
    assert soup.find("img") is None and soup.find("b") is None
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    text = soup.get_text()
    for value in (HOSTILE, HOSTILE_IMG, QUOTES):
        assert value in text
    assert soup.title.get_text() == f"Twistlock {HOSTILE}"
    assert "<script>document" not in html.replace(HOSTILE.replace("<", "&lt;"), "")
    for block in soup.find_all("script", attrs={"type": "application/json"}):
        assert "<" not in block.string and "</script" not in block.string.lower()
    by_host = specs(soup)["chart-by-host"]
    assert HOSTILE_IMG in by_host["data"]["values"][0]  # type: ignore[index]


def test_description_markdown_is_sanitised(soup: BeautifulSoup) -> None:
    description = soup.select_one(".report-description")
    assert HOSTILE in description.get_text() and HOSTILE_IMG in description.get_text()
    link = description.find("a")
    assert link.get_text() == "doc" and not link.has_attr("href")  # javascript: dropped


def test_markdown_links_and_images() -> None:
    from reportgen.render.safe import render_markdown

    html = render_markdown(
        "[a](https://example.org/x?a=1&b=2) [b](&#106;avascript:alert(1)) "
        "[c](JaVa\tScRiPt:alert(1)) ![pic <b>](http://evil.example/x.png) `a<b`"
    )
    soup = BeautifulSoup(html, "html.parser")
    links = soup.find_all("a")
    assert links[0]["href"] == "https://example.org/x?a=1&b=2"
    assert "noopener" in links[0]["rel"]
    assert not links[1].has_attr("href") and not links[2].has_attr("href")
    assert soup.find("img") is None and soup.select_one(".image-alt").get_text() == "pic <b>"
    assert soup.find("code").get_text() == "a<b"


def test_rendering_is_deterministic() -> None:
    assert render_html(make_report()) == render_html(make_report())
    assert render_html(make_report(tz="Europe/Paris")) == render_html(
        make_report(tz="Europe/Paris")
    )


def test_ids_are_unique_and_stable(soup: BeautifulSoup) -> None:
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    odd = PanelView("Weird id/<x>", "T", "table", "q", result=number_result(1))
    rendered = BeautifulSoup(render_html(make_report([odd])), "html.parser")
    assert rendered.find(id="panel-weird-id-x") is not None


def test_report_zone_applies_to_tables_and_charts() -> None:
    report: ReportView = make_report(tz="Asia/Kolkata")
    soup = BeautifulSoup(render_html(report), "html.parser")
    assert panel(soup, "msgs").select_one(".cell-time").get_text() == "2024-05-01 15:31:00"
    values = specs(soup)["chart-daily"]["data"]["values"]  # type: ignore[index]
    assert values[0]["_timeslice"] == "2024-05-01T15:30:00.000"
    assert soup.select_one(".report-window .tz").get_text() == "(Asia/Kolkata)"
    assert T0  # the fixture's first timeslice is 10:00 UTC


def test_print_css_keeps_panels_whole(soup: BeautifulSoup) -> None:
    css = soup.find("style").get_text()
    assert "@media print" in css and "break-inside: avoid" in css
    assert "repeat(12, minmax(0, 1fr))" in css


def test_single_value_reads_the_first_numeric_column_else_a_boolean() -> None:
    mixed = Result(
        [Column("host", "string"), Column("ok", "bool"), Column("n", "number")],
        [("a", True, 1234567), ("b", False, 1)],
        "aggregate",
    )
    flag = Result([Column("host", "string"), Column("ok", "bool")], [("a", False)], "aggregate")
    text = Result([Column("host", "string")], [("a",)], "aggregate")
    views = [
        PanelView("mixed", "M", "single_value", "q", result=mixed),
        PanelView("flag", "F", "single_value", "q", result=flag),
        PanelView("text", "T", "single_value", "q", result=text),
    ]
    soup = BeautifulSoup(render_html(make_report(views)), "html.parser")
    assert panel(soup, "mixed").select_one(".number").get_text() == "1.23M"
    assert panel(soup, "flag").select_one(".number").get_text() == "false"
    assert "needs a numeric column" in panel(soup, "text").select_one(".error-message").get_text()
