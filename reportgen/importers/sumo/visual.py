"""Visual settings -> panel type and options.

Dashboard (New) panels carry `visualSettings` (a JSON string: `general.type`, `axes`, `legend`,
`svp` for single values...); legacy panels carry `viewerType` and a `properties` JSON string with
one settings block per chart kind, of which only the viewer's own block is in effect. Every
setting in effect that has no reportgen equivalent stays in `Settings.leftovers()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportgen.importers.sumo.bands import convert_thresholds
from reportgen.importers.sumo.read import Node
from reportgen.importers.sumo.settings import Settings

CHARTS = ("area", "line", "column", "bar")
STACKABLE = ("area", "column", "bar")
V2_TYPES = {"svp": "single_value", "pie": "pie", "table": "table", **{c: c for c in CHARTS}}
LEGACY_TYPES = {"svv": "single_value", "pie": "pie", "table": "table", "text": "text"}
LEGACY_TYPES.update({c: c for c in CHARTS})
MAX_UNIT, MAX_NO_DATA = 6, 12


@dataclass
class Look:
    """How a panel is shown: our panel type, its options in file order, and notes."""

    type: str
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    text: str | None = None


def cannot_draw(kind: str) -> Look:
    """The table fallback for a chart reportgen cannot draw."""
    return Look("table", notes=[f"a '{kind}' chart cannot be drawn: shown as a table of its query"])


def v2_look(vs: Node, settings: Settings) -> Look:
    """The look of a Dashboard (New) search panel from its parsed `visualSettings`."""
    kind = settings.take("general.type")
    mode = settings.take("general.mode")
    look = Look("table")
    if kind is None and mode == "timeSeries":
        kind = "line"
        look.notes.append("no chart type in the export: a line chart, Sumo Logic's default")
    elif kind is None and mode == "singleValueMetrics":
        kind = "svp"
    elif kind is None:
        look.notes.append("no chart type in the export: shown as a table")
        return look
    ours = V2_TYPES.get(str(kind))
    if ours is None:
        return cannot_draw(str(kind))
    look.type = ours
    if ours in CHARTS:
        _stacking(settings.take("general.displayType"), ("default",), look)
        _titles(settings.take("axes.axisX.title"), settings.take("axes.axisY.title"), look)
    if ours in (*CHARTS, "pie") and settings.take("legend.enabled") is False:
        look.options["legend"] = False
    if ours == "single_value":
        _svp(vs.child("svp"), settings, look)
    return look


def _svp(svp: Node, settings: Settings, look: Look) -> None:
    _unit(settings.take("svp.label"), "label", look)
    _no_data(settings.take("svp.noDataString"), look)
    if settings.take("svp.sparkline.show") is False:
        look.options["sparkline"] = False
    option = settings.take("svp.option")
    if option not in (None, "Latest"):
        look.notes.append(
            f"value option '{option}' not carried over: reportgen shows the latest slice "
            "(or the first row)"
        )
    if svp.is_object():
        _bands(svp.items("thresholds"), settings, "svp.thresholds", look)


def legacy_look(viewer: str, props: Settings, panel: Node) -> Look:
    """The look of a legacy panel from its `viewerType` and parsed `properties`."""
    settings = props.peek("settings")
    for other in settings if isinstance(settings, dict) else {}:
        if other not in (viewer, "common"):
            props.drop(f"settings.{other}")  # the blocks of the other chart kinds are inert
    props.drop("version", "settings.common.version", f"settings.{viewer}.version")
    props.drop(f"settings.{viewer}.chartType")
    cfg = f"settings.{viewer}.configuration"
    ours = LEGACY_TYPES.get(viewer)
    if ours is None:
        return cannot_draw(viewer)
    look = Look(ours)
    if ours in CHARTS:
        _stacking(props.take(f"{cfg}.plotOptions.stacking"), (), look)
        _titles(props.take(f"{cfg}.xAxis.title"), props.take(f"{cfg}.yAxis[0].title"), look)
    if ours in (*CHARTS, "pie") and props.take(f"{cfg}.legend.enabled") is False:
        look.options["legend"] = False
    if ours == "single_value":
        _svv(props, cfg, panel, look)
    if ours == "text":
        look.text = str(props.take(f"{cfg}.text") or "")
    return look


def _svv(props: Settings, cfg: str, panel: Node, look: Look) -> None:
    number = f"{cfg}.valueType.number"
    props.drop(f"{number}.showNumber", f"{cfg}.noDataBehavior.color")
    unit = props.take(f"{number}.unit")
    if not unit and props.take(f"{cfg}.labels.postfix.enabled"):
        unit = props.take(f"{cfg}.labels.postfix.text")
    _unit(unit, "unit", look)
    if props.take(f"{cfg}.noDataBehavior.enabled"):
        _no_data(props.take(f"{cfg}.noDataBehavior.value"), look)
    ranges = props.peek(f"{number}.colorsByValueRange")
    path = f"{number}.colorsByValueRange"
    if isinstance(ranges, list):
        node = Node(ranges, panel.source, f"{panel.path}.properties.{path}")
        _bands([node.child(i) for i in range(len(ranges))], props, path, look)
        background = props.take(f"{cfg}.backgroundColorEnabled")
        if look.options.get("bands") and not background:
            look.options["color_mode"] = "text"


def _bands(items: list[Node], settings: Settings, path: str, look: Look) -> None:
    settings.take(path)
    bands, notes = convert_thresholds(items)
    if bands:
        look.options["bands"] = bands
    look.notes.extend(notes)


def _stacking(mode: Any, plain: tuple[str, ...], look: Look) -> None:
    if mode in (None, *plain):
        return
    text = str(mode).lower()
    if "stack" not in text and text not in ("normal", "percent"):
        look.notes.append(f"display type '{mode}' not carried over")
        return
    if look.type not in STACKABLE:
        look.notes.append(f"stacking not carried over: {look.type} charts do not stack")
        return
    look.options["stacked"] = True
    if "percent" in text:
        look.notes.append("stacked to 100% in Sumo Logic: stacked by value here")


def _titles(x_title: Any, y_title: Any, look: Look) -> None:
    for key, value in (("x_title", x_title), ("y_title", y_title)):
        if isinstance(value, str) and value.strip():
            look.options[key] = value.strip()


def _unit(value: Any, name: str, look: Look) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    if len(value.strip()) <= MAX_UNIT:
        look.options["unit"] = value.strip()
    else:
        look.notes.append(f"{name} '{value}' not carried over: a unit has {MAX_UNIT} characters")


def _no_data(value: Any, look: Look) -> None:
    if value is None or str(value) == "":
        return
    if len(str(value)) <= MAX_NO_DATA:
        look.options["no_data"] = str(value)
    else:
        look.notes.append(f"no-data text '{value}' not carried over: it has {MAX_NO_DATA} at most")
