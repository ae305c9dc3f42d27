"""Dashboard (New) template variables -> `variables:` with defaults and allowed values.

A CSV source lists the values; "All" (`includeAllOption`) is Sumo Logic's `*`. Values that come
from a log query or from metadata are only known to Sumo Logic: such a variable accepts any
value here (set it with `--var`), and a note says where its values came from.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from reportgen.dashboard.variables import NAME
from reportgen.importers.sumo.read import Node
from reportgen.importers.sumo.settings import Settings

_IDENTITY = ("id", "name", "variableSourceType")


@dataclass
class Variables:
    """`specs` by name, in export order; `notes` on what was not carried over."""

    specs: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def defaults(self) -> dict[str, str]:
        return {name: str(spec["default"]) for name, spec in self.specs.items()}


def convert_variables(items: list[Node]) -> Variables:
    """The variables of a dashboard from its `variables` list."""
    result = Variables()
    for node in items:
        node.require_object("a variable")
        name = node.get("name", str, required=True) or ""
        settings = Settings(node.value)
        settings.drop(*_IDENTITY)
        if not NAME.match(name):
            result.notes.append(
                f"variable '{name}' not carried over: reportgen names use letters, digits and _"
            )
            continue
        spec, notes = _variable(node, settings)
        result.specs[name] = spec
        result.notes.extend(f"variable '{name}': {note}" for note in notes)
    return result


def _variable(node: Node, settings: Settings) -> tuple[dict[str, Any], list[str]]:
    notes: list[str] = []
    default = settings.take("defaultValue")
    all_option = bool(settings.take("includeAllOption"))
    default_text = "*" if default is None or str(default) == "" else str(default)
    values: list[str] = []
    source = node.child("sourceDefinition")
    settings.take("sourceDefinition")
    kind = source.get("variableSourceType", str) if source.is_object() else None
    if kind == "CsvVariableSourceDefinition":
        values = _csv_values(source.text("values"))
    elif kind is not None:
        detail = source.text("query") or source.text("filter") or source.text("key")
        shown = f" ({detail.strip()})" if detail.strip() else ""
        notes.append(f"its values come from a {kind}{shown}: any value is accepted here")
    if values and all_option and "*" not in values:
        values.insert(0, "*")
    if values and default_text not in values:
        values.insert(0, default_text)
        notes.append(f"default '{default_text}' added to its values")
    if settings.take("allowMultiSelect"):
        notes.append("multiple selection not carried over: one value at a time (--var)")
    if settings.take("hideFromUI"):
        notes.append("hidden in Sumo Logic; reportgen lists it with the report's variables")
    value_type = settings.take("valueType")
    if value_type not in (None, "Any"):
        notes.append(f"value type '{value_type}' not carried over: values are substituted as given")
    spec: dict[str, Any] = {"default": default_text}
    if values:
        spec["values"] = values
    display = settings.take("displayName")
    if isinstance(display, str) and display.strip():
        spec["description"] = display.strip()
    notes.extend(settings.notes())
    return spec, notes


def _csv_values(text: str) -> list[str]:
    """`a, b,"c,d"` -> ["a", "b", "c,d"], without blanks or repeats."""
    values: list[str] = []
    for row in csv.reader(io.StringIO(text), skipinitialspace=True):
        for cell in row:
            cell = cell.strip()
            if cell and cell not in values:
                values.append(cell)
    return values
