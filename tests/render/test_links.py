"""`tourl(url, text)` in tables: a link for http and https URLs, text for anything else, and
never markup or script from the data (the text and the URL come from log lines)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from reportgen.engine.result import Column, Result
from reportgen.render import PanelView, render_html
from reportgen.render.links import Link, parse_link
from tests.query.conftest import log_table, raws, run

from .conftest import HOSTILE, make_report

EVIL_URL = 'https://x.test/"onmouseover="alert(1)'


def links_result() -> Result:
    values = [
        "[Search](https://sumo.test/ui/#section/search/H10K)",
        "[plain http](http://example.test/a?b=1&c=2)",
        "[click](javascript:alert(1))",
        "[data](data:text/html,<script>alert(1)</script>)",
        f"[{HOSTILE}](https://x.test/ok)",
        "[quotes](" + EVIL_URL.replace("(", "\\(").replace(")", "\\)") + ")",
        "not a link at all",
    ]
    return Result(
        columns=[Column("link", "link"), Column("_count", "number")],
        rows=[(value, i) for i, value in enumerate(values)],
        kind="aggregate",
    )


def rendered(result: Result, panel_type: str = "table") -> BeautifulSoup:
    view = PanelView("links", "Links", panel_type, "q", width=12, result=result)
    return BeautifulSoup(render_html(make_report([view])), "html.parser")


def test_parse_link_accepts_http_and_https_only() -> None:
    assert parse_link("[a](https://x.test/p)") == Link("a", "https://x.test/p")
    assert parse_link("[a \\[b\\]](http://x.test/q?x=\\(1\\))") == Link(
        "a [b]", "http://x.test/q?x=(1)"
    )
    assert parse_link("[a](javascript:alert(1))") == Link("[a](javascript:alert(1))", None)
    assert parse_link("[a](javascript:alert\\(1\\))") == Link("a", None)
    assert parse_link("[a](ftp://x.test/f)") == Link("a", None)
    assert parse_link("[a](https:///no-host)") == Link("a", None)
    assert parse_link("[a](https://x.test/a b)") == Link("a", None)
    assert parse_link("[](https://x.test/)") == Link("https://x.test/", "https://x.test/")
    assert parse_link("plain") == Link("plain", None)


def test_table_cells_link_safely() -> None:
    soup = rendered(links_result())
    cells = soup.select("#panel-links tbody tr td:first-child")
    anchors = [cell.find("a") for cell in cells]
    assert [a["href"] if a else None for a in anchors] == [
        "https://sumo.test/ui/#section/search/H10K",
        "http://example.test/a?b=1&c=2",
        None,
        None,
        "https://x.test/ok",
        EVIL_URL,
        None,
    ]
    assert [cell.get_text() for cell in cells] == [
        "Search",
        "plain http",
        "[click](javascript:alert(1))",
        "[data](data:text/html,<script>alert(1)</script>)",
        HOSTILE,
        "quotes",
        "not a link at all",
    ]
    for anchor in soup.select("#panel-links tbody a"):
        assert set(anchor.attrs) == {"href", "rel"}
        assert anchor["rel"] == ["noopener", "noreferrer", "nofollow"]
    assert soup.select("#panel-links script") == []


def test_a_query_with_tourl_renders_links() -> None:
    con = log_table(raws("url=https://sumo.test/a name=A", "url=javascript:x name=B"))
    query = '* | kv "url", "name" | tourl(url, name, "Search ", "") as link | count by link'
    result = run(con, query)
    assert [c.type for c in result.columns] == ["link", "number"]
    assert result.rows == [("[Search A](https://sumo.test/a)", 1), ("[Search B](javascript:x)", 1)]
    cells = rendered(result).select("#panel-links tbody tr td:first-child")
    assert [(c.get_text(), c.a["href"] if c.a else None) for c in cells] == [
        ("Search A", "https://sumo.test/a"),
        ("Search B", None),
    ]


def test_message_lists_link_too() -> None:
    con = log_table(raws("go https://sumo.test/x"))
    result = run(con, '* | parse "go *" as u | tourl(u, "open") as link')
    soup = rendered(result, "messages")
    anchor = soup.select_one("#panel-links tbody a")
    assert anchor is not None and (anchor["href"], anchor.get_text()) == (
        "https://sumo.test/x",
        "open",
    )
