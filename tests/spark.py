"""One local SparkSession for the whole test session (Spark starts in seconds, not per test).

Tests that need Spark take the `spark` fixture (tests/conftest.py) and carry
`pytest.mark.xdist_group("spark")`, so under xdist they all run in one worker and share one JVM.
Where Java is missing they are skipped with the reason, except in CI (`CI` set), where that is
a failure: `.ci/run` installs a Java runtime. With `REPORTGEN_TEST_SPARK_REMOTE=sc://host:port`
they run against that Spark Connect server instead of a local session.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from reportgen.engine.options import SparkOptions
from reportgen.errors import EngineError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

SPARK = pytest.mark.xdist_group("spark")
TEST_OPTIONS = SparkOptions(master="local[2]", conf=(("spark.sql.shuffle.partitions", "2"),))
REMOTE = "REPORTGEN_TEST_SPARK_REMOTE"


def test_options() -> SparkOptions:
    """Local mode on two cores, or the server named by $REPORTGEN_TEST_SPARK_REMOTE."""
    remote = os.environ.get(REMOTE)
    return SparkOptions(remote=remote, conf=TEST_OPTIONS.conf) if remote else TEST_OPTIONS


def require_spark() -> None:
    """Skip (locally) or fail (in CI) unless PySpark and Java 17+ are there."""
    from reportgen.engine.spark.session import check_java

    try:
        import pyspark  # noqa: F401

        if not os.environ.get(REMOTE):
            check_java()
    except (ImportError, EngineError) as error:
        reason = f"Spark cannot run here: {error}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; .ci/run installs Java and make test installs PySpark")
        pytest.skip(reason)


def start_test_session() -> SparkSession:
    from reportgen.engine.spark.session import start_session

    require_spark()
    session, _ = start_session(test_options())
    return session
