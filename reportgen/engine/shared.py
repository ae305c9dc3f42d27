"""Panels that search the same messages: one pass over the log table for all of them.

A dashboard's panels often share a search: `_sourceCategory=twistlock_logs (violation)` is
counted by one panel, charted per day by another and broken down by type by a third. Each search
is a pass over every message of its window with a keyword test (`ILIKE` and a regex on `_raw`),
the most costly part of a warm build. So before the panels run, `shared_sources` finds the
search predicates that two or more of them test and evaluates each once, over the union of their
windows, into a temporary table of the messages it selects (`Engine.share`). Those panels then
read that table instead of the log table (`run_query(source=...)`), applying their own search
and window again to far fewer rows, so every result is exactly the one the log table gives.

Not shared: a query with `compare` (it also reads other windows), a search without a predicate
(every message of the window: nothing to save), and a search that selects more than MAX_ROWS
messages (holding them would cost more than scanning twice; the engine stops looking there).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.engine.base import LOG_TABLE, Engine
from reportgen.engine.run import compile_inputs
from reportgen.errors import ReportgenError
from reportgen.query import Query, compile_query
from reportgen.query.generator import search_predicate
from reportgen.query.operators.compare import TimeCompare
from reportgen.query.syntax.nodes import SCOPE_TYPES, walk
from reportgen.timerange import Window

MAX_ROWS = 1_000_000
"""The most messages a shared search may hold (a few hundred MB of typical lines)."""
PREFIX = "__rg_shared_"


def shared_sources(
    engine: Engine, queries: Sequence[tuple[Query, Window] | None]
) -> list[str | None]:
    """For each of `queries` (None: a panel without one), the table its search reads instead
    of the log table, or None for the log table itself."""
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(queries):
        if item is not None and (predicate := _predicate(engine, *item)) is not None:
            groups.setdefault(predicate, []).append(index)
    sources: list[str | None] = [None] * len(queries)
    shared = [(predicate, members) for predicate, members in groups.items() if len(members) > 1]
    for number, (predicate, members) in enumerate(shared):
        windows = [item[1] for index in members if (item := queries[index]) is not None]
        start = min(window.start for window in windows)
        end = max(window.end for window in windows)
        name = f"{PREFIX}{number}"
        if engine.share(name, predicate, start, end, MAX_ROWS):
            for index in members:
                sources[index] = name
    return sources


def _predicate(engine: Engine, query: Query, window: Window) -> str | None:
    """The predicate of the query's search on the log table (None: not to be shared)."""
    if any(isinstance(node, TimeCompare) for node in walk(query.stages)):
        return None
    try:
        inputs = compile_inputs(engine, query)
        compiled = compile_query(query, window, LOG_TABLE, dialect=engine.dialect, **inputs)
    except ReportgenError:
        return None  # the panel says what is wrong when it runs
    step = next((s for s in compiled.plan.steps if isinstance(s.node, SCOPE_TYPES)), None)
    if step is None:
        return None
    predicate = search_predicate(compiled.plan, step, engine.dialect)
    return None if predicate == "TRUE" else predicate
