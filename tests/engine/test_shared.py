"""Panels that share a search read it once (reportgen.engine.shared), with exactly the results
of reading the log table."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from reportgen.engine import Result, run_query
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.engine.run import compile_inputs
from reportgen.engine.shared import shared_sources
from reportgen.query import Query, compile_query, parse_query
from reportgen.query.generator import search_predicate
from reportgen.query.operators.compare import TimeCompare
from reportgen.query.syntax.nodes import SCOPE_TYPES, walk
from reportgen.timerange import Window
from tests.query.conformance import Case, all_cases, at
from tests.query.conftest import log_table, raws
from tests.query.test_conformance import engine_of

REPO = Path(__file__).resolve().parents[2]
CASES = [case for case in all_cases() if case.error is None]


def same(shared: Result, alone: Result) -> None:
    assert shared.columns == alone.columns
    assert shared.rows == alone.rows
    assert shared.kind == alone.kind
    assert shared.warnings == alone.warnings
    assert shared.rows_scanned == alone.rows_scanned


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.title}" for c in CASES])
def test_every_conformance_query_gives_the_same_result_from_a_shared_search(
    case: Case, tmp_path: Path
) -> None:
    engine = engine_of(case, tmp_path)
    window = Window(case.window[0], case.window[1], case.tz)
    query = parse_query(case.query)
    alone = run_query(engine, query, window)
    first, second = shared_sources(engine, [(query, window), (query, window)])
    assert first == second
    compare = any(isinstance(node, TimeCompare) for node in walk(query.stages))
    if first is None:
        # Only a compare (other windows) or a search of every message is not shared.
        assert compare or predicate(engine, query, window) == "TRUE", case.query
    else:
        shuffle(engine, first)
        same(run_query(engine, query, window, source=first), alone)
    if not compare:
        # Any table holding more than the search selects (here every message of the window)
        # gives the same result: what a narrower search reading a shared one relies on.
        assert engine.share("everything", "TRUE", window.start, window.end, 10**6)
        shuffle(engine, "everything")
        same(run_query(engine, query, window, source="everything"), alone)


def shuffle(engine: DuckDBEngine, table: str) -> None:
    """Put the rows of `table` in another order than the log table's: no query may lean on
    the order of the rows it reads."""
    engine.con.execute(
        f'CREATE OR REPLACE TEMP TABLE "{table}" AS '
        f'SELECT * FROM "{table}" ORDER BY hash(_raw) DESC, _messagecount DESC'
    )


def predicate(engine: DuckDBEngine, query: Query, window: Window) -> str:
    """The predicate of the query's search (TRUE: every message of the window)."""
    inputs = compile_inputs(engine, query)
    plan = compile_query(query, window, dialect=engine.dialect, **inputs).plan
    step = next(step for step in plan.steps if isinstance(step.node, SCOPE_TYPES))
    return search_predicate(plan, step, engine.dialect)


def test_most_conformance_queries_are_shared(tmp_path: Path) -> None:
    shared = 0
    for case in CASES:
        engine = engine_of(case, tmp_path)
        window = Window(case.window[0], case.window[1], case.tz)
        query = parse_query(case.query)
        shared += shared_sources(engine, [(query, window)] * 2)[0] is not None
    # Most cases search every message (`* | ...`): those with a search are shared.
    assert shared >= 60


def test_the_overview_shares_its_violation_search_across_five_panels(
    sample_snapshot: Path,
) -> None:
    from reportgen.dashboard.loader import load_dashboard

    dashboard = load_dashboard(REPO / "dashboards" / "twistlock-overview.yaml")
    panels = [panel for _, _, panel in dashboard.spec.every_panel()]
    end = at("2026-11-20 23:55")
    week = Window(end - timedelta(days=7), end)
    day = Window(end - timedelta(hours=24), end)
    queries = [
        (parse_query(panel.query), day if panel.time_range == "-24h" else week) for panel in panels
    ]
    engine = DuckDBEngine.open([sample_snapshot], None, None)
    try:
        sources = shared_sources(engine, list(queries))
        by_panel = dict(zip([panel.id for panel in panels], sources, strict=True))
        assert by_panel == {
            "violations-24h": "__rg_shared_0",
            "network-violations": None,
            "process-violations": None,
            "violations-by-day": "__rg_shared_0",
            "top-violation-types": "__rg_shared_0",
            "top-users": None,
            # Narrower searches: (Process violation), in the last 24 hours or on one host.
            "process-violations-per-host": "__rg_shared_0",
            "netcat-cto-stable": "__rg_shared_0",
        }
        # Held once, over the union of the windows of the three panels that search it (the
        # week).
        held = engine.fetch('SELECT count(*) FROM "__rg_shared_0"', {})[0][0]
        alone = run_query(engine, "_sourceCategory=twistlock_logs (violation) | count", week)
        assert held == alone.rows[0][0] > 0
        for (query, window), source in zip(queries, sources, strict=True):
            if source is not None:
                same(
                    run_query(engine, query, window, source=source),
                    run_query(engine, query, window),
                )
    finally:
        engine.close()


