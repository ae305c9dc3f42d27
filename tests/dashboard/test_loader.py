from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.dashboard.loader import load_dashboard, load_dashboard_text
from reportgen.errors import SpecError

GOOD = """\
title: Demo
time_range: -7d
panels:
  - id: total
    title: Total
    type: single_value
    time_range: -24h
    query: "* | count"
    bands:
      - {from: 1, to: 30, color: green}
      - {from: 31, color: red}
  - id: by-host
    title: By host
    type: column
    query: |
      *
      | count by _sourcehost
"""


def error_text(text: str) -> str:
    with pytest.raises(SpecError) as caught:
        load_dashboard_text(text, "d.yaml")
    return str(caught.value)


def test_good_dashboard_loads() -> None:
    dashboard = load_dashboard_text(GOOD, "d.yaml")
    spec = dashboard.spec
    assert spec.title == "Demo"
    assert spec.time_range == "-7d"
    assert [p.id for p in spec.panels] == ["total", "by-host"]
    assert spec.panels[0].bands[0].low == 1
    assert spec.panels[0].bands[1].high is None
    assert spec.panels[1].width == 6
    assert dashboard.stem == "d"


def test_shipped_dashboards_validate() -> None:
    for path in sorted(Path("dashboards").glob("*.yaml")):
        load_dashboard(path)


def test_unknown_key_names_line_col_and_suggests() -> None:
    text = GOOD.replace("    title: Total", "    titel: Total")
    assert error_text(text) == (
        "2 problems:\n"
        "d.yaml:4:5: missing required key 'title' in panels[0]\n"
        "    - id: total\n"
        "      ^~~~~~~~~\n"
        "d.yaml:5:5: unknown key 'titel' in panels[0]; did you mean 'title'?\n"
        "      titel: Total\n"
        "      ^~~~~"
    )


def test_unknown_panel_type_suggests() -> None:
    text = GOOD.replace("type: column", "type: colum")
    assert error_text(text) == (
        "d.yaml:14:11: panels[1].type: unknown value 'colum', expected one of 'single_value', "
        "'area', 'line', 'column', 'bar', 'pie', 'table', 'messages' or 'text'; "
        "did you mean 'column'?\n"
        "      type: colum\n"
        "            ^~~~~"
    )


def test_wrong_type() -> None:
    text = GOOD.replace("    time_range: -24h\n", "    time_range: -24h\n    width: wide\n")
    assert error_text(text) == (
        "d.yaml:8:12: panels[0].width: input should be a valid integer, unable to parse string "
        "as an integer (got 'wide')\n"
        "      width: wide\n"
        "             ^~~~"
    )


def test_bad_time_range() -> None:
    text = GOOD.replace("time_range: -24h", "time_range: -24x")
    assert error_text(text) == (
        "d.yaml:7:17: panels[0].time_range: unknown time unit 'x' in '-24x'; "
        "units are s, m, h, d, w\n"
        "      time_range: -24x\n"
        "                  ^~~~"
    )


def test_query_error_points_into_the_yaml_and_the_query() -> None:
    text = GOOD.replace("      | count by _sourcehost", "      | cout by _sourcehost")
    message = error_text(text)
    assert message.startswith(
        "d.yaml:17:9: panels[1].query (by-host): unknown operator 'cout' at line 2, column 3; "
        "did you mean 'count'?\n"
    )
    assert message.endswith("  | cout by _sourcehost\n    ^~~~")


def test_duplicate_ids_and_bands_on_charts() -> None:
    text = GOOD.replace("id: by-host", "id: total").replace(
        "    type: column\n", "    type: column\n    bands: [{color: red}]\n"
    )
    assert error_text(text) == (
        "2 problems:\n"
        "d.yaml:12:9: panels[1].id: duplicate panel id 'total' (first used by panels[0])\n"
        "    - id: total\n"
        "          ^~~~~\n"
        "d.yaml:15:12: panels[1].bands: 'bands' applies to single_value panels only; "
        "remove 'bands' or set type: single_value\n"
        "      bands: [{color: red}]\n"
        "             ^~~~~~~~~~~~~~"
    )


def test_yaml_syntax_error() -> None:
    assert error_text("title: [x\npanels: []\n") == (
        "d.yaml:1:8: invalid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence)\n"
        "  title: [x\n"
        "         ^"
    )


def test_not_a_mapping() -> None:
    assert error_text("- a\n- b\n") == (
        "d.yaml:1:1: a dashboard file must be a mapping with 'title' and 'panels'\n  - a\n  ^~~"
    )


def test_missing_file() -> None:
    with pytest.raises(SpecError, match=r"cannot read nope\.yaml: No such file or directory"):
        load_dashboard(Path("nope.yaml"))
