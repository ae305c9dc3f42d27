"""CI gates (design D8): `--fail-on red` and `--fail-on error`, and why a run crossed them.

- `red`: a single value lands in a band marked `fail: true` (the band's colour does not matter:
  a red band without `fail` only colours the value).
- `error`: a panel failed. Without this gate a failed panel exits 1, as `build` always did; with
  it the run exits 3 like any other crossed threshold, so a CI job can tell "the report says
  stop" (3) from "the report could not be made" (2) with one code.

A run that crosses any gate exits 3; otherwise one with a failed panel exits 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportgen.dashboard.loader import Dashboard
from reportgen.errors import UsageError, suggestion
from reportgen.render import pick_band
from reportgen.render.context import Band, ReportView
from reportgen.summary import panel_value

FAIL_ON = ("red", "error")


@dataclass(frozen=True)
class Gate:
    """One crossed gate: which (`red`/`error`), where, and a sentence saying why."""

    kind: str
    dashboard: str
    panel: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "gate": self.kind,
            "dashboard": self.dashboard,
            "panel": self.panel,
            "message": self.message,
        }


def parse_fail_on(values: Iterable[str]) -> tuple[str, ...]:
    """`--fail-on` values (repeatable, each comma-separated) -> the gates, validated."""
    gates: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().lower()
            if name and name not in gates:
                gates.append(name)
    check_fail_on(gates)
    return tuple(gates)


def check_fail_on(gates: Sequence[str]) -> None:
    for name in gates:
        if name not in FAIL_ON:
            raise UsageError(
                f"unknown gate '{name}' (--fail-on)",
                hint=suggestion(name, FAIL_ON) or "expected: " + ", ".join(FAIL_ON),
            )


def crossed_gates(dashboard: Dashboard, report: ReportView, fail_on: Sequence[str]) -> list[Gate]:
    """The gates of `fail_on` that this evaluated dashboard crosses, in panel order."""
    gates: list[Gate] = []
    specs = {panel.id: panel for _, _, panel in dashboard.spec.every_panel()}
    for view in report.panels:
        if view.error:
            if "error" in fail_on:
                message = f"panel '{view.id}' failed: {view.error.splitlines()[0]}"
                gates.append(Gate("error", dashboard.stem, view.id, message))
            continue
        spec = specs.get(view.id)
        if "red" not in fail_on or spec is None or view.type != "single_value":
            continue
        bands = [Band(b.color, b.low, b.high, b.label) for b in spec.bands]
        value = panel_value(view)
        band = pick_band(value, bands)
        if band is None or not spec.bands[bands.index(band)].fail:
            continue
        name = band.label or band.color
        message = f"panel '{view.id}' is {value} ({name}), in a band marked fail"
        gates.append(Gate("red", dashboard.stem, view.id, message))
    return gates
