"""The parts of the Sumo Logic importer one at a time: time ranges, the grid, colours, settings
accounting, variables and the YAML writer (whatever the text, it loads back as written)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.importers.sumo.bands import band_color, convert_thresholds
from reportgen.importers.sumo.layout import Slot, reading_order, widths
from reportgen.importers.sumo.read import Node
from reportgen.importers.sumo.settings import Settings
from reportgen.importers.sumo.timerange import convert_range
from reportgen.importers.sumo.variables import convert_variables
from reportgen.importers.sumo.yamlout import comment, document, mapping


def relative(start: str, end: str | None = None) -> dict[str, Any]:
    to = None if end is None else {"type": "RelativeTimeRangeBoundary", "relativeTime": end}
    return {
        "type": "BeginBoundedTimeRange",
        "from": {"type": "RelativeTimeRangeBoundary", "relativeTime": start},
        "to": to,
    }


def boundary(kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": "BeginBoundedTimeRange", "from": {"type": kind, **fields}, "to": None}


RANGES = [
    (relative("-1d"), "-1d", []),
    (relative("-15m"), "-15m", []),
    (relative("-2w5d3h"), "-2w -5d -3h", []),
    (
        relative("-2d", "-1d"),
        "-2d",
        [
            "time range -2d to -1d not carried over: reportgen ranges end at --at, so it is kept as -2d"
        ],
    ),
    (boundary("LiteralTimeRangeBoundary", rangeName="today"), "today", []),
    ({"type": "CompleteLiteralTimeRange", "rangeName": "yesterday"}, "yesterday", []),
    (
        {"type": "CompleteLiteralTimeRange", "rangeName": "previous_week"},
        None,
        [
            "time range previous_week not carried over: the whole 'previous_week' period has no equivalent"
        ],
    ),
    (
        boundary("LiteralTimeRangeBoundary", rangeName="week"),
        None,
        [
            "time range week not carried over: 'week' (since the start of the current week) has no equivalent"
        ],
    ),
    (
        {
            "type": "BeginBoundedTimeRange",
            "from": {"type": "EpochTimeRangeBoundary", "epochMillis": 1795132800000},
            "to": {"type": "Iso8601TimeRangeBoundary", "iso8601Time": "2026-11-21T01:00:00+01:00"},
        },
        {"from": "2026-11-20T00:00:00Z", "to": "2026-11-21T00:00:00Z"},
        [],
    ),
    (
        boundary("EpochTimeRangeBoundary", epochMillis=1795132800000),
        None,
        ["time range 2026-11-20T00:00:00Z not carried over: an absolute range needs an end"],
    ),
    (
        relative("1d"),
        None,
        ["time range 1d not carried over: not a relative time into the past"],
    ),
    (
        {"type": "SomeNewRange"},
        None,
        ["time range not carried over: unknown time range type 'SomeNewRange'"],
    ),
    (None, None, []),
]


@pytest.mark.parametrize("sumo, value, notes", RANGES)
def test_time_ranges(sumo: Any, value: Any, notes: list[str]) -> None:
    converted = convert_range(Node(sumo, "x.json", "$.timeRange"))
    assert (converted.value, converted.notes) == (value, notes)


@pytest.mark.parametrize(
    "row, expected",
    [
        ([(0, 24)], [12]),
        ([(0, 8), (8, 8), (16, 8)], [4, 4, 4]),
        ([(0, 5), (5, 5), (10, 7), (17, 7)], [3, 2, 4, 3]),  # a full row stays full
        ([(0, 1), (1, 1)], [1, 1]),  # never narrower than one column
        ([(0, 24), (0, 48)], [6, 12]),  # a grid wider than 24 is scaled as a whole
    ],
)
def test_widths_out_of_twelve(row: list[tuple[int, int]], expected: list[int]) -> None:
    assert widths([Slot(x, 0, w, 1) for x, w in row]) == expected


def test_reading_order_is_by_row_then_column() -> None:
    slots: list[Slot | None] = [Slot(12, 5, 12, 1), None, Slot(0, 5, 12, 1), Slot(0, 0, 24, 5)]
    assert reading_order(slots) == [3, 2, 0, 1]


@pytest.mark.parametrize(
    "color, expected",
    [
        ("#16943E", ("green", True)),
        ("#98ECA9", ("green", True)),
        ("#DFBE2E", ("orange", True)),
        ("#F2A033", ("orange", True)),
        ("#BF2121", ("red", True)),
        ("#cc0000", ("red", True)),
        ("#cccccc", ("grey", True)),
        ("#3A6EDC", ("grey", False)),
        ("Yellow", ("orange", True)),
        ("not a colour", ("grey", False)),
    ],
)
def test_band_colours(color: str, expected: tuple[str, bool]) -> None:
    assert band_color(color) == expected


def test_thresholds_become_labelled_bands() -> None:
    items = [
        {"from": 1, "to": 30, "color": "#16943E"},
        {"from": 31.5, "to": 70, "color": "#DFBE2E"},
        {"from": None, "to": None, "color": "#BF2121"},  # Sumo Logic's unset placeholder
        {"to": 0, "color": "#3A6EDC"},
        {"from": 71, "color": "#BF2121"},
        {"min": 5, "color": "#BF2121"},
    ]
    node = Node(items, "x.json", "$.t")
    bands, notes = convert_thresholds([node.child(i) for i in range(len(items))])
    assert bands == [
        {"from": 1, "to": 30, "color": "green", "label": "1 to 30"},
        {"from": 31.5, "to": 70, "color": "orange", "label": "31.5 to 70"},
        {"to": 0, "color": "grey", "label": "up to 0"},
        {"from": 71, "color": "red", "label": "71 or more"},
    ]
    assert notes == [
        "colour #3A6EDC of the range up to 0 is shown as grey",
        'colour range {"color": "#BF2121", "min": 5} not carried over: it has no from or to',
    ]


def test_settings_list_what_was_not_taken() -> None:
    data = {
        "general": {"type": "line", "mode": "timeSeries", "markerSize": 0, "hidden": False},
        "axes": {"axisY": {"title": "n", "unit": None}},
        "overrides": [{"series": ["a"], "properties": {"color": "#f00"}}],
        "tags": ["x", "y"],
        "empty": {},
    }
    found = Settings(data)
    assert found.take("general.type") == "line"
    found.take("axes.axisY")
    found.drop("general.mode")
    assert found.peek("overrides[0].properties.color") == "#f00"
    assert found.leftovers() == [
        "general.markerSize",
        "overrides[0].series",
        "overrides[0].properties.color",
        "tags",
    ]
    assert found.notes()[0] == "general.markerSize = 0 not carried over"
    odd = Settings({"a[b": 1, "c]": {"[0]x": "y"}})
    assert odd.notes() == ["a[b = 1 not carried over", "c].[0]x = y not carried over"]


def test_variables() -> None:
    items = [
        {
            "name": "host",
            "displayName": "Host",
            "defaultValue": None,
            "sourceDefinition": {
                "variableSourceType": "CsvVariableSourceDefinition",
                "values": 'a, b,"c,d", a',
            },
            "includeAllOption": True,
        },
        {
            "name": "zone",
            "defaultValue": "eu",
            "sourceDefinition": {
                "variableSourceType": "CsvVariableSourceDefinition",
                "values": "us",
            },
            "valueType": "String",
            "hideFromUI": True,
        },
        {"name": "bad-name", "defaultValue": "x"},
        {
            "name": "key",
            "defaultValue": "k",
            "sourceDefinition": {
                "variableSourceType": "MetadataVariableSourceDefinition",
                "key": "_sourceHost",
            },
            "someNewOption": 3,
        },
    ]
    node = Node(items, "x.json", "$.variables")
    result = convert_variables([node.child(i) for i in range(len(items))])
    assert result.specs == {
        "host": {"default": "*", "values": ["*", "a", "b", "c,d"], "description": "Host"},
        "zone": {"default": "eu", "values": ["eu", "us"]},
        "key": {"default": "k"},
    }
    assert result.notes == [
        "variable 'zone': default 'eu' added to its values",
        "variable 'zone': hidden in Sumo Logic; reportgen lists it with the report's variables",
        "variable 'zone': value type 'String' not carried over: values are substituted as given",
        "variable 'bad-name' not carried over: reportgen names use letters, digits and _",
        "variable 'key': its values come from a MetadataVariableSourceDefinition (_sourceHost): "
        "any value is accepted here",
        "variable 'key': someNewOption = 3 not carried over",
    ]


TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, st.lists(TEXT, max_size=3))
def test_any_text_loads_back_as_written(text: str, other: str, notes: list[str]) -> None:
    top = {"title": text, "values": [text, "*"], "description": other}
    panels = [
        {"id": "a", "title": text, "query": other},
        {"id": "b", "title": other, "text": text, "bands": [{"label": text}]},
    ]
    lines = comment(notes, "") + document(top, [(panel, notes) for panel in panels])
    lines += comment(notes, "")
    assert yaml.safe_load("\n".join(lines) + "\n") == {**top, "panels": panels}


@pytest.mark.parametrize(
    "text", [":0", "a:", "-", "?x", "x, y", "[x]", "{x}", "a #b", "yes", "1e3"]
)
def test_texts_that_cannot_stand_plain(text: str) -> None:
    lines = mapping({"title": text, "values": [text], "bands": [{"label": text}]})
    assert yaml.safe_load("\n".join(lines)) == {
        "title": text,
        "values": [text],
        "bands": [{"label": text}],
    }


def test_a_text_ending_in_blank_lines_keeps_them() -> None:
    query = "* | count\n\n"  # as real exports have them
    lines = document({"title": "t"}, [({"id": "a", "query": query}, []), ({"id": "b"}, [])])
    assert lines == [
        "title: t",
        "",
        "panels:",
        "  - id: a",
        "    query: |+",
        "      * | count",
        "",
        "  - id: b",
    ]
    loaded = yaml.safe_load("\n".join(lines) + "\n")
    assert loaded["panels"][0]["query"] == query


def test_queries_are_literal_blocks() -> None:
    query = '_sourceCategory=x\n| parse "a=*" as a  \n\n| count by a\n'
    assert mapping({"query": query}) == [
        "query: |",
        "  _sourceCategory=x",
        '  | parse "a=*" as a  ',
        "",
        "  | count by a",
    ]
    assert mapping({"query": " indented\nnext"}) == ["query: |2-", "   indented", "  next"]
    assert mapping({"query": "x\n\n"}) == ["query: |+", "  x", ""]
    assert mapping({"query": "a\rb\nc"}) == ['query: "a\\rb\\nc"']
