"""The conformance cases (tests/fixtures/queries) on Spark: the same rows, the same errors.

Every case's `logs` table is a view over one cached DataFrame (tests/query/spark_logs.py); the
cases run a few at a time on the test session's SparkSession (Spark plans each query on the
driver, so latency, not work, dominates), then each case is checked as a test of its own.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from reportgen.engine import Result, run_query
from reportgen.errors import ReportgenError
from reportgen.timerange import Window
from tests.query.conformance import Case, all_cases
from tests.query.spark_logs import spark_log_views
from tests.query.test_conformance import actual_rows, expected_rows
from tests.spark import SPARK

CASES = all_cases()
THREADS = 4

pytestmark = [SPARK, pytest.mark.slow]


def _run(engine: Any, case: Case, table: str) -> Result | ReportgenError:
    window = Window(case.window[0], case.window[1], case.tz)
    try:
        return run_query(engine, case.query, window, table=table)
    except ReportgenError as error:
        return error


@pytest.fixture(scope="module")
def outcomes(spark: Any) -> dict[str, Result | ReportgenError]:
    """Every case's result (or error) on Spark, by case location."""
    from reportgen.engine.spark.engine import SparkEngine

    views = spark_log_views(spark, [case.lines for case in CASES], "conformance")
    engine = SparkEngine(spark)
    with ThreadPoolExecutor(THREADS) as pool:
        done = pool.map(lambda pair: _run(engine, *pair), zip(CASES, views, strict=True))
        return {case.where: outcome for case, outcome in zip(CASES, done, strict=True)}


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
