"""Every panel type's HTML, checked as a parsed document: pie, text, table thresholds and number
formats, single value options (text colouring, no-data text, sparkline, change), sections and
heading order, chart data tables, CSV downloads, the dark scheme and the provenance footer."""

from __future__ import annotations

import itertools
from urllib.parse import unquote

import vl_convert
from bs4 import BeautifulSoup, Tag

from reportgen.engine.result import Column, Result
from reportgen.render import PanelView, chart_spec, load_theme, render_html
from reportgen.render.context import SectionView, Threshold
from reportgen.render.single import readable_on

from .conftest import BANDS, HOSTILE, QUOTES, T0, by_user, make_report, number_result, transposed

DAY = 86_400_000


def soup_of(views: list[PanelView], **report: object) -> BeautifulSoup:
    made = make_report(views)
    for key, value in report.items():
        setattr(made, key, value)
    return BeautifulSoup(render_html(made), "html.parser")


def the(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select_one(selector)
    assert isinstance(found, Tag), selector
    return found


def severities() -> Result:
    rows = [("critical", 4), ("high", 10), ("low", 1)]
    columns = [Column("severity", "string"), Column("_count", "number")]
    return Result(columns=columns, rows=rows, kind="aggregate")


def daily(values: list[int | None]) -> Result:
    # Newest first, as `| sort by _timeslice` would give: the panel must still take the latest.
    rows = [(T0 + i * DAY, v) for i, v in enumerate(values)][::-1]
    columns = [Column("_timeslice", "time"), Column("_count", "number")]
    return Result(columns=columns, rows=rows, kind="aggregate")


def test_pie_is_a_donut_with_a_text_alternative_and_draws() -> None:
    view = PanelView("sev", "By severity", "pie", "q", result=severities())
    spec = chart_spec(view, load_theme())
    assert spec is not None
    arcs, labels = spec["layer"]
    assert arcs["mark"]["type"] == "arc" and arcs["mark"]["innerRadius"] > 0
    assert arcs["encoding"]["theta"]["field"] == "_count"
    assert arcs["encoding"]["color"]["field"] == "severity"
    assert labels["mark"]["type"] == "text"
    assert spec["data"]["values"] == severities().records()
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.count('aria-roledescription="arc mark"') == 3
    soup = soup_of([view])
    assert the(soup, "#alt-sev").get_text() == (
        "Pie chart of _count by severity, 3 categories; minimum 1 (low); maximum 10 (high)."
    )


def test_pie_of_a_time_series_is_an_error_card_saying_what_was_expected() -> None:
    soup = soup_of([PanelView("p", "P", "pie", "q", result=daily([1, 2]))])
    assert the(soup, "#panel-p pre.error-message").get_text() == (
        "a pie chart needs a text category column and a numeric column "
        "(e.g. `count by severity`); got _timeslice (time), _count (number)"
    )


def test_legend_and_value_labels_options() -> None:
    theme = load_theme()
    labelled = chart_spec(PanelView("u", "U", "column", "q", result=by_user()), theme)
    assert labelled is not None
    assert [layer["mark"]["type"] for layer in labelled["layer"]] == ["bar", "text"]
    plain = PanelView("u", "U", "column", "q", result=by_user(), value_labels=False)
    spec = chart_spec(plain, theme)
    assert spec is not None and spec["mark"]["type"] == "bar"
    hidden = chart_spec(PanelView("h", "H", "line", "q", result=transposed(), legend=False), theme)
    assert hidden is not None and hidden["encoding"]["color"]["legend"] is None
    shown = chart_spec(PanelView("h", "H", "line", "q", result=transposed()), theme)
    assert shown is not None and "legend" not in shown["encoding"]["color"]


def test_text_panel_renders_markdown_without_raw_html() -> None:
    text = f"## Notes\n\nSee **this** {HOSTILE} and [x](javascript:alert(1))."
    soup = soup_of([PanelView("notes", "Notes", "text", "", text=text)])
    body = the(soup, "#panel-notes .text-body")
    assert the(body, "strong").get_text() == "this"
    assert body.find("script") is None
    assert HOSTILE in body.get_text()
    assert not the(body, "a").has_attr("href")
    assert soup.find("script") is None  # no chart, no script
    assert soup.select("#panel-notes .panel-actions") == []  # nothing to download


def test_table_thresholds_and_number_formats() -> None:
    rows = [("alice", 1234567, 0.4567), ("bob", 12, 0.05), (QUOTES, 70, None)]
    result = Result(
        columns=[Column("user", "string"), Column("n", "number"), Column("ratio", "number")],
        rows=rows,
        kind="aggregate",
    )
    view = PanelView(
        "t",
        "T",
        "table",
        "q",
        result=result,
        number_format={"n": "thousands", "ratio": "percent"},
        thresholds=[
            Threshold("n", ">=", 1000, "red", "huge"),
            Threshold("n", ">", 50, "orange"),
            Threshold("user", "contains", "OB", "green", "team"),
        ],
    )
    soup = soup_of([view])
    table = the(soup, "#panel-t table")
    assert [th.get_text() for th in table.select("thead th")] == ["user", "n", "ratio"]
    assert all(th["scope"] == "col" for th in table.select("th"))
    cells = [[td.get_text() for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert cells == [
        ["alice", "1,234,567 (huge)", "45.7%"],
        ["bob (team)", "12", "5%"],
        [QUOTES, "70 (orange)", ""],
    ]
    red = the(table, "td.threshold-red")
    bands = load_theme().bands
    assert (
        red["style"] == f"background-color: {bands['red'].background}; color: {bands['red'].text};"
    )
    assert red["title"] == "huge"
    assert the(red, ".visually-hidden").get_text() == " (huge)"  # colour is not the only signal
    assert the(table, "td.threshold-green").get_text() == "bob (team)"


def test_single_value_text_colouring_no_data_text_and_numeric_default() -> None:
    coloured = PanelView(
        "c", "C", "single_value", "q", bands=BANDS, result=number_result(40), color_mode="text"
    )
    box = the(soup_of([coloured]), "#panel-c .single-value")
    orange = load_theme().bands["orange"].background
    light = readable_on(orange, load_theme().colors["surface"])
    assert box["style"] == f"--sv-light: {light}; --sv-dark: {readable_on(orange, '#1a212b')};"
    assert "color-text" in box["class"]
    assert the(box, ".band-label").get_text() == "orange"
    empty = PanelView(
        "e", "E", "single_value", "q", bands=BANDS, result=number_result(None), no_data="none"
    )
    box = the(soup_of([empty]), "#panel-e .single-value")
    assert the(box, ".number").get_text() == "none"
    assert "no-value" in box["class"] and "band-grey" in box["class"]
    zero = PanelView(
        "z", "Z", "single_value", "q", bands=BANDS, result=number_result(None), no_data="75"
    )
    box = the(soup_of([zero]), "#panel-z .single-value")
    assert the(box, ".number").get_text() == "75"
    assert the(box, ".band-label").get_text() == "critical"  # a numeric default is banded


def test_readable_on_reaches_aa_contrast() -> None:
    assert readable_on("#1b7f3b", "#ffffff") == "#1b7f3b"  # already 5.1:1
    darker = readable_on("#f0a020", "#ffffff")
    assert darker != "#f0a020" and darker.startswith("#")


def test_single_value_with_timeslice_shows_latest_sparkline_and_change() -> None:
    view = PanelView("s", "Daily hits", "single_value", "q", result=daily([4, None, 8, 10]))
    box = the(soup_of([view]), "#panel-s .single-value")
    assert the(box, ".number").get_text() == "10"
    assert the(box, ".change").get_text() == "▲ +2 (+25%) vs previous"
    assert "change-up" in the(box, ".change")["class"]
    svg = the(box, "svg.sparkline")
    assert svg["aria-label"] == "Trend of Daily hits: 4 slices, from 4 to 10"
    # The null slice breaks the line; the lone first point makes no segment.
    assert [p["points"] for p in svg.select("polyline")] == ["80,10 120,2"]
    off = PanelView("s", "S", "single_value", "q", result=daily([3, 1]), sparkline=False)
    box = the(soup_of([off]), "#panel-s .single-value")
    assert box.find("svg") is None
    assert the(box, ".change").get_text() == "▼ -2 (-66.7%) vs previous"


def test_sections_heading_order_and_page_breaks() -> None:
    views = [
        PanelView("a", "A", "single_value", "q", result=number_result(1)),
        PanelView("b", "B", "table", "q", result=by_user(), section=0, page_break=True, height=3),
        PanelView("c", "C", "pie", "q", result=severities(), section=1),
    ]
    sections = [SectionView("First", "Some *notes*"), SectionView("Second", page_break=True)]
    soup = soup_of(views, sections=sections)
    main = the(soup, "main#panels")
    assert [s["id"] for s in main.select(":scope > section")] == [
        "panel-a",
        "section-1",
        "section-2",
    ]
    first = the(main, "#section-1")
    assert the(first, "h2.section-title").get_text() == "First"
    assert the(first, ".section-description em").get_text() == "notes"
    assert the(first, "h3#title-b").get_text() == "B"
    assert "page-break" in the(first, "#panel-b")["class"]
    assert "rows-3" in the(first, "#panel-b")["class"]
    assert "page-break" in the(main, "#section-2")["class"]
    levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_chart_data_table_and_csv_download() -> None:
    soup = soup_of([PanelView("u", "Users", "bar", "q", result=by_user())])
    details = the(soup, "#panel-u details.data-view")
    assert "Data table" in the(details, "summary").get_text()
    rows = [[td.get_text() for td in tr.select("td")] for tr in details.select("tbody tr")]
    assert rows == [[str(a), str(b)] for a, b in by_user().rows]
    link = the(soup, "#panel-u a.csv-download")
    assert link["download"] == "u.csv"
    prefix = "data:text/csv;charset=utf-8,"
    assert link["href"].startswith(prefix)
    csv = unquote(link["href"][len(prefix) :])
    assert csv.split("\r\n") == [
        "user,_count",
        "alice,12",
        "Bob,3",
        f"{HOSTILE},7",
        '"it\'s ""quoted"" & <b>bold</b>",1',
        "",
    ]


def test_time_columns_in_csv_are_in_the_report_zone() -> None:
    soup = soup_of([PanelView("d", "D", "column", "q", result=daily([1, 2]))])
    csv = unquote(the(soup, "#panel-d a.csv-download")["href"].split(",", 1)[1])
    assert csv == "_timeslice,_count\r\n2024-05-02 10:00:00,2\r\n2024-05-01 10:00:00,1\r\n"


def test_dark_scheme_follows_the_reader() -> None:
    soup = soup_of([PanelView("a", "A", "single_value", "q", result=number_result(1))])
    css = the(soup, "style").get_text()
    assert "@media (prefers-color-scheme: dark)" in css
    dark = css.split("@media (prefers-color-scheme: dark)", 1)[1]
    assert "--color-background:" in dark and "--color-text:" in dark
    assert the(soup, 'meta[name="color-scheme"]')["content"] == "light dark"


def test_provenance_footer() -> None:
    soup = soup_of(
        [PanelView("a", "A", "single_value", "q", result=number_result(1))],
        snapshot_digest="ab" * 32,
        snapshot_files=[("h/defender.log", "golog", 1200), ("h/syslog.1.gz", "rfc3164", 34)],
        variables={"host": "web-1", "sev": "*"},
    )
    footer = the(soup, "footer.report-footer")
    assert the(footer, "dd.window").get_text() == make_report().window_label
    assert the(footer, "dd.digest").get_text() == "ab" * 32
    assert the(footer, "dd.variables").get_text() == "host=web-1, sev=*"
    files = [tr.get_text("|", strip=True) for tr in footer.select(".snapshot-files tbody tr")]
    assert files == ["h/defender.log|golog|1,200", "h/syslog.1.gz|rfc3164|34"]
    assert the(footer, ".snapshot-files summary").get_text() == "2 snapshot files"


def test_rules_for_missing_columns_are_panel_warnings() -> None:
    view = PanelView(
        "t",
        "T",
        "table",
        "q",
        result=severities(),
        thresholds=[Threshold("sevrity", "=", "high", "red")],
        number_format={"count": "si"},
    )
    warnings = [p.get_text() for p in soup_of([view]).select("#panel-t .panel-warning")]
    assert warnings == [
        "thresholds: 'sevrity' is not a column of the result; did you mean 'severity'?",
        "number_format: 'count' is not a column of the result; did you mean '_count'?",
    ]
