"""format_si (spec §10), pick_band, and table cell formatting (spec §6.3)."""

from __future__ import annotations

import pytest

from reportgen.errors import RenderError
from reportgen.render import Band, format_si, pick_band
from reportgen.render.formatting import format_cell, format_number, format_time, local_iso

from .conftest import BANDS, T0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234, "1.23k"),
        (1234567, "1.23M"),
        (1234567890, "1.23G"),
        (999, "999"),
        (12, "12"),
        (0.5, "0.5"),
        (0, "0"),
        (1000, "1k"),
        (999.5, "1k"),
        (999_999, "1M"),
        (12.345, "12.3"),
        (1.235, "1.24"),
        (-1234, "-1.23k"),
        (42.0, "42"),
        (0.000_012_3, "12.3µ"),
        (None, ""),
        (True, "true"),
    ],
)
def test_format_si(value: float | int | None, expected: str) -> None:
    assert format_si(value) == expected


@pytest.mark.parametrize(
    ("value", "color"),
    [
        (0, None),
        (1, "green"),
        (30, "green"),
        (31, "orange"),
        (70, "orange"),
        (71, "red"),
        (10**9, "red"),
        (30.5, None),
        (None, None),
        ("12", None),
        (True, None),
    ],
)
def test_pick_band_bounds_are_inclusive(value: object, color: str | None) -> None:
    band = pick_band(value, BANDS)
    assert (band.color if band else None) == color


def test_pick_band_first_hit_wins_and_open_bounds() -> None:
    bands = [Band("red", low=80), Band("orange", low=60), Band("green", high=100)]
    assert pick_band(90, bands) == bands[0]
    assert pick_band(65, bands) == bands[1]
    assert pick_band(-5, bands) == bands[2]
    assert pick_band(5, []) is None


def test_time_cells_use_the_report_zone() -> None:
    assert format_time(T0, "UTC") == "2024-05-01 10:00:00"
    assert format_time(T0, "Europe/Paris") == "2024-05-01 12:00:00"
    assert format_cell(T0, "time", "America/New_York") == "2024-05-01 06:00:00"
    assert local_iso(T0 + 123, "Asia/Kolkata") == "2024-05-01T15:30:00.123"


def test_numbers_print_plainly() -> None:
    assert format_number(1.35844e12) == "1358440000000"
    assert format_number(1_700_000_000_123) == "1700000000123"
    assert format_number(0.1) == "0.1"
    assert format_number(1e-7) == "0.0000001"
    assert format_cell(None, "number", "UTC") == ""
    assert format_cell(False, "bool", "UTC") == "false"
    assert format_cell("<b>", "string", "UTC") == "<b>"


def test_unknown_zone_is_a_render_error() -> None:
    with pytest.raises(RenderError, match="unknown time zone 'Mars/Base'"):
        format_time(T0, "Mars/Base")
