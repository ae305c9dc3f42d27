"""Colour ranges (Sumo Logic thresholds) -> single-value bands: hex colours to the four band
colours of reportgen, bounds kept, and a label that states the range so that colour is never
the only signal."""

from __future__ import annotations

import colorsys
import json
import re
from typing import Any

from reportgen.importers.sumo.read import Node

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_NAMED = {"green": "green", "orange": "orange", "yellow": "orange", "red": "red", "grey": "grey"}


def band_color(color: str) -> tuple[str, bool]:
    """The band colour closest to `color` (`#16943E` -> green) and whether it is a fair match
    (False for blues and purples, shown as grey)."""
    named = _NAMED.get(color.strip().lower().replace("gray", "grey"))
    if named:
        return named, True
    match = _HEX.fullmatch(color.strip())
    if match is None:
        return "grey", False
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(red, green, blue)
    degrees = hue * 360
    if saturation < 0.2 or value < 0.15:
        return "grey", True
    if degrees < 20 or degrees >= 330:
        return "red", True
    if degrees < 70:
        return "orange", True
    if degrees < 170:
        return "green", True
    return "grey", False


def convert_thresholds(items: list[Node]) -> tuple[list[dict[str, Any]], list[str]]:
    """Bands for Sumo Logic's `[{from, to, color}]` thresholds, and notes on what changed.
    Thresholds without bounds are Sumo Logic's unset placeholders and set nothing."""
    bands: list[dict[str, Any]] = []
    notes: list[str] = []
    for item in items:
        item.require_object("a colour threshold")
        low = item.get("from", float)
        high = item.get("to", float)
        if low is None and high is None:
            if not {"from", "to"} & set(item.keys()):
                shown = json.dumps(item.value, sort_keys=True)
                notes.append(f"colour range {shown} not carried over: it has no from or to")
            continue
        color = item.text("color", "grey")
        band_colour, fair = band_color(color)
        band: dict[str, Any] = {}
        if low is not None:
            band["from"] = _number(low)
        if high is not None:
            band["to"] = _number(high)
        band["color"] = band_colour
        band["label"] = _label(low, high)
        bands.append(band)
        if not fair:
            notes.append(f"colour {color} of the range {band['label']} is shown as grey")
    return bands, notes


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _label(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return str(_number(low)) if low == high else f"{_number(low)} to {_number(high)}"
    if low is not None:
        return f"{_number(low)} or more"
    return f"up to {_number(high or 0)}"
