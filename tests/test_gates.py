"""CI gates (`--fail-on red|error`, exit 3), the summary's `gates`, and `--summary-md`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reportgen.dashboard.loader import load_dashboard_text

LINES = [
    "2026-11-20T09:00:00Z violation user=alice",
    "2026-11-20T10:00:00Z violation user=bob",
    "2026-11-20T11:00:00Z violation user=carol",
    "2026-11-20T12:00:00Z violation user=dave",
    "2026-11-20T12:30:00Z audit user=erin",
]
DASHBOARD = """\
title: Gates
time_range: all
panels:
  - id: violations
    title: Violations
    type: single_value
    query: violation | count
    bands:
      - {to: 3, color: green, label: fine}
      - {from: 4, color: red, label: too many, fail: true}
  - id: audits
    title: Audits
    type: single_value
    query: audit | count
    bands:
      - {from: 1, color: red, label: red only}
"""
BROKEN = """\
  - {id: broken, title: Broken | pipe, type: table, query: '* | count by nosuchfield'}
"""


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    snapshot = tmp_path / "snap" / "host-1"
    snapshot.mkdir(parents=True)
    (snapshot / "app.log").write_text("\n".join(LINES) + "\n")
    good = tmp_path / "gates.yaml"
    good.write_text(DASHBOARD)
    broken = tmp_path / "broken.yaml"
    broken.write_text(DASHBOARD.replace("title: Gates", "title: Broken") + BROKEN)
    return {"snapshot": tmp_path / "snap", "good": good, "broken": broken, "out": tmp_path / "out"}


def build(cli: Any, setup: dict[str, Path], board: str, *options: str) -> Any:
    return cli("build", setup[board], "--logs", setup["snapshot"], "--out", setup["out"], *options)


def test_fail_on_red_exits_3_and_says_why(setup: dict[str, Path], cli: Any) -> None:
    md = setup["out"] / "summary.md"
    ran = build(cli, setup, "good", "--fail-on", "red", "--summary-md", str(md))
    assert ran.code == 3
    message = "panel 'violations' is 4 (too many), in a band marked fail"
    assert ran.err == f"gate red: gates: {message}\n"
    summary = json.loads((setup["out"] / "gates.json").read_text())
    assert summary["gates"] == [
        {"gate": "red", "dashboard": "gates", "panel": "violations", "message": message}
    ]
    assert md.read_text() == (
        "### Gates\n"
        "\n"
        "**Status:** 1 gate crossed\n"
        "\n"
        "| Panel | Status | Value | Band |\n"
        "|---|---|---:|---|\n"
        "| Violations | ok | 4 | too many (red) |\n"
        "| Audits | ok | 1 | red only (red) |\n"
        "\n"
        "Gates crossed:\n"
        "\n"
        f"- `red`: {message}\n"
    )


def test_without_fail_on_a_red_band_passes(setup: dict[str, Path], cli: Any) -> None:
    ran = build(cli, setup, "good")
    assert (ran.code, ran.err) == (0, "")
    assert json.loads((setup["out"] / "gates.json").read_text())["gates"] == []


def test_failed_panels_exit_1_or_3_with_fail_on_error(setup: dict[str, Path], cli: Any) -> None:
    ran = build(cli, setup, "broken", "--fail-on", "red")
    assert ran.code == 3  # the red gate wins over the failed panel
    ran = build(cli, setup, "broken")
    assert ran.code == 1
    assert ran.err == "error: 1 panel(s) failed: broken/broken\n"
    md = setup["out"] / "s.md"
    ran = build(cli, setup, "broken", "--fail-on", "error", "--summary-md", str(md))
    assert ran.code == 3
    gates = json.loads((setup["out"] / "broken.json").read_text())["gates"]
    assert [(g["gate"], g["panel"]) for g in gates] == [("error", "broken")]
    assert gates[0]["message"] == (
        "panel 'broken' failed: unknown field 'nosuchfield' at column 14; fields here: "
        "_messagetime, _raw, _sourcehost, _sourcecategory, _sourcename, _source, _collector, "
        "_size, _messagecount, _receipttime, _format"
    )
    text = md.read_text()
    assert "| Broken \\| pipe | **error** |  |  |\n" in text
    assert "- broken: unknown field 'nosuchfield' at column 14; fields here: \\_messagetime" in text
    assert "**Status:** 1 gate crossed\n" in text


def test_fail_on_values(setup: dict[str, Path], cli: Any) -> None:
    ran = build(cli, setup, "broken", "--fail-on", "red,error")
    assert ran.code == 3
    gates = json.loads((setup["out"] / "broken.json").read_text())["gates"]
    assert [g["gate"] for g in gates] == ["red", "error"]
    ran = build(cli, setup, "good", "--fail-on", "eror")
    assert (ran.code, ran.err) == (
        2,
        "error: unknown gate 'eror' (--fail-on); did you mean 'error'?\n",
    )


def test_fail_on_publish(setup: dict[str, Path], cli: Any, tmp_path: Path) -> None:
    site = tmp_path / "site"
    md = tmp_path / "pr.md"
    ran = cli(
        "publish",
        setup["good"],
        "--logs",
        setup["snapshot"],
        "--site",
        site,
        "--date",
        "2026-11-20",
        "--fail-on",
        "red",
        "--summary-md",
        md,
    )
    assert ran.code == 3
    summary = json.loads((site / "gates" / "2026-11-20" / "summary.json").read_text())
    assert [g["panel"] for g in summary["gates"]] == ["violations"]
    assert md.read_text().startswith("### Gates (2026-11-20)\n\n**Status:** 1 gate crossed\n")
    assert "| Panel | Status | Value | Band | Change |\n" in md.read_text()


def test_fail_is_a_band_key(tmp_path: Path) -> None:
    from reportgen.errors import SpecError

    text = DASHBOARD.replace("fail: true", "fial: true")
    with pytest.raises(SpecError) as caught:
        load_dashboard_text(text, "d.yaml")
    assert str(caught.value).splitlines()[0] == (
        "d.yaml:10:48: unknown key 'fial' in panels[0].bands[1]; did you mean 'fail'?"
    )


def test_fail_on_red_sees_the_panels_of_sections(
    setup: dict[str, Path], cli: Any, tmp_path: Path
) -> None:
    panels = DASHBOARD.split("panels:\n", 1)[1]
    sectioned = tmp_path / "sectioned.yaml"
    sectioned.write_text(
        "title: Sectioned\ntime_range: all\nsections:\n  - title: Runtime\n    panels:\n"
        + "".join(f"  {line}\n" for line in panels.splitlines())
    )
    ran = cli(
        "build", sectioned, "--logs", setup["snapshot"], "--out", setup["out"], "--fail-on", "red"
    )
    assert ran.code == 3, ran.err
    summary = json.loads((setup["out"] / "sectioned.json").read_text())
    assert summary["gates"] == [
        {
            "gate": "red",
            "dashboard": "sectioned",
            "panel": "violations",
            "message": "panel 'violations' is 4 (too many), in a band marked fail",
        }
    ]
