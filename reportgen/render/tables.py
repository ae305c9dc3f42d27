"""Table extras: per-column number formats, cell thresholds (spec §10: comparators =, contains,
>, >=, <, <=; the first matching rule of a column wins) and the CSV of any result."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from urllib.parse import quote

from reportgen.engine.result import Result
from reportgen.errors import suggestion
from reportgen.output import spreadsheet_safe
from reportgen.render.context import PanelView, Threshold
from reportgen.render.formatting import format_cell, format_number, format_si, slug
from reportgen.render.theme import Theme


def format_value(value: object, column_type: str, tz: str, number_format: str = "plain") -> str:
    """A cell's text: `si` (1.23k), `thousands` (1,234,567), `percent` (a 0-1 ratio as 45.2%),
    or `plain` (format_cell)."""
    if not isinstance(value, int | float) or isinstance(value, bool) or column_type == "time":
        return format_cell(value, column_type, tz)
    if isinstance(value, float) and not math.isfinite(value):
        return format_cell(value, column_type, tz)
    if number_format == "si":
        return format_si(value)
    if number_format == "thousands":
        if isinstance(value, int) or value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.2f}"
    if number_format == "percent":
        return format_number(round(value * 100, 1)) + "%"
    return format_cell(value, column_type, tz)


def matches(rule: Threshold, value: object) -> bool:
    """Whether `value` satisfies `rule` (numbers compare as numbers, the rest as text)."""
    if value is None:
        return False
    if rule.op == "contains":
        return str(rule.value).lower() in _text(value).lower()
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    limit = rule.value if isinstance(rule.value, int | float) else _float(rule.value)
    if rule.op == "=":
        if number is not None and limit is not None:
            return float(number) == float(limit)
        return _text(value) == _text(rule.value)
    if number is None or limit is None:
        return False
    if rule.op == ">":
        return number > limit
    if rule.op == ">=":
        return number >= limit
    if rule.op == "<":
        return number < limit
    return number <= limit


def cell_rule(rules: Sequence[Threshold], column: str, value: object) -> Threshold | None:
    """The first rule of `column` that `value` satisfies."""
    for rule in rules:
        if rule.column.lower() == column.lower() and matches(rule, value):
            return rule
    return None


def rule_style(rule: Threshold, theme: Theme) -> tuple[str, str]:
    """The inline style and the CSS class of a cell coloured by `rule`."""
    name = slug(rule.color)
    band = theme.bands.get(name)
    if band is None:
        return "", f"threshold threshold-{name}"
    return f"background-color: {band.background}; color: {band.text};", f"threshold-{name}"


def csv_text(result: Result, tz: str) -> str:
    """The result as CSV: a header row, times in the report zone, numbers plain, CRLF lines;
    text that a spreadsheet would run as a formula is neutralised (`spreadsheet_safe`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(name) for name in result.names])
    for row in result.rows:
        writer.writerow(
            spreadsheet_safe(text) if isinstance(value, str) else text
            for value, column in zip(row, result.columns, strict=True)
            for text in [format_cell(value, column.type, tz)]
        )
    return buffer.getvalue()


def csv_data_url(result: Result, tz: str) -> str:
    """The CSV as a `data:` URL for a download link (no script needed; the CSP does not
    restrict links)."""
    return "data:text/csv;charset=utf-8," + quote(csv_text(result, tz), safe="")


def unknown_columns(panel: PanelView, result: Result) -> list[str]:
    """A warning for each threshold or number format naming a column the result lacks (the
    query decides the columns, so this can only be checked once it ran)."""
    names = result.names
    lower = {name.lower() for name in names}
    wanted = [("thresholds", rule.column) for rule in panel.thresholds]
    wanted += [("number_format", column) for column in panel.number_format]
    warnings = []
    for key, column in wanted:
        if column.lower() in lower:
            continue
        hint = suggestion(column, names) or "columns: " + ", ".join(names)
        warning = f"{key}: '{column}' is not a column of the result; {hint}"
        if warning not in warnings:
            warnings.append(warning)
    return warnings


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


def _float(text: object) -> float | None:
    try:
        return float(str(text))
    except ValueError:
        return None
