"""Value formatting shared by the HTML panels and the chart text alternatives.

Spec §10: single values use 3 significant digits and an SI prefix (1 234 -> 1.23k); spec §6.3:
time columns print as `yyyy-MM-dd HH:mm:ss` in the report zone, numbers print plainly (never
`1.35844e+12`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportgen.errors import RenderError
from reportgen.render.context import Band

_BIG = ("", "k", "M", "G", "T", "P", "E")
_SMALL = ("", "m", "µ", "n", "p")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def format_si(value: float | int | None) -> str:
    """3 significant digits with an SI prefix: 1234 -> "1.23k", 12 -> "12", 0.5 -> "0.5".

    None gives "" (the caller picks the no-data text); booleans give "true"/"false".
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    magnitude = abs(number)
    if magnitude >= 1:
        index = 0
        while magnitude >= 1000 and index < len(_BIG) - 1:
            magnitude /= 1000
            index += 1
        digits = _sig3(magnitude)
        if float(digits) >= 1000 and index < len(_BIG) - 1:  # 999.5 rounds up to 1.00k
            digits = _sig3(magnitude / 1000)
            index += 1
        return f"{sign}{digits}{_BIG[index]}"
    if magnitude >= 0.001:
        return f"{sign}{_sig3(magnitude)}"
    index = 0
    while magnitude < 1 and index < len(_SMALL) - 1:
        magnitude *= 1000
        index += 1
    return f"{sign}{_sig3(magnitude)}{_SMALL[index]}"


def _sig3(magnitude: float) -> str:
    """`magnitude` (> 0) with at most 3 significant digits, no exponent, no trailing zeros."""
    decimals = max(0, 2 - math.floor(math.log10(magnitude)))
    rounded = Decimal(repr(magnitude)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pick_band(value: object, bands: Sequence[Band]) -> Band | None:
    """The first band with `low <= value <= high` (bounds inclusive, None = open), else None."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if math.isnan(value):
        return None
    for band in bands:
        if band.low is not None and value < band.low:
            continue
        if band.high is not None and value > band.high:
            continue
        return band
    return None


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; RenderError when it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RenderError(f"unknown time zone '{name}'") from exc


def local_datetime(ms: int, tz: str) -> datetime:
    """Epoch milliseconds as an aware datetime in zone `tz` (exact integer arithmetic)."""
    return (_EPOCH + timedelta(milliseconds=ms)).astimezone(zone(tz))


def format_time(ms: int, tz: str) -> str:
    """`yyyy-MM-dd HH:mm:ss` in zone `tz`."""
    return local_datetime(ms, tz).strftime("%Y-%m-%d %H:%M:%S")


def local_iso(ms: int, tz: str) -> str:
    """The wall-clock time in zone `tz` as `yyyy-MM-ddTHH:mm:ss.SSS`, without an offset (charts
    parse it as UTC so they show the report zone's wall clock whatever the viewer's zone)."""
    moment = local_datetime(ms, tz)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def format_number(value: int | float) -> str:
    """A number written plainly: integers in full, floats in their shortest form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return format_si(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" in text:  # 1e-07 -> 0.0000001, 1.5e+20 -> 150000000000000000000
        text = f"{value:.20f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:.0f}"
    return text


def format_cell(value: object, column_type: str, tz: str) -> str:
    """A table cell's text: time columns in the report zone, numbers plain, None empty."""
    if value is None:
        return ""
    if column_type == "time" and isinstance(value, int | float) and not isinstance(value, bool):
        return format_time(int(value), tz)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def slug(text: str) -> str:
    """A stable id/class fragment: lower case letters, digits, `-` and `_` only."""
    cleaned = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return cleaned or "x"
