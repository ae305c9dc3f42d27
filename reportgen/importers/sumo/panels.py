"""Sumo Logic panels -> reportgen panels: the query byte for byte, the look, the time range, and
a note for everything not carried over. A query our language rejects (or a metrics query) does
not stop the dashboard: its panel becomes a text panel that shows the query and why."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportgen.errors import ReportgenError
from reportgen.importers.sumo.read import Node
from reportgen.importers.sumo.settings import Settings
from reportgen.importers.sumo.timerange import TimeRangeValue, convert_range
from reportgen.importers.sumo.visual import Look, cannot_draw, legacy_look, v2_look

_QUERY_DEFAULTS = {"parseMode": "Manual", "timeSource": "Message", "queryType": "Logs"}
_QUERY_INERT = ("queryKey", "metricsQueryMode", "metricsQueryData", "tracesQueryData")
_APP_PARAMETER = re.compile(r"\$\$[A-Za-z_]\w*")
_PANEL_IDENTITY = ("id", "key", "keepVisualSettingsConsistentWithParent", "panelType")


@dataclass
class OutPanel:
    """One reportgen panel in the making: its keys, the notes on what was not carried over, and
    why its query was kept as text (None when it runs)."""

    fields: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    rejected: str | None = None


@dataclass(frozen=True)
class Context:
    """What a panel needs from its dashboard: variable defaults and the dashboard's range."""

    defaults: Mapping[str, str]
    time_range: TimeRangeValue | None


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    key: str
    notes: tuple[str, ...] = ()


def v2_panels(node: Node, context: Context) -> list[OutPanel]:
    """The reportgen panels of one Dashboard (New) panel (one per query)."""
    node.require_object("a panel")
    kind = node.get("panelType", str, required=True) or ""
    keys = Settings(node.value)
    keys.drop(*_PANEL_IDENTITY)
    title = str(keys.take("title") or "").strip()
    vs = node.embedded("visualSettings")
    visual = Settings(vs.value)
    keys.take("visualSettings")
    if kind == "TextPanel":
        visual.drop("general", "text.format")
        look = Look("text", text=str(keys.take("text") or ""))
    elif kind == "SumoSearchPanel":
        look = v2_look(vs, visual)
    elif node.child("queries").value:
        look = cannot_draw(kind)
    else:
        shown = f"a Sumo Logic {kind} panel, which reportgen cannot show"
        look = Look("text", text=f"*{shown[0].upper()}{shown[1:]}.*", notes=[shown])
    queries = [_v2_query(item) for item in node.items("queries")]
    keys.take("queries")
    return _assemble(node, context, title, look, queries, keys, visual)


def legacy_panels(node: Node, context: Context) -> list[OutPanel]:
    """The reportgen panel of one legacy dashboard panel."""
    node.require_object("a panel")
    viewer = node.get("viewerType", str, required=True) or ""
    keys = Settings(node.value)
    keys.drop("id", "viewerType", "x", "y", "width", "height")
    if not keys.peek("desiredQuantizationInSecs"):
        keys.drop("desiredQuantizationInSecs")
    title = str(keys.take("name") or "").strip()
    props = node.embedded("properties")
    visual = Settings(props.value)
    keys.take("properties")
    look = legacy_look(viewer, visual, node)
    queries: list[Query] = []
    text = node.get("queryString", str)
    if text is not None and (text.strip() or not node.child("metricsQueries").value):
        queries.append(Query(text, "Logs", "A"))
    for item in node.items("metricsQueries"):
        item.require_object("a metrics query")
        metric = item.get("query", str) or item.get("queryString", str) or ""
        queries.append(Query(metric, "Metrics", item.text("rowId", "A")))
    keys.take("queryString")
    keys.take("metricsQueries")
    if look.type == "text":
        queries = []
    return _assemble(node, context, title, look, queries, keys, visual)


def _v2_query(item: Node) -> Query:
    item.require_object("a query")
    text = item.get("queryString", str, required=True) or ""
    settings = Settings(item.value)
    settings.drop("queryString", *_QUERY_INERT)
    for key, default in _QUERY_DEFAULTS.items():
        if settings.peek(key) in (None, default):
            settings.drop(key)
    kind = item.text("queryType", "Logs")
    settings.drop("queryType")
    notes = tuple(settings.notes("query "))
    return Query(text, kind, item.text("queryKey", "A"), notes)


