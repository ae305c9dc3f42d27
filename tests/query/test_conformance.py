"""Conformance cases as data (spec §11 and more): one parametrized test over the fixture files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen.engine import Result, run_query
from reportgen.engine.content import Content
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.engine.lookups import LookupCatalog
from reportgen.errors import ReportgenError, Span
from reportgen.query.rules import parse_rule
from reportgen.snapshot.sources_content import LookupFile
from reportgen.timerange import Window
from tests.query.conformance import METADATA, Case, all_cases, at, typed
from tests.query.conftest import log_table

CASES = all_cases()


def actual_rows(result: Result) -> list[list[tuple[str, Any]]]:
    keep = [
        i
        for i, c in enumerate(result.columns)
        if result.kind != "messages" or c.name.lower() not in METADATA
    ]
    return [[(result.columns[i].name, typed(row[i])) for i in keep] for row in result.rows]


def expected_rows(case: Case, result: Result) -> list[list[tuple[str, Any]]]:
    kinds = {c.name: c.type for c in result.columns}
    out = []
    for row in case.rows or []:
        cells = []
        for name, value in row.items():
            if kinds.get(name) == "time" and isinstance(value, str):
                value = int(at(value).timestamp() * 1000)
            cells.append((name, typed(value)))
        out.append(cells)
    return out


def content_of(case: Case, folder: Path) -> Content:
    """The case's lookup tables, as files mapped in a sources.yaml, and its field extraction
    rules."""
    files = []
    for number, (name, csv) in enumerate(case.lookups.items()):
        (folder / f"table{number}.csv").write_text(csv, encoding="utf-8")
        where = Span("sources.yaml", number + 1, 1, 0, 0)
        files.append(LookupFile(name, f"table{number}.csv", folder, where, ""))
    rules = [parse_rule(name, r.get("scope"), r["parse"]) for name, r in case.rules.items()]
    return Content(LookupCatalog(files), tuple(rules))


def engine_of(case: Case, folder: Path) -> DuckDBEngine:
    """The case's log table with its content (see content_of)."""
    engine = DuckDBEngine(log_table(case.lines))
    engine.content = content_of(case, folder)
    return engine


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.title}" for c in CASES])
def test_conformance(case: Case, tmp_path: Path) -> None:
    engine = engine_of(case, tmp_path)
    window = Window(case.window[0], case.window[1], case.tz)
    if case.error is not None:
        with pytest.raises(ReportgenError) as caught:
            run_query(engine, case.query, window)
        assert str(caught.value) == case.error
        return
    result = run_query(engine, case.query, window)
    assert actual_rows(result) == expected_rows(case, result)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 175
    assert len({c.title for c in CASES}) == len(CASES)
