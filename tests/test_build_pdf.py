"""`reportgen build --format html,pdf` end to end on a generated snapshot: the overview PDF has
every panel, no split panel and no missing chart; builds are byte-identical across processes;
page options and themes; bad options fail before anything is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from reportgen.dashboard.loader import load_dashboard
from reportgen.render.shapes import CHART_TYPES
from reportgen.render.theme import THEMES_ROOT
from tests.pdf_tools import (
    chart_under_title,
    find_title,
    needs_poppler,
    outline,
    page_sizes,
    pages_text,
    raster,
    words,
)

OVERVIEW = Path("dashboards/twistlock-overview.yaml")
AT = "2026-11-21T00:00:00Z"
PANELS = load_dashboard(OVERVIEW).spec.panels
CHART_PANELS = [panel.title for panel in PANELS if panel.type in CHART_TYPES]

pytestmark = pytest.mark.slow


def build(cli: Any, snapshot: Path, out: Path, *options: str) -> Any:
    return cli("build", OVERVIEW, "--logs", snapshot, "--out", out, "--at", AT, *options)


@pytest.fixture(scope="module")
def built(sample_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reportgen.cli import run

    out = tmp_path_factory.mktemp("pdf-out")
    args = ["build", str(OVERVIEW), "--logs", str(sample_snapshot), "--out", str(out)]
    assert run([*args, "--at", AT, "--format", "html,pdf"]) == 0
    return out


def test_html_pdf_and_summary_are_written(built: Path) -> None:
    names = sorted(path.name for path in built.iterdir())
    assert names == ["twistlock-overview.html", "twistlock-overview.json", "twistlock-overview.pdf"]
    assert (built / "twistlock-overview.pdf").read_bytes().startswith(b"%PDF-")


def test_overview_pdf_has_every_panel_in_its_outline(built: Path) -> None:
    pdf = (built / "twistlock-overview.pdf").read_bytes()
    marks = outline(pdf)
    assert marks[0] == (1, "Twistlock overview", 1)
    assert [title for _, title, _ in marks[1:]] == [panel.title for panel in PANELS]
    texts = pages_text(pdf)
    for number, text in enumerate(texts, start=1):
        assert text.splitlines()[-1] == f"Page {number} of {len(texts)}"
        assert "Twistlock overview 2026-11-14 00:00 – 2026-11-21 00:00 UTC" in text


def test_single_values_sit_on_the_page_of_their_title(built: Path) -> None:
    summary = json.loads((built / "twistlock-overview.json").read_text())
    values = {p["id"]: p["value"] for p in summary["panels"] if p["type"] == "single_value"}
    pages = words(built / "twistlock-overview.pdf")
    for panel in PANELS:
        if panel.id not in values:
            continue
        located = find_title(pages, panel.title)
        assert located is not None, panel.title
        page_words = [word.text for word in pages[located[0]]]
        assert str(values[panel.id]) in page_words, panel.title


@needs_poppler
@pytest.mark.parametrize("title", CHART_PANELS)
def test_no_missing_chart_and_no_split_panel(built: Path, tmp_path: Path, title: str) -> None:
    # The chart is drawn on the page of its title, right under it.
    _, coloured = chart_under_title(built / "twistlock-overview.pdf", title, tmp_path)
    assert coloured > 150, f"{title}: only {coloured} coloured pixels under the title"


def test_the_same_build_gives_the_same_bytes_in_another_process(
    built: Path, sample_snapshot: Path, tmp_path: Path
) -> None:
    # A different hash seed in a fresh interpreter: set and dict order cannot leak into output.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-m", "reportgen", "build", str(OVERVIEW)]
    command += ["--logs", str(sample_snapshot), "--out", str(tmp_path), "--at", AT]
    subprocess.run([*command, "--format", "pdf,html"], check=True, env=env, capture_output=True)
    for name in ("twistlock-overview.html", "twistlock-overview.pdf"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name
    # The summary is for CI and keeps each panel's measured time; everything else is equal.
    again, first = (
        json.loads((d / "twistlock-overview.json").read_text()) for d in (tmp_path, built)
    )
    for summary in (again, first):
        for panel in summary["panels"]:
            assert panel.pop("elapsed_ms") >= 0
    assert again == first


def test_pdf_only_with_page_options(sample_snapshot: Path, tmp_path: Path, cli: Any) -> None:
    ran = build(
        cli, sample_snapshot, tmp_path, "--format", "pdf", "--page-size", "Letter",
        "--orientation", "landscape",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.out == (
        f"wrote {tmp_path / 'twistlock-overview.pdf'}\nwrote {tmp_path / 'twistlock-overview.json'}\n"
    )
    assert page_sizes((tmp_path / "twistlock-overview.pdf").read_bytes()) == {(792.0, 612.0)}


@needs_poppler
@pytest.mark.parametrize(
    ("theme", "page_rgb"), [("dark", (18, 20, 23)), ("print", (255, 255, 255))]
)
def test_themes_build_html_and_pdf(
    sample_snapshot: Path, tmp_path: Path, cli: Any, theme: str, page_rgb: tuple[int, int, int]
) -> None:
    ran = build(cli, sample_snapshot, tmp_path, "--format", "html,pdf", "--theme", theme)
    assert ran.code == 0, ran.err
    soup = BeautifulSoup((tmp_path / "twistlock-overview.html").read_text(), "html.parser")
    assert soup.body is not None and f"theme-{theme}" in soup.body["class"]
    pdf = tmp_path / "twistlock-overview.pdf"
    assert raster(pdf, 0, tmp_path).getpixel((2, 2)) == page_rgb
    _, coloured = chart_under_title(pdf, CHART_PANELS[0], tmp_path)
    assert coloured > 150


def test_a_user_theme_folder_extends_a_shipped_one(
    sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    mine = tmp_path / "mine"
    (mine / "templates").mkdir(parents=True)
    (mine / "theme.yaml").write_text('extends: dark\ncolors:\n  accent: "#ffcc00"\n')
    (mine / "templates" / "_header.html").write_text(
        '<p class="brand">ACME</p>{% include "default:_header.html" %}'
    )
    out = tmp_path / "out"
    ran = build(cli, sample_snapshot, out, "--theme", str(mine))
    assert ran.code == 0, ran.err
    soup = BeautifulSoup((out / "twistlock-overview.html").read_text(), "html.parser")
    assert soup.select_one("p.brand") is not None
    style = soup.select_one("style").get_text()
    assert "--color-accent: #ffcc00;" in style
    assert "--color-background: #121417;" in style  # from dark
    assert style.index("color-scheme: dark") > style.index("reportgen default (light) theme")


def test_bad_page_options_fail_before_anything_is_written(
    sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    ran = build(cli, sample_snapshot, tmp_path, "--format", "pdf", "--page-size", "A5")
    assert (ran.code, ran.err) == (
        2,
        "error: unknown page size 'A5' (--page-size); expected: A4, Letter\n",
    )
    ran = build(cli, sample_snapshot, tmp_path, "--format", "pdf", "--orientation", "portait")
    assert (ran.code, ran.err) == (
        2,
        "error: unknown orientation 'portait' (--orientation); did you mean 'portrait'?\n",
    )
    ran = build(cli, sample_snapshot, tmp_path, "--theme", "drak")
    assert (ran.code, ran.err) == (
        2,
        "error: unknown theme 'drak' (--theme); did you mean 'dark'?\n",
    )
    assert not list(tmp_path.iterdir())


def test_shipped_themes_are_discovered() -> None:
    found = sorted(p.name for p in THEMES_ROOT.iterdir() if (p / "theme.yaml").is_file())
    assert found == ["dark", "default", "print"]
