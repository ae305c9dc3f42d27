"""Checks of the alerting keys (`alert`, band and rule `alert: true`, `labels`, `annotations`) and
of `series_colors`: names Alertmanager accepts, bands that exist, colours a theme defines."""

from __future__ import annotations

import re
from collections.abc import Callable

from reportgen.dashboard.model import NAMED_COLORS, DashboardSpec, Labels, PanelSpec
from reportgen.dashboard.yamlpos import KeyPath, dotted
from reportgen.errors import suggestion

# (message, key path, hint, point at the key rather than its value)
Add = Callable[[str, KeyPath, str | None, bool], None]
Warn = Callable[[str, KeyPath], None]
# Alertmanager's label (and annotation) names; see its API's LabelName.IsValid.
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
# Set by reportgen on every alert: they make its identity, so a dashboard cannot change them.
RESERVED_LABELS = ("dashboard", "panel", "team")
HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def check_alerting(spec: DashboardSpec, add: Add, warn: Warn) -> None:
    """Every alerting key of `spec`, and every panel's `series_colors`."""
    _check_labels(spec.labels, ("labels",), add, reserved=True)
    _check_labels(spec.annotations, ("annotations",), add, reserved=False)
    for base, _, panel in spec.every_panel():
        _check_labels(panel.labels, (*base, "labels"), add, reserved=True)
        _check_labels(panel.annotations, (*base, "annotations"), add, reserved=False)
        if panel.type in ("single_value", "table"):
            _check_alert(panel, base, add, warn)
        for name, color in panel.series_colors.items():
            if color in NAMED_COLORS or HEX_COLOR.match(color):
                continue
            hint = suggestion(color, NAMED_COLORS) or (
                "use a theme colour (" + ", ".join(NAMED_COLORS) + ") or #rrggbb"
            )
            add(
                f"{_where(base)}.series_colors.{name}: unknown colour '{color}'",
                (*base, "series_colors", name),
                hint,
                False,
            )


def alerting_rules(panel: PanelSpec) -> list[str]:
    """The colours and labels of the panel's bands (single value) or cell rules (table)."""
    rules = panel.bands if panel.type == "single_value" else panel.thresholds
    names: list[str] = []
    for rule in rules:
        for name in (rule.color, rule.label):
            if name and name not in names:
                names.append(name)
    return names


def _check_alert(panel: PanelSpec, base: KeyPath, add: Add, warn: Warn) -> None:
    marked = any(band.alert for band in panel.bands) or any(t.alert for t in panel.thresholds)
    if panel.alert is not None:
        names = alerting_rules(panel)
        what = "bands" if panel.type == "single_value" else "thresholds"
        if not names:
            add(
                f"{_where(base)}.alert: the panel has no {what} to alert on",
                (*base, "alert"),
                f"add '{what}' or remove 'alert'",
                False,
            )
        elif panel.alert.band not in names:
            add(
                f"{_where(base)}.alert.band: no band is called '{panel.alert.band}'",
                (*base, "alert", "band"),
                suggestion(panel.alert.band, names) or "the panel's: " + ", ".join(names),
                False,
            )
        return
    if not marked and (panel.labels or panel.annotations):
        key = "labels" if panel.labels else "annotations"
        warn(
            f"{_where(base)}.{key}: the panel never alerts (no 'alert', no band with alert: true)",
            (*base, key),
        )


def _check_labels(labels: Labels, path: KeyPath, add: Add, *, reserved: bool) -> None:
    for name, value in labels.items():
        where = f"{_where(path)}.{name}"
        if not LABEL_NAME.match(name):
            add(f"{where}: invalid name '{name}'", (*path, name), "use letters, digits and _", True)
        elif reserved and name in RESERVED_LABELS:
            add(
                f"{where}: '{name}' is set by reportgen (it identifies the alert)",
                (*path, name),
                "use another name",
                True,
            )
        if not value.strip():
            add(f"{where}: empty value", (*path, name), "give it a value or remove it", False)


def _where(path: KeyPath) -> str:
    return dotted(path)