def _assemble(
    node: Node,
    context: Context,
    title: str,
    look: Look,
    queries: list[Query],
    keys: Settings,
    visual: Settings,
) -> list[OutPanel]:
    base: dict[str, Any] = {"title": title or _fallback_title(look), "type": look.type}
    description = keys.take("description")
    if isinstance(description, str) and description.strip():
        base["description"] = description.strip()
    converted = convert_range(node.child("timeRange"))
    keys.take("timeRange")
    if converted.value is not None and converted.value != context.time_range:
        base["time_range"] = converted.value
    notes = list(converted.notes) + look.notes
    notes.extend(keys.notes())
    style = visual.leftovers()
    if style:
        notes.append("visual settings not carried over: " + ", ".join(style))
    if look.type == "text" or not queries:
        text = look.text or ""
        if look.type != "text":
            text, notes = "", [*notes, "the panel has no query"]
        return [_text_panel(base, text or f"*{base['title']}*", notes)]
    out = []
    for query in queries:
        fields = dict(base)
        extra = list(query.notes)
        if len(queries) > 1:
            fields["title"] = f"{base['title']} (query {query.key})"
            extra.append(f"query {query.key} of {len(queries)}: one panel per query")
        out.append(_query_panel(fields, look, query, context, notes + extra))
    return out


def _query_panel(
    fields: dict[str, Any], look: Look, query: Query, context: Context, notes: list[str]
) -> OutPanel:
    problem = query_problem(query.text, context.defaults)
    options = look.options
    if query.kind != "Logs":
        fields["type"], options = "table", {}
        notes = [*notes, f"a {query.kind} query: reportgen runs log queries, shown as a table"]
    if problem is not None:
        text = f"*This panel's query does not run in reportgen:* {problem}.\n\n{fence(query.text)}"
        note = f"query kept as text: {problem}"
        panel = _text_panel({**fields, "type": "text"}, text, [*notes, note])
        panel.rejected = problem
        return panel
    fields["query"] = query.text
    fields.update(options)
    for table in lookup_tables(query.text, context.defaults):
        notes = [
            *notes,
            f"the query reads the lookup table {table}: map it to a local CSV file under "
            "'lookups:' in the snapshot's sources.yaml",
        ]
    for name in sorted(set(_APP_PARAMETER.findall(query.text))):
        notes = [
            *notes,
            f"{name} is an app parameter Sumo Logic fills in when the app is installed: "
            "reportgen searches it as a keyword; write your source expression in its place",
        ]
    return OutPanel(fields, notes)


def _text_panel(base: dict[str, Any], text: str, notes: list[str]) -> OutPanel:
    fields = {k: v for k, v in base.items() if k in ("title", "description", "type")}
    fields["type"] = "text"
    fields["text"] = text
    return OutPanel(fields, notes)


def query_problem(text: str, defaults: Mapping[str, str]) -> str | None:
    """Why our query language rejects `text` (with the variables' defaults), or None."""
    from reportgen.errors import QuerySyntaxError
    from reportgen.query import parse_query

    if not text.strip():
        return "the query is empty"
    try:
        parse_query(text, variables=defaults)
    except QuerySyntaxError as error:
        first = error.errors[0]
        more = len(error.errors) - 1
        return first.message + (f" (and {more} more)" if more else "")
    except ReportgenError as error:
        return error.message
    return None


def lookup_tables(text: str, defaults: Mapping[str, str]) -> list[str]:
    """The lookup tables a query that parses reads (`lookup ... from`, `lookupContains`), in
    order of first use."""
    from reportgen.query import parse_query
    from reportgen.query.syntax.nodes import TableRef, walk

    query = parse_query(text, variables=defaults)
    found = [node.path for node in walk(query.stages) if isinstance(node, TableRef)]
    return list(dict.fromkeys(found))


def fence(text: str) -> str:
    """`text` as a Markdown code block whose fence no backtick run inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}\n{text.rstrip(chr(10))}\n{marks}"


def _fallback_title(look: Look) -> str:
    if look.text:
        for line in look.text.splitlines():
            heading = line.strip().lstrip("#").strip()
            if heading:
                return heading[:80]
    return "Untitled"
