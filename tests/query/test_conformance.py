"""Conformance cases as data (spec §11 and more): one parametrized test over the fixture files."""

from __future__ import annotations

from typing import Any

import pytest

from reportgen.engine import Result
from reportgen.errors import ReportgenError
from reportgen.timerange import Window
from tests.query.conformance import METADATA, Case, all_cases, at, typed
from tests.query.conftest import log_table, run

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


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.title}" for c in CASES])
def test_conformance(case: Case) -> None:
    con = log_table(case.lines)
    window = Window(case.window[0], case.window[1], case.tz)
    if case.error is not None:
        with pytest.raises(ReportgenError) as caught:
            run(con, case.query, window)
        assert str(caught.value) == case.error
        return
    result = run(con, case.query, window)
    assert actual_rows(result) == expected_rows(case, result)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 175
    assert len({c.title for c in CASES}) == len(CASES)
