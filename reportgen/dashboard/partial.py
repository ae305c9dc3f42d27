"""Validate what is valid, set aside what is not: so every problem of a file is found at once.

Pydantic stops at the structure: one `width: 14` and the model is never built, so the checks
that need it (time ranges, queries, ids) would not run and their problems would surface one fix
later. `validate_partially` takes the structural problems from the first attempt, then mends a
copy of the data until the model builds: an invalid value is dropped (its default applies), a
missing required value gets a stand-in, a list item that cannot be mended is replaced by a
stand-in of its kind. Panels that needed a stand-in are listed, so the later checks look only at
their query (nothing else of theirs can be trusted) and never report the stand-in itself.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from reportgen.dashboard.model import DashboardSpec
from reportgen.dashboard.yamlpos import KeyPath, value_at

_ROUNDS = 12
_UNION_TAGS = frozenset({"str", "float", "int", "bool", "AbsoluteRange"})
_STAND_INS: dict[str, Any] = {
    "title": "-",
    "type": "table",
    "color": "grey",
    "op": "=",
    "value": "-",
    "column": "-",
    "default": "*",
}


@dataclass
class Partial:
    """The model built from the mended data (None when even mending failed), the first
    attempt's error, and the key paths of the panels that hold stand-ins."""

    spec: DashboardSpec | None
    error: ValidationError | None = None
    stand_ins: set[KeyPath] = field(default_factory=set)


def validate_partially(data: dict[str, Any]) -> Partial:
    """Build the model of `data`, mending a copy of it as long as pydantic refuses it."""
    try:
        return Partial(DashboardSpec.model_validate(data))
    except ValidationError as error:
        first = error
    mended = copy.deepcopy(data)
    partial = Partial(None, first)
    current = first
    for _ in range(_ROUNDS):
        for item in current.errors():
            path = tuple(
                p for p in item["loc"] if isinstance(p, str | int) and p not in _UNION_TAGS
            )
            _mend(mended, path, item["type"], partial)
        try:
            partial.spec = DashboardSpec.model_validate(mended)
            return partial
        except ValidationError as error:
            current = error
    return partial


def _mend(data: dict[str, Any], path: KeyPath, kind: str, partial: Partial) -> None:
    if not path:
        return
    if kind == "missing":
        container, key = path[:-1], path[-1]
        holder = value_at(data, container)
        if not isinstance(holder, dict) or not isinstance(key, str):
            return
        if key in ("from", "to"):  # an incomplete absolute range: fall back to the default
            _drop(data, container, partial)
        elif key == "id":
            holder[key] = f"invalid-{len(partial.stand_ins)}"
            partial.stand_ins.add(container)
        elif key == "panels":
            holder[key] = [_stand_in_panel({})]
            partial.stand_ins.add((*container, "panels", 0))
        elif key in _STAND_INS:
            holder[key] = _STAND_INS[key]
            if _is_panel(container):
                partial.stand_ins.add(container)
        else:
            _drop(data, container, partial)
        return
    _drop(data, path, partial)


def _drop(data: dict[str, Any], path: KeyPath, partial: Partial) -> None:
    """Remove the value at `path`: a key goes (its default applies); a list item becomes a
    stand-in of its list's kind, so the indices of its neighbours still name the file."""
    if not path:
        return
    holder = value_at(data, path[:-1])
    last = path[-1]
    if isinstance(last, str) and isinstance(holder, dict):
        holder.pop(last, None)
        if _is_panel(path[:-1]) and last in ("id", "title", "type"):
            partial.stand_ins.add(path[:-1])
        return
    if not (isinstance(last, int) and isinstance(holder, list) and 0 <= last < len(holder)):
        return
    kind = next((p for p in reversed(path[:-1]) if isinstance(p, str)), "")
    old = holder[last]
    if kind == "panels":
        holder[last] = _stand_in_panel(old)
        partial.stand_ins.add(path)
    elif kind == "sections":
        panels = old.get("panels") if isinstance(old, dict) else None
        holder[last] = {"title": "-", "panels": panels if isinstance(panels, list) else []}
    elif kind == "bands":
        holder[last] = {"color": "grey"}
    elif kind == "thresholds":
        holder[last] = {"column": "-", "op": "=", "value": "-", "color": "grey"}
    else:
        holder[last] = "-"


def _stand_in_panel(old: Any) -> dict[str, Any]:
    # The query is kept when it is text: its problems are worth reporting all the same.
    query = old.get("query") if isinstance(old, dict) else None
    panel: dict[str, Any] = {"id": "invalid", "title": "-", "type": "table"}
    if isinstance(query, str):
        panel["query"] = query
    return panel


def _is_panel(path: KeyPath) -> bool:
    return len(path) >= 2 and path[-2] == "panels" and isinstance(path[-1], int)
