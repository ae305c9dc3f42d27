"""The conformance cases (tests/fixtures/queries) on Spark: the same rows, the same errors.

Every case's `logs` table is a view over one cached DataFrame (tests/query/spark_logs.py); the
cases run a few at a time on the test session's SparkSession (Spark plans each query on the
driver, so latency, not work, dominates), then each case is checked as a test of its own.
Each case has an engine of its own holding its field extraction rules and lookup tables; the
cases with lookup tables run one after another, since a table's view is named after the
table (`lookup ... from x` in two cases is one view name).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from reportgen.engine import Result, run_query
from reportgen.errors import ReportgenError
from reportgen.timerange import Window
from tests.query.conformance import Case, all_cases
from tests.query.spark_logs import spark_log_views
from tests.query.test_conformance import actual_rows, content_of, expected_rows
from tests.spark import SPARK

CASES = all_cases()
THREADS = 4

pytestmark = [SPARK, pytest.mark.slow]


def _run(spark: Any, case: Case, table: str, folder: Path) -> Result | ReportgenError:
    from reportgen.engine.spark.engine import SparkEngine

    engine = SparkEngine(spark)
    engine.content = content_of(case, folder)
    window = Window(case.window[0], case.window[1], case.tz)
    try:
        return run_query(engine, case.query, window, table=table)
    except ReportgenError as error:
        return error


@pytest.fixture(scope="module")
def outcomes(
    spark: Any, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Result | ReportgenError]:
    """Every case's result (or error) on Spark, by case location."""
    views = spark_log_views(spark, [case.lines for case in CASES], "conformance")
    runs = [
        (case, view, tmp_path_factory.mktemp("case"))
        for case, view in zip(CASES, views, strict=True)
    ]
    done: dict[str, Result | ReportgenError] = {}
    with ThreadPoolExecutor(THREADS) as pool:
        alone = [run for run in runs if not run[0].lookups]
        outcomes = pool.map(lambda r: _run(spark, *r), alone)
        for (case, *_), outcome in zip(alone, outcomes, strict=True):
            done[case.where] = outcome
    for case, view, folder in runs:
        if case.lookups:
            done[case.where] = _run(spark, case, view, folder)
    return done


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.title}" for c in CASES])
def test_conformance_on_spark(case: Case, outcomes: dict[str, Result | ReportgenError]) -> None:
    outcome = outcomes[case.where]
    if case.error is not None:
        assert isinstance(outcome, ReportgenError), "expected an error"
        assert str(outcome) == case.error
        return
    if isinstance(outcome, ReportgenError):
        raise outcome
    assert actual_rows(outcome) == expected_rows(case, outcome)