def test_a_search_selecting_more_than_the_limit_is_not_held(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reportgen.engine import shared

    engine = DuckDBEngine(log_table(raws("error one", "error two", "warning three")))
    window = Window(at("2026-11-20 00:00"), at("2026-11-21 00:00"))
    errors = (parse_query("error | count"), window)
    warnings = (parse_query("warning | count"), window)
    monkeypatch.setattr(shared, "MAX_ROWS", 1)
    sources = shared_sources(engine, [errors, errors, warnings, warnings])
    assert sources == [None, None, "__rg_shared_1", "__rg_shared_1"]
    assert engine.fetch('SELECT count(*) FROM "__rg_shared_1"', {}) == [(1,)]
    tables = engine.fetch("SELECT table_name FROM duckdb_tables() ORDER BY 1", {})
    assert tables == [("__rg_shared_1",), ("logs",)]
    # The setting the held search changed for its own statement is back.
    assert engine.fetch("SELECT current_setting('preserve_insertion_order')", {}) == [(True,)]


def test_only_searches_of_two_panels_or_more_are_held() -> None:
    engine = DuckDBEngine(log_table(raws("error one", "error two", "warning three")))
    window = Window(at("2026-11-20 00:00"), at("2026-11-21 00:00"))
    queries = [
        (parse_query("error | count"), window),
        (parse_query("* | count"), window),
        (parse_query("* | count"), window),
        (parse_query("error | count | compare with timeshift 1d"), window),
        (parse_query("error | count | compare with timeshift 1d"), window),
        None,
    ]
    assert shared_sources(engine, queries) == [None] * 6


def test_a_build_gives_the_same_report_with_and_without_shared_searches(
    sample_snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.build import evaluate
    from reportgen.dashboard.loader import load_dashboard
    from reportgen.engine import shared
    from reportgen.session import open_session

    dashboard = load_dashboard(REPO / "dashboards" / "twistlock-overview.yaml")
    session = open_session([sample_snapshot], cache=False)
    try:
        held = evaluate(session, dashboard)
        # Every table held for the panels is gone once its last panel has run.
        tables = session.engine.fetch("SELECT table_name FROM duckdb_tables()", {})
        assert not [name for (name,) in tables if name.startswith(shared.PREFIX)]
        monkeypatch.setattr(shared, "MAX_ROWS", -1)  # no search is held
        alone = evaluate(session, dashboard)
    finally:
        session.close()
    assert [panel.error for panel in held.panels] == [None] * 8
    for mine, theirs in zip(held.panels, alone.panels, strict=True):
        assert mine.result is not None and theirs.result is not None
        same(mine.result, theirs.result)


def test_a_narrower_search_reads_a_shared_one_when_its_window_lies_inside() -> None:
    engine = DuckDBEngine(
        log_table(raws("error disk one", "error net two", "warning disk three", "error disk"))
    )
    day = Window(at("2026-11-20 00:00"), at("2026-11-21 00:00"))
    hour = Window(at("2026-11-20 10:00"), at("2026-11-20 11:00"))
    later = Window(at("2026-11-20 12:00"), at("2026-11-22 00:00"))
    queries = [
        (parse_query("error | count"), day),
        (parse_query("error | count by _sourcehost"), day),
        (parse_query("error disk | count"), hour),  # narrower, inside: reads it
        (parse_query("(disk error) error | count"), day),  # the same tests, nested, repeated
        (parse_query("error disk one | count"), later),  # narrower, but beyond the day
        (parse_query("error OR disk | count"), day),  # wider
    ]
    sources = shared_sources(engine, queries)
    assert sources == ["__rg_shared_1", "__rg_shared_1", "__rg_shared_0", "__rg_shared_0",
                       None, None]  # fmt: skip
    # `error disk` is held itself (two panels test it), over the union of its readers' windows.
    assert engine.fetch('SELECT count(*) FROM "__rg_shared_0"', {}) == [(2,)]
    assert engine.fetch('SELECT count(*) FROM "__rg_shared_1"', {}) == [(3,)]
    for (query, window), source in zip(queries, sources, strict=True):
        if source is not None:
            same(run_query(engine, query, window, source=source), run_query(engine, query, window))
