"""Panels that search the same messages: one pass over the log table for all of them.

A dashboard's panels often share a search: `_sourceCategory=twistlock_logs (violation)` is
counted by one panel, charted per day by another and broken down by type by a third. Each search
is a pass over every message of its window with a keyword test (`ILIKE` and a regex on `_raw`),
the most costly part of a warm build. So before the panels run, `shared_sources` finds the
search predicates that two or more of them test and evaluates each once, over the union of their
windows, into a temporary table of the messages it selects (`Engine.share`). Those panels then
read that table instead of the log table (`run_query(source=...)`), applying their own search
and window again to far fewer rows, so every result is exactly the one the log table gives.
A panel whose search ANDs more tests to a shared one (`(Process violation)` to `(violation)`,
the same source category) selects a subset of its messages: it reads the shared table too, when
its window lies inside the table's.

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
from reportgen.query.generator import search_conjuncts
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
    tests = [None if item is None else _conjuncts(engine, *item) for item in queries]
    groups: dict[frozenset[str], list[int]] = {}
    for index, conjuncts in enumerate(tests):
        if conjuncts:
            groups.setdefault(frozenset(conjuncts), []).append(index)
    sources: list[str | None] = [None] * len(queries)
    shared = [(key, members) for key, members in groups.items() if len(members) > 1]
    # The most selective first: a panel whose search narrows several shared ones reads the
    # narrowest.
    shared.sort(key=lambda group: -len(group[0]))
    for number, (key, members) in enumerate(shared):
        windows = [item[1] for index in members if (item := queries[index]) is not None]
        start = min(window.start for window in windows)
        end = max(window.end for window in windows)
        name = f"{PREFIX}{number}"
        conjuncts = tests[members[0]] or ()
        if not engine.share(name, "(" + " AND ".join(conjuncts) + ")", start, end, MAX_ROWS):
            continue
        for index, item in enumerate(queries):
            narrower = tests[index]
            if item is None or narrower is None or sources[index] is not None:
                continue
            if index in members or (
                key < set(narrower) and start <= item[1].start and item[1].end <= end
            ):
                sources[index] = name
    return sources


def _conjuncts(engine: Engine, query: Query, window: Window) -> tuple[str, ...] | None:
    """The predicates the query's search ANDs on the log table (None: not to be shared)."""
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
    return search_conjuncts(compiled.plan, step, engine.dialect)
