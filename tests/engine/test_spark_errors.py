"""Errors a person can act on when choosing or reaching Spark: one line (a caret for queries),
no Java stack trace, the exit codes of DuckDB (2 for bad input or an engine out of reach)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reportgen.engine.options import (
    EngineChoice,
    choose_engine,
    configured_engine,
    parse_spark_conf,
)
from reportgen.errors import UsageError
from tests.engine.test_spark_build import spark_args
from tests.spark import SPARK


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_bad_spark_conf_values(cli: Any) -> None:
    ran = cli("query", "* | count", "--engine", "spark", "--spark-conf", "executor.memory")
    assert (ran.code, ran.err) == (
        2,
        "error: --spark-conf expects key=value, got 'executor.memory'; "
        "e.g. --spark-conf spark.executor.memory=4g\n",
    )
    ran = cli("query", "* | count", "--engine", "spark", "--spark-conf", "executor.memory=4g")
    assert (ran.code, ran.err) == (
        2,
        "error: --spark-conf 'executor.memory' is not a Spark setting; Spark settings start "
        "with 'spark.' (Hadoop ones: 'spark.hadoop.')\n",
    )
    assert parse_spark_conf(["spark.sql.shuffle.partitions = 8"]) == (
        ("spark.sql.shuffle.partitions", "8"),
    )


def test_unknown_engine_and_uris_on_duckdb(cli: Any) -> None:
    ran = cli("query", "* | count", "--engine", "sprak")
    assert (ran.code, ran.err) == (
        2,
        "error: unknown engine 'sprak' (--engine); did you mean 'spark'?\n",
    )
    ran = cli("query", "* | count", "--logs", "s3a://bucket/logs/")
    assert (ran.code, ran.err) == (
        2,
        "error: s3a://bucket/logs/: URIs are read by Spark (--logs); add --engine spark, or give "
        "a local path\n",
    )


def test_engine_from_the_command_line_sources_yaml_then_the_environment(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text("engine: spark\nsources: []\n")
    assert configured_engine([tmp_path], None) == "spark"
    assert choose_engine(None, "spark", {"REPORTGEN_ENGINE": "duckdb"}) == "spark"
    assert choose_engine("DuckDB", "spark", {}) == "duckdb"
    assert choose_engine(None, None, {"REPORTGEN_ENGINE": "spark"}) == "spark"
    assert choose_engine(None, None, {}) == "duckdb"
    assert EngineChoice().resolve([tmp_path], None, {}) == "spark"
    with pytest.raises(UsageError) as caught:
        choose_engine(None, None, {"REPORTGEN_ENGINE": "duck"})
    assert str(caught.value) == (
        "unknown engine 'duck' ($REPORTGEN_ENGINE); did you mean 'duckdb'?"
    )


def test_an_unknown_engine_in_sources_yaml_points_at_it(tmp_path: Path, cli: Any) -> None:
    (tmp_path / "sources.yaml").write_text("engine: sparc\nsources: []\n")
    ran = cli("query", "* | count", "--logs", tmp_path)
    assert ran.code == 2
    assert ran.err == (
        f"error: {tmp_path / 'sources.yaml'}:1:9: unknown engine 'sparc'; did you mean 'spark'?\n"
        "  engine: sparc\n"
        "          ^~~~~\n"
    )


def test_an_unreachable_spark_connect_server_is_named(cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    url = f"sc://127.0.0.1:{_closed_port()}"
    ran = cli("query", "* | count", "--logs", tmp_path, "--engine", "spark", "--spark-remote", url)
    assert (ran.code, ran.err) == (
        2,
        f"error: cannot reach the Spark Connect server at {url}: Connection refused; check the "
        "host and port, and that the server is running\n",
    )


def test_a_connect_token_never_shows(cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    port = _closed_port()
    url = f"sc://127.0.0.1:{port}/;token=dapiSECRET;x-databricks-cluster-id=0123"
    ran = cli("query", "* | count", "--logs", tmp_path, "--engine", "spark", "--spark-remote", url)
    assert ran.code == 2
    assert ran.err.startswith(
        f"error: cannot reach the Spark Connect server at sc://127.0.0.1:{port}:"
    )
    assert "SECRET" not in ran.err


def test_java_missing(cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java"))
    ran = cli(
        "query", "* | count", "--logs", tmp_path, "--engine", "spark", "--spark-master", "local[1]"
    )
    assert (ran.code, ran.err) == (
        2,
        "error: Java is missing: Spark needs a Java 17+ runtime on this machine; install a Java "
        "runtime (Debian: apt-get install openjdk-17-jre-headless), or use --spark-remote "
        "sc://host:port\n",
    )


@SPARK
def test_a_path_spark_cannot_read(spark: Any, cli: Any, tmp_path: Path) -> None:
    missing = (tmp_path / "nowhere").as_uri()
    ran = cli("query", "* | count", "--logs", missing, *spark_args())
    assert ran.code == 2
    assert ran.err == (
        f"error: cannot read {missing} (--logs): Path does not exist: "
        f"file:{tmp_path / 'nowhere'}.\n"
    )


@SPARK
def test_a_regex_java_rejects_gets_a_caret(spark: Any, cli: Any, sample_snapshot: Path) -> None:
    # RE2 (DuckDB) takes Python's `(?P<name>`; Java, Spark's (and Sumo's) flavour, does not
    query = '* | parse regex "(?P<user>\\w+)" | count by user'
    assert cli("query", query, "--logs", sample_snapshot).code == 0
    ran = cli("query", query, "--logs", sample_snapshot, *spark_args())
    assert (ran.code, ran.err) == (
        2,
        "error: invalid regular expression (Unknown inline modifier near index 2) at column 17\n"
        '  * | parse regex "(?P<user>\\w+)" | count by user\n'
        "                  ^~~~~~~~~~~~~~~\n",
    )


@pytest.mark.slow
def test_a_spark_run_prints_what_a_duckdb_run_prints(sample_snapshot: Path) -> None:
    """Spark's own logging is kept to errors (its shell and PySpark's gateway would reset it to
    WARN and say so); only the JVM's own start-up line, printed before logging exists, is left."""
    from tests.spark import require_spark

    require_spark()
    command = [
        sys.executable,
        "-m",
        "reportgen",
        "query",
        "* | count",
        "--logs",
        str(sample_snapshot),
    ]
    duck = subprocess.run(command, capture_output=True, text=True, check=False)
    ran = subprocess.run(
        [*command, "--engine", "spark", "--spark-master", "local[1]"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (ran.returncode, ran.stdout) == (duck.returncode, duck.stdout)
    jvm = "WARNING: Using incubator modules: jdk.incubator.vector\n"
    assert ran.stderr.replace(jvm, "") == duck.stderr
