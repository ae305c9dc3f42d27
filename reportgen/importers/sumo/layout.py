"""The Sumo Logic grid -> reading order and widths out of 12 columns.

Both dashboard formats use a grid 24 columns wide (Dashboard (New): `layout.layoutStructures`,
x from 0; legacy: `x`, `y`, `width` on each panel, x from 1). reportgen flows panels in reading
order over 12 columns, so panels are sorted by row then column and each width is taken between
rounded edges: a row that fills Sumo Logic's grid fills ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.importers.sumo.read import Node

SUMO_COLUMNS = 24
OUR_COLUMNS = 12


@dataclass(frozen=True)
class Slot:
    """A panel's place on the Sumo Logic grid (x counted from 0)."""

    x: int
    y: int
    width: int
    height: int


def v2_slots(layout: Node) -> dict[str, Slot]:
    """The slot of every panel key in a Dashboard (New) `layout`."""
    if layout.value is None:
        return {}
    layout.require_object("a layout")
    slots: dict[str, Slot] = {}
    for entry in layout.items("layoutStructures"):
        entry.require_object("a layout structure")
        key = entry.get("key", str, required=True) or ""
        structure = entry.embedded("structure")
        slots[key] = _slot(structure, origin=0)
    return slots


def legacy_slot(panel: Node) -> Slot | None:
    """The slot of a legacy panel (x and y count from 1), or None without a position."""
    if panel.child("x").value is None or panel.child("width").value is None:
        return None
    return _slot(panel, origin=1)


def _slot(node: Node, origin: int) -> Slot:
    def number(key: str, default: int) -> int:
        value = node.get(key, float)
        return default if value is None else int(value)

    x = max(0, number("x", origin) - origin)
    y = max(0, number("y", origin) - origin)
    return Slot(x, y, max(1, number("width", SUMO_COLUMNS)), max(1, number("height", 1)))


def widths(slots: list[Slot]) -> list[int]:
    """Each slot's width out of 12 columns, scaled from a grid of 24 (or wider, when a panel
    reaches past column 24)."""
    columns = max([SUMO_COLUMNS, *(slot.x + slot.width for slot in slots)])

    def edge(position: int) -> int:
        return (2 * position * OUR_COLUMNS + columns) // (2 * columns)

    return [min(OUR_COLUMNS, max(1, edge(slot.x + slot.width) - edge(slot.x))) for slot in slots]


def reading_order(slots: list[Slot | None]) -> list[int]:
    """Indexes of `slots` by row, then column; panels without a slot keep their order, last."""
    placed = [index for index, slot in enumerate(slots) if slot is not None]
    placed.sort(key=lambda index: (_key(slots[index]), index))
    return placed + [index for index, slot in enumerate(slots) if slot is None]


def _key(slot: Slot | None) -> tuple[int, int]:
    return (slot.y, slot.x) if slot is not None else (0, 0)
