"""One Sumo Logic dashboard (Dashboard (New) or legacy) -> the content of one reportgen
dashboard: title, description, time range, theme, variables and panels in reading order."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reportgen.importers.sumo.layout import Slot, legacy_slot, reading_order, v2_slots, widths
from reportgen.importers.sumo.panels import Context, OutPanel, legacy_panels, v2_panels
from reportgen.importers.sumo.read import Node
from reportgen.importers.sumo.settings import Settings
from reportgen.importers.sumo.timerange import TimeRangeValue, convert_range
from reportgen.importers.sumo.variables import Variables, convert_variables

V2, LEGACY = "DashboardV2SyncDefinition", "DashboardSyncDefinition"
_IDENTITY = ("type", "id", "folderId", "contentId", "parentId", "name", "title")
_THEMES = {"dark": "dark", "dark-theme": "dark", "light": None, "light-theme": None}


@dataclass
class Imported:
    """A converted dashboard: `top` holds the dashboard keys (title, description, time_range,
    theme, variables) in file order; `panels` are in reading order with ids and widths."""

    kind: str
    where: str
    title: str
    top: dict[str, Any]
    panels: list[OutPanel]
    notes: list[str] = field(default_factory=list)


def convert_dashboard(node: Node) -> Imported:
    """The reportgen content of the dashboard at `node` (its `type` is V2 or LEGACY)."""
    kind = node.get("type", str, required=True) or ""
    keys = Settings(node.value)
    keys.drop(*_IDENTITY)
    title = (node.text("title") or node.text("name")).strip()
    if not title:
        raise node.fail("the dashboard has no title or name")
    top: dict[str, Any] = {"title": title}
    description = str(keys.take("description") or "").strip()
    if description:
        top["description"] = description
    notes: list[str] = []
    convert = _v2 if kind == V2 else _legacy
    panels = convert(node, keys, top, notes)
    notes.extend(keys.notes())
    _assign_ids(panels)
    return Imported(kind, node.path, title, top, panels, notes)


def _v2(node: Node, keys: Settings, top: dict[str, Any], notes: list[str]) -> list[OutPanel]:
    converted = convert_range(node.child("timeRange"))
    keys.take("timeRange")
    notes.extend(converted.notes)
    if converted.value is not None:
        top["time_range"] = converted.value
    _theme(keys.take("theme"), top, notes)
    if keys.peek("refreshInterval") == 0:
        keys.drop("refreshInterval")
    variables = convert_variables(node.items("variables"))
    keys.take("variables")
    _variables(variables, top, notes)
    slots = v2_slots(node.child("layout"))
    keys.take("layout")
    context = Context(variables.defaults(), converted.value)
    items = node.items("panels", required=True)
    keys.take("panels")
    placed = [slots.get(item.get("key", str) or "") if item.is_object() else None for item in items]
    converted_panels = [v2_panels(item, context) for item in items]
    return _in_order(converted_panels, placed, notes)


def _legacy(node: Node, keys: Settings, top: dict[str, Any], notes: list[str]) -> list[OutPanel]:
    props = Settings(node.embedded("properties").value)
    keys.take("properties")
    _theme(props.take("theme"), top, notes)
    props.drop("layoutType")
    notes.extend(f"properties.{path} not carried over" for path in props.leftovers())
    items = node.items("panels", required=True)
    keys.take("panels")
    ranges = [convert_range(item.child("timeRange")).value for item in items if item.is_object()]
    common = _most_common(ranges)
    if common is not None:
        top["time_range"] = common
    context = Context({}, common)
    placed = [legacy_slot(item) if item.is_object() else None for item in items]
    return _in_order([legacy_panels(item, context) for item in items], placed, notes)


def _in_order(
    converted: list[list[OutPanel]], slots: list[Slot | None], notes: list[str]
) -> list[OutPanel]:
    known = [slot for slot in slots if slot is not None]
    by_slot = dict(zip((id(slot) for slot in known), widths(known), strict=True))
    if converted and not known:
        notes.append("no layout in the export: panels keep their order at full width")
    ordered: list[OutPanel] = []
    for index in reading_order(slots):
        slot = slots[index]
        for panel in converted[index]:
            panel.fields["width"] = by_slot[id(slot)] if slot is not None else 12
            if slot is None and known:
                panel.notes.append("no place in the layout: put last, at full width")
            ordered.append(panel)
    return ordered


def _theme(value: Any, top: dict[str, Any], notes: list[str]) -> None:
    if value is None:
        return
    theme = _THEMES.get(str(value).lower(), "?")
    if theme == "?":
        notes.append(f"theme '{value}' not carried over")
    elif theme is not None:
        top["theme"] = theme


def _variables(variables: Variables, top: dict[str, Any], notes: list[str]) -> None:
    if variables.specs:
        top["variables"] = variables.specs
    notes.extend(variables.notes)


def _most_common(ranges: list[TimeRangeValue | None]) -> TimeRangeValue | None:
    counted = Counter(repr(value) for value in ranges if value is not None)
    if not counted:
        return None
    best = max(counted.values())
    return next(v for v in ranges if v is not None and counted[repr(v)] == best)


def slug(text: str, fallback: str) -> str:
    """`Top 10 Clients (24h)` -> `top-10-clients-24h`: ASCII letters, digits and single dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:60].rstrip("-") or fallback


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`... whichever is not in `taken` (which it joins)."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}-{number}"
    taken.add(candidate)
    return candidate


def _assign_ids(panels: list[OutPanel]) -> None:
    taken: set[str] = set()
    for number, panel in enumerate(panels, start=1):
        ident = unique(slug(str(panel.fields["title"]), f"panel-{number}"), taken)
        panel.fields = {"id": ident, **panel.fields}
