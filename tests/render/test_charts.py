"""chart_spec: valid Vega-Lite, the Result's data inlined as is, time in the report zone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import altair as alt
import jsonschema
import pytest
import vl_convert

from reportgen.engine.result import Column, Result
from reportgen.errors import RenderError
from reportgen.render import PanelView, chart_spec, load_theme
from reportgen.render.charts import field_ref

from .conftest import T0, by_user, daily_newest_first, number_result, raw_only, transposed

SCHEMA = json.loads(
    (Path(alt.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json").read_text()
)
THEME = load_theme()
CHARTS = [
    ("area", transposed(), True),
    ("line", transposed(), False),
    ("column", transposed(), True),
    ("bar", transposed(), False),
    ("column", daily_newest_first(), False),
    ("bar", by_user(), False),
    ("column", by_user(), True),
    ("line", by_user(), False),
]


def validate(spec: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(spec)


def spec_of(kind: str, result: Result, stacked: bool = False, tz: str = "UTC") -> dict[str, Any]:
    spec = chart_spec(PanelView("p", "P", kind, "q", result=result, stacked=stacked), THEME, tz)
    assert spec is not None
    return spec


@pytest.mark.parametrize(("kind", "result", "stacked"), CHARTS)
def test_specs_are_valid_vega_lite_and_compile(kind: str, result: Result, stacked: bool) -> None:
    spec = spec_of(kind, result, stacked)
    validate(spec)
    alt.Chart.from_dict(spec)  # altair's own schema check
    svg = vl_convert.vegalite_to_svg({**spec, "width": 400})
    assert "<svg" in svg and "role-mark" in svg


@pytest.mark.parametrize(("kind", "result", "stacked"), CHARTS)
def test_inlined_data_equals_the_result(kind: str, result: Result, stacked: bool) -> None:
    spec = spec_of(kind, result, stacked)
    assert spec["data"]["values"] == result.records()
    assert "datasets" not in spec


def test_wide_table_is_folded_into_one_series_per_numeric_column() -> None:
    spec = spec_of("area", transposed(), stacked=True)
    fold = next(t for t in spec["transform"] if "fold" in t)
    assert fold["fold"] == ["host-a", "web\\.example\\.com", field_ref(transposed().names[3])]
    assert spec["encoding"]["color"]["scale"]["domain"] == transposed().names[1:]
    assert spec["encoding"]["y"]["stack"] == "zero"
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["x"]["scale"] == {"type": "utc"}
    assert spec["mark"]["invalid"] == "break-paths-show-domains"  # nulls stay gaps
    assert spec["data"]["values"][2]["web.example.com"] is None


def test_unstacked_series_overlap() -> None:
    assert spec_of("area", transposed())["encoding"]["y"]["stack"] is None
    grouped = spec_of("column", by_user_two_values())
    assert grouped["encoding"]["xOffset"]["field"] == "__series"


def test_columns_over_time_span_their_timeslice() -> None:
    spec = spec_of("column", daily_newest_first())
    calc = next(t for t in spec["transform"] if "calculate" in t)
    assert calc == {"calculate": 'time(datum["_timeslice"]) + 86400000', "as": "__end"}
    assert spec["encoding"]["x2"] == {"field": "__end"}
    assert spec["mark"]["orient"] == "vertical"


def test_categorical_keeps_result_order() -> None:
    spec = spec_of("bar", by_user())
    assert spec["encoding"]["y"]["type"] == "nominal"
    assert spec["encoding"]["y"]["sort"] is None
    assert spec["encoding"]["x"]["field"] == "__value"


def test_other_zones_inline_wall_clock_strings_parsed_as_utc() -> None:
    spec = spec_of("line", daily_newest_first(), tz="Europe/Paris")
    values = spec["data"]["values"]
    assert values[0] == {"_timeslice": "2024-05-01T12:00:00.000", "_count": 40}
    assert spec["data"]["format"] == {"parse": {"_timeslice": "utc:'%Y-%m-%dT%H:%M:%S.%L'"}}
    assert spec["encoding"]["x"]["title"] == "Time (Europe/Paris)"
    validate(spec)


def test_theme_config_is_merged() -> None:
    spec = spec_of("line", transposed())
    assert spec["config"]["range"]["category"] == THEME.palette
    assert spec["config"]["axis"]["labelColor"] == THEME.vega_config["axis"]["labelColor"]
    assert spec["width"] == "container"


def test_non_chart_and_failed_panels_have_no_spec() -> None:
    assert chart_spec(PanelView("a", "A", "table", "q", result=by_user()), THEME) is None
    assert (
        chart_spec(PanelView("a", "A", "single_value", "q", result=number_result(1)), THEME) is None
    )
    assert chart_spec(PanelView("a", "A", "line", "q", error="boom"), THEME) is None
    assert chart_spec(PanelView("a", "A", "line", "q"), THEME) is None


def test_result_without_numbers_says_what_was_expected() -> None:
    with pytest.raises(
        RenderError, match=r"needs a time column .* numeric column; got _messagetime"
    ):
        chart_spec(PanelView("a", "A", "area", "q", result=raw_only()), THEME)


def test_messages_are_not_charted() -> None:
    messages = Result(
        columns=[Column("_messagetime", "time"), Column("_size", "number")],
        rows=[(T0, 10)],
        kind="messages",
    )
    with pytest.raises(RenderError) as caught:
        chart_spec(PanelView("a", "A", "line", "q", result=messages), THEME)
    assert str(caught.value) == (
        "a line chart needs an aggregate query (e.g. `| count` or `| count by _timeslice`); "
        "this query returns messages: use type messages or add an aggregation"
    )


def test_field_ref_escapes_path_syntax() -> None:
    assert field_ref("a.b[0]'\"\\") == "a\\.b\\[0\\]\\'\\\"\\\\"
    assert field_ref("plain_name-1") == "plain_name-1"


def test_non_finite_numbers_become_nulls() -> None:
    result = Result(
        columns=[Column("_timeslice", "time"), Column("v", "number")],
        rows=[(T0, float("nan")), (T0 + 1000, float("inf")), (T0 + 2000, 1.5)],
        kind="aggregate",
    )
    values = spec_of("line", result)["data"]["values"]
    assert [v["v"] for v in values] == [None, None, 1.5]


def by_user_two_values() -> Result:
    return Result(
        columns=[Column("user", "string"), Column("a", "number"), Column("b", "number")],
        rows=[("x", 1, 2), ("y", 3, None)],
        kind="aggregate",
    )
