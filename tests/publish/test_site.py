"""`reportgen publish`: the archive layout, index, history, feed, reruns, failures, retention."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import Any

import pytest

from reportgen.output import format_result
from tests.publish.conftest import OVERVIEW, soup_of, tree

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
SINGLE = ["violations-24h", "network-violations", "process-violations"]
ATOM = "{http://www.w3.org/2005/Atom}"


def summary(site: Path, day: str) -> dict[str, Any]:
    return json.loads((site / "twistlock-overview" / day / "summary.json").read_text())


def values(site: Path, day: str) -> dict[str, Any]:
    return {p["id"]: p.get("value") for p in summary(site, day)["panels"]}


def test_layout_of_the_site(week_site: Path) -> None:
    top = sorted(p.name for p in week_site.iterdir())
    assert top == ["feed.xml", "index.html", "twistlock-overview"]
    board = week_site / "twistlock-overview"
    assert sorted(p.name for p in board.iterdir()) == [
        "2026-11-14",
        "2026-11-19",
        "2026-11-20",
        "index.html",
        "latest",
    ]
    run = sorted(p.name for p in (board / "2026-11-20").iterdir())
    assert run == sorted(["index.html", "summary.json", *(f"{i}.csv" for i in PANEL_IDS)])
    # latest/ is a copy of the newest run, not of the one published last (the 19th).
    assert tree(board / "latest") == tree(board / "2026-11-20")


def test_a_run_is_the_build_of_that_day(week_site: Path, sample_snapshot: Path, cli: Any) -> None:
    doc = summary(week_site, "2026-11-19")
    assert doc["date"] == "2026-11-19"
    assert doc["at"] == "2026-11-20T00:00:00Z"  # --date D reports up to the midnight after D
    assert doc["previous_run"] == "2026-11-14"
    assert doc["gates"] == []
    ran = cli(
        "query",
        "_sourceCategory=twistlock_logs (violation) | count",
        "--logs",
        sample_snapshot,
        "--at",
        "2026-11-20T00:00:00Z",
        "--range",
        "-24h",
        "--output",
        "csv",
    )
    csv = (week_site / "twistlock-overview" / "2026-11-19" / "violations-24h.csv").read_text()
    assert csv == ran.out
    assert csv == f"_count\n{doc['panels'][0]['value']}\n"
    report = soup_of(week_site / "twistlock-overview" / "2026-11-19" / "index.html")
    assert report.select_one("#panel-violations-24h .number").get_text() == str(
        doc["panels"][0]["value"]
    )


@pytest.mark.parametrize(
    ("day", "previous"),
    # The 20th was published before the 19th was backfilled: a summary compares with the run
    # that was the previous one when it was published (the pages compare the archive as it is).
    [("2026-11-20", "2026-11-14"), ("2026-11-19", "2026-11-14")],
)
def test_summary_compares_with_the_previous_published_run(
    week_site: Path, day: str, previous: str
) -> None:
    now, before = values(week_site, day), values(week_site, previous)
    doc = summary(week_site, day)
    assert doc["previous_run"] == previous
    for panel in doc["panels"]:
        if panel["id"] in SINGLE:
            assert panel["previous"] == before[panel["id"]]
            assert panel["change"] == now[panel["id"]] - before[panel["id"]]
        else:
            assert "change" not in panel
    first = summary(week_site, "2026-11-14")
    assert first["previous_run"] is None
    assert [p["change"] for p in first["panels"] if p["id"] in SINGLE] == [None] * 3


def _change_text(change: int) -> str:
    return "±0" if change == 0 else (f"+{change:,}" if change > 0 else f"−{-change:,}")


def test_index_has_a_card_per_dashboard_with_tiles_bands_changes_and_links(
    week_site: Path,
) -> None:
    soup = soup_of(week_site / "index.html")
    card = soup.select_one("article.card#dashboard-twistlock-overview")
    assert card.select_one("a.latest")["href"] == "twistlock-overview/latest/index.html"
    assert card.select_one("a.run")["href"] == "twistlock-overview/2026-11-20/index.html"
    assert card.select_one("a.history")["href"] == "twistlock-overview/index.html"
    assert card.select_one("a.history").get_text() == "3 runs"
    assert card.select_one(".status").get_text(strip=True) == "ok"
    files = {a.get_text(): a["href"] for a in card.select(".card-links a.file")}
    assert files == {
        "HTML": "twistlock-overview/2026-11-20/index.html",
        "JSON": "twistlock-overview/2026-11-20/summary.json",
        "History": "twistlock-overview/index.html",
    }
    csvs = [a["href"] for a in card.select(".csvs a")]
    assert csvs == [f"twistlock-overview/2026-11-20/{i}.csv" for i in PANEL_IDS]
    for href in csvs:
        assert (week_site / href).is_file()
    now, before = values(week_site, "2026-11-20"), values(week_site, "2026-11-19")
    doc = {p["id"]: p for p in summary(week_site, "2026-11-20")["panels"]}
    tiles = card.select("ul.tiles li.tile")
    assert [li["data-panel"] for li in tiles] == SINGLE
    for li in tiles:
        panel = doc[li["data-panel"]]
        assert li.select_one(".tile-title").get_text() == panel["title"]
        assert li.select_one(".value").get_text() == f"{panel['value']:,}"
        if panel["band"]:
            assert li.select_one(".band-label").get_text() == panel["band"]["label"]
            assert f"band-{panel['band']['color']}" in li["class"]
        else:
            assert "band-none" in li["class"] and li.select_one(".band-label") is None
        change = now[panel["id"]] - before[panel["id"]]
        arrow = "=" if change == 0 else ("▲" if change > 0 else "▼")
        assert li.select_one(".change").get_text() == f"{arrow} {_change_text(change)}"
        # A trend line of the runs on the site, oldest first.
        series = [
            values(week_site, d)[panel["id"]] for d in ("2026-11-14", "2026-11-19", "2026-11-20")
        ]
        label = f"{panel['title']}: " + ", ".join(f"{v:,}" for v in series)
        assert li.select_one("svg.sparkline")["aria-label"] == label


def test_history_has_a_chart_per_single_value_and_every_run(week_site: Path) -> None:
    soup = soup_of(week_site / "twistlock-overview" / "index.html")
    dates = [tr["id"] for tr in soup.select("table#runs tbody tr")]
    assert dates == ["run-2026-11-20", "run-2026-11-19", "run-2026-11-14"]
    links = [a["href"] for a in soup.select("table#runs tbody tr td:first-child a")]
    assert links == [f"{d}/index.html" for d in ("2026-11-20", "2026-11-19", "2026-11-14")]
    trends = soup.select("#trends figure.trend")
    assert [f["data-panel"] for f in trends] == SINGLE
    days = ("2026-11-14", "2026-11-19", "2026-11-20")
    series = [values(week_site, d)["violations-24h"] for d in days]
    chart = trends[0].select_one("svg.trend-chart")
    assert chart["aria-label"] == "Violations (last 24 hours): " + ", ".join(
        f"{d}: {v:,}" for d, v in zip(days, series, strict=True)
    )
    dots = chart.select("circle.dot")
    assert [dot.select_one("title").get_text().split(":")[0] for dot in dots] == list(days)
    ys = [float(dot["cy"]) for dot in dots]
    # Higher values are drawn higher (smaller y); the x axis follows the dates (a gap of days).
    assert sorted(range(3), key=lambda i: -ys[i]) == sorted(range(3), key=lambda i: series[i])
    xs = [float(dot["cx"]) for dot in dots]
    assert (xs[1] - xs[0]) == pytest.approx(5 * (xs[2] - xs[1]))
    # The bands are drawn behind, with their labels; the axes have labels.
    assert [g["class"] for g in chart.select("g.band")] == [
        ["band", "band-green"],
        ["band", "band-orange"],
        ["band", "band-red"],
    ]
    assert [t.get_text() for t in chart.select("g.band text")] == ["low", "elevated", "high"]
    assert chart.select("g.tick text")[0].get_text() == "0"
    assert [t.get_text() for t in chart.select("g.dates text")] == ["Nov 14", "Nov 19", "Nov 20"]
    # The two other values have no bands.
    assert trends[1].select("g.band") == []


def test_feed_is_atom_with_run_dates_and_relative_links(week_site: Path) -> None:
    feed = etree.parse(week_site / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2026-11-21T00:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"urn:reportgen:site:twistlock-overview:{d}"
        for d in ("2026-11-20", "2026-11-19", "2026-11-14")
    ]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == [
        "2026-11-21T00:00:00Z",
        "2026-11-20T00:00:00Z",
        "2026-11-15T00:00:00Z",
    ]
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"twistlock-overview/{d}/index.html" for d in ("2026-11-20", "2026-11-19", "2026-11-14")
    ]
    value = values(week_site, "2026-11-20")["violations-24h"]
    assert f"Violations (last 24 hours): {value:,}" in entries[0].findtext(f"{ATOM}summary")


def test_site_pages_load_nothing_and_run_no_script(week_site: Path) -> None:
    for page in (week_site / "index.html", week_site / "twistlock-overview" / "index.html"):
        text = page.read_text()
        soup = soup_of(page)
        assert soup.find("script") is None
        csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert (
            csp == "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src data:"
        )
        assert not re.search(r"https?:|//", " ".join(a["href"] for a in soup.find_all(href=True)))
        assert not re.search(r"https?:", text)


def test_rerunning_a_date_is_deterministic_and_replaces_it(
    week_site: Path, sample_snapshot: Path, cli: Any
) -> None:
    def timeless(day: str) -> dict[str, Any]:
        doc = summary(week_site, day)
        for panel in doc["panels"]:
            panel.pop("elapsed_ms")
        return doc

    before, before_summary = tree(week_site), timeless("2026-11-19")
    ran = cli(
        "publish", OVERVIEW, "--logs", sample_snapshot, "--site", week_site, "--date", "2026-11-19"
    )
    assert ran.code == 0, ran.err
    assert ran.out == f"published {week_site}/twistlock-overview/2026-11-19\n"
    after = tree(week_site)
    # Only the timings of the summary differ; every page, CSV and report is the same.
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert changed <= {
        "twistlock-overview/2026-11-19/summary.json",
    }
    assert timeless("2026-11-19") == before_summary


def test_a_failed_run_leaves_the_site_as_it_was(
    week_site: Path,
    sample_snapshot: Path,
    tmp_path: Path,
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = tree(week_site)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: Bad\npanels:\n  - {id: x, title: X, type: single_value, query: '* | cuont'}\n"
    )
    ran = cli("publish", OVERVIEW, bad, "--logs", sample_snapshot, "--site", week_site)
    assert ran.code == 2
    assert "unknown operator 'cuont'" in ran.err
    # A crash while rendering the second dashboard: the first one is not published either.
    import reportgen.publish.site as site_module

    real = site_module.render_outputs
    calls: list[str] = []

    def crash(dashboard: Any, *args: Any, **kwargs: Any) -> dict[str, bytes]:
        calls.append(dashboard.stem)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(dashboard, *args, **kwargs)

    monkeypatch.setattr(site_module, "render_outputs", crash)
    second = tmp_path / "second.yaml"
    second.write_text(OVERVIEW.read_text())
    ran = cli(
        "publish",
        OVERVIEW,
        second,
        "--logs",
        sample_snapshot,
        "--site",
        week_site,
        "--date",
        "2026-11-18",
    )
    assert ran.code == 70
    assert calls == ["twistlock-overview", "second"]
    assert tree(week_site) == before  # no run, no staging folder left behind


def test_retention_removes_old_runs(
    week_site: Path, sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(week_site, site)
    ran = cli(
        "publish",
        OVERVIEW,
        "--logs",
        sample_snapshot,
        "--site",
        site,
        "--date",
        "2026-11-20",
        "--retention-days",
        "1",
    )
    assert ran.code == 0, ran.err
    assert f"removed {site}/twistlock-overview/2026-11-14 (retention)" in ran.out
    runs = sorted(p.name for p in (site / "twistlock-overview").iterdir())
    assert runs == ["2026-11-19", "2026-11-20", "index.html", "latest"]
    history = soup_of(site / "twistlock-overview" / "index.html")
    assert [tr["id"] for tr in history.select("table#runs tbody tr")] == [
        "run-2026-11-20",
        "run-2026-11-19",
    ]


def test_pages_escape_dashboard_text(sample_snapshot: Path, tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "evil.yaml"
    board.write_text(
        "title: '<script>alert(1)</script> & co'\n"
        "panels:\n"
        "  - {id: n, title: '<img src=x onerror=alert(2)>', type: single_value, query: '* | count'}\n"
    )
    site = tmp_path / "site"
    ran = cli("publish", board, "--logs", sample_snapshot, "--site", site)
    assert ran.code == 0, ran.err
    for page in (site / "index.html", site / "evil" / "index.html"):
        soup = soup_of(page)
        assert soup.find("script") is None and soup.find("img") is None
    index = soup_of(site / "index.html")
    assert index.select_one("a.latest").get_text() == "<script>alert(1)</script> & co"
    assert index.select_one("li[data-panel=n] .tile-title").get_text() == (
        "<img src=x onerror=alert(2)>"
    )
    feed = etree.parse(site / "feed.xml").getroot()
    assert (
        feed.find(f"{ATOM}entry")
        .findtext(f"{ATOM}title")
        .startswith("<script>alert(1)</script> & co — ")
    )


def test_bad_options(sample_snapshot: Path, tmp_path: Path, cli: Any) -> None:
    site = tmp_path / "site"
    ran = cli("publish", OVERVIEW, "--site", site, "--date", "2026-13-01")
    assert (ran.code, ran.err) == (
        2,
        "error: invalid date '2026-13-01' (--date); expected YYYY-MM-DD, e.g. 2026-11-20\n",
    )
    ran = cli(
        "publish", OVERVIEW, "--site", site, "--date", "2026-11-01", "--at", "2026-11-01T00:00:00Z"
    )
    assert ran.code == 2
    assert "--date cannot be combined with --at" in ran.err
    assert not site.exists()


def test_csv_of_a_table_panel_is_format_result(week_site: Path) -> None:
    csv = (week_site / "twistlock-overview" / "2026-11-20" / "top-users.csv").read_text()
    lines = csv.splitlines()
    doc = {p["id"]: p for p in summary(week_site, "2026-11-20")["panels"]}
    assert lines[0] == ",".join(doc["top-users"]["columns"])
    assert len(lines) == doc["top-users"]["rows"] + 1
    assert format_result  # the CSV writer used is the one `query --output csv` uses


def test_each_single_value_of_a_report_shows_its_change(week_site: Path) -> None:
    now, before = values(week_site, "2026-11-20"), values(week_site, "2026-11-14")
    report = soup_of(week_site / "twistlock-overview" / "2026-11-20" / "index.html")
    for panel_id in SINGLE:
        change = _change_text(now[panel_id] - before[panel_id])
        shown = report.select_one(f"#panel-{panel_id} .single-value p.change").get_text()
        assert shown == f"{change} since 2026-11-14"
    first = soup_of(week_site / "twistlock-overview" / "2026-11-14" / "index.html")
    assert first.select(".single-value p.change") == []


@pytest.mark.slow
def test_the_readme_week_example(tmp_path: Path, cli: Any) -> None:
    """The README's loop, run as written (dates, options, the shipped dashboards), on the bundled
    sample: seven runs, each listed on the history page with its trend."""
    readme = Path("README.md").read_text(encoding="utf-8")
    loop = re.search(r"for day in ([\d\- ]+); do\n  reportgen publish (.+)\ndone", readme)
    assert loop is not None
    days = loop.group(1).split()
    words = loop.group(2).replace('"$day"', "DAY").split()
    assert words[0] == "dashboards/*.yaml"
    boards = sorted(Path("dashboards").glob("*.yaml"))
    site = tmp_path / "site"
    for day in days:
        options = [site if w == "site" else (day if w == "DAY" else w) for w in words[1:]]
        ran = cli("publish", *boards, *options)
        assert ran.code == 0, ran.err
    assert len(days) == 7
    for board in boards:
        history = soup_of(site / board.stem / "index.html")
        rows = [tr["id"] for tr in history.select("table#runs tbody tr")]
        assert rows == [f"run-{day}" for day in reversed(days)]
        charts = history.select("svg.trend-chart")
        assert charts
        for svg in charts:
            assert len(svg.select("circle.dot")) == 7
    index = soup_of(site / "index.html")
    assert [card["id"] for card in index.select("article.card")] == [
        f"dashboard-{board.stem}" for board in boards
    ]


def test_odd_dashboard_names_link_correctly_and_clashes_are_refused(
    sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    from urllib.parse import unquote

    odd = tmp_path / "weird #1.yaml"
    odd.write_text(
        "title: Odd\npanels:\n  - {id: n, title: N, type: single_value, query: '* | count'}\n"
    )
    site = tmp_path / "site"
    ran = cli("publish", odd, "--logs", sample_snapshot, "--site", site)
    assert ran.code == 0, ran.err
    link = soup_of(site / "index.html").select_one("a.latest")["href"]
    assert link == "weird%20%231/latest/index.html"
    assert (site / unquote(link)).is_file()
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "weird #1.yaml").write_text(odd.read_text())
    before = tree(site)
    ran = cli("publish", odd, other / "weird #1.yaml", "--logs", sample_snapshot, "--site", site)
    assert ran.code == 2
    assert ran.err == (
        f"error: {odd} and {other / 'weird #1.yaml'} would both publish to 'weird #1/'; "
        "rename one of the files\n"
    )
    assert tree(site) == before


def test_a_damaged_run_is_skipped_not_fatal(
    week_site: Path, tmp_path: Path, cli: Any, sample_snapshot: Path
) -> None:
    import shutil

    site = tmp_path / "site"
    shutil.copytree(week_site, site)
    (site / "twistlock-overview" / "2026-11-14" / "summary.json").write_text("{not json")
    ran = cli(
        "publish", OVERVIEW, "--logs", sample_snapshot, "--site", site, "--date", "2026-11-20"
    )
    assert ran.code == 0, ran.err
    history = soup_of(site / "twistlock-overview" / "index.html")
    assert [tr["id"] for tr in history.select("table#runs tbody tr")] == [
        "run-2026-11-20",
        "run-2026-11-19",
    ]


def test_several_dates_in_one_publish(
    week_site: Path, sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    site = tmp_path / "site"
    ran = cli(
        "publish",
        OVERVIEW,
        "--logs",
        sample_snapshot,
        "--site",
        site,
        "--date",
        "2026-11-20",
        "--date",
        "2026-11-14",
        "--date",
        "2026-11-19",
    )
    assert ran.code == 0, ran.err
    assert ran.out == "".join(
        f"published {site}/twistlock-overview/{d}\n"
        for d in ("2026-11-14", "2026-11-19", "2026-11-20")
    )
    # Each day compares with the day before it in the same invocation.
    assert summary(site, "2026-11-19")["previous_run"] == "2026-11-14"
    assert summary(site, "2026-11-20")["previous_run"] == "2026-11-19"
    # The runs equal those published one by one (the 14th and 19th had the same previous run).
    for day in ("2026-11-14", "2026-11-19"):
        one_by_one = tree(week_site / "twistlock-overview" / day)
        together = tree(site / "twistlock-overview" / day)
        del one_by_one["summary.json"], together["summary.json"]
        assert together == one_by_one
    assert tree(site / "twistlock-overview" / "latest") == tree(
        site / "twistlock-overview" / "2026-11-20"
    )


@pytest.mark.browser
def test_site_pages_in_chromium_under_the_csp(week_site: Path, tmp_path: Path) -> None:
    """The index and a history page load from files with the network off: no CSP violation or
    other console message, every card and chart in the DOM as written."""
    from tests.browser import load_page

    for page, selector, count in (
        (week_site / "index.html", "article.card", 1),
        (week_site / "twistlock-overview" / "index.html", "svg.trend-chart", len(SINGLE)),
    ):
        dom, console = load_page(page, tmp_path)
        assert console == []
        assert len(dom.select(selector)) == count
        assert dom.find("script") is None


LIGHT_BANDS = {"green": (0x1B, 0x7F, 0x3B), "orange": (0xF0, 0xA0, 0x20), "red": (0xC6, 0x28, 0x28)}


def _pixels(shot: Path) -> tuple[tuple[int, int, int], set[tuple[int, int, int]]]:
    """The colour of a screenshot's top-left corner and every colour of its first 600 rows."""
    from PIL import Image

    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        seen = {rgb.getpixel((x, y)) for x in range(0, rgb.width, 2) for y in range(0, 600, 2)}
        return rgb.getpixel((2, 2)), seen


def test_site_screenshots_in_light_and_dark(week_site: Path, tmp_path: Path) -> None:
    """Drawn by Chromium as a reader sees it: the theme's page colour in light and in dark, and
    the latest run's band colours on the index's tiles, at desktop and at phone width."""
    from tests.browser import screenshot

    index = week_site / "index.html"
    bands = {(p.get("band") or {}).get("color") for p in summary(week_site, "2026-11-20")["panels"]}
    bands &= set(LIGHT_BANDS)
    assert bands == {"orange"}
    light_corner, light = _pixels(screenshot(index, tmp_path, dark=False))
    dark_corner, dark = _pixels(screenshot(index, tmp_path, dark=True))
    phone_corner, phone = _pixels(screenshot(index, tmp_path, dark=False, width=390))
    assert (light_corner, dark_corner, phone_corner) == (
        (0xF5, 0xF7, 0xFA),
        (0x10, 0x15, 0x1C),
        (0xF5, 0xF7, 0xFA),
    )
    assert LIGHT_BANDS["orange"] in light and LIGHT_BANDS["orange"] in phone
    assert (0x1F, 0x29, 0x33) in light and (0xE6, 0xE9, 0xEE) in dark  # text colours
