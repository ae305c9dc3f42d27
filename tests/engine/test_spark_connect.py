"""Spark Connect: the test starts a Spark Connect server on this machine (PySpark ships it), then
`reportgen query --engine spark --spark-remote sc://127.0.0.1:PORT` answers as DuckDB does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.spark import SPARK, require_spark

pytestmark = [SPARK, pytest.mark.slow]

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
STARTUP_POLLS = 600  # half-second polls for the server's port, while the server process lives


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def connect_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Spark Connect server on a free loopback port, stopped after the module."""
    require_spark()
    import pyspark

    from reportgen.engine.spark.session import check_java, find_java

    check_java()
    home = Path(pyspark.__file__).parent
    java = find_java()
    assert java is not None
    port = _free_port()
    log = tmp_path_factory.mktemp("connect") / "server.log"
    env = {**os.environ, "SPARK_HOME": str(home), "JAVA_HOME": str(java.parent.parent)}
    command = [
        str(home / "bin" / "spark-submit"),
        "--class", SERVER_CLASS,
        "--master", "local[1]",
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.sql.shuffle.partitions=1",
        "spark-internal",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        for _ in range(STARTUP_POLLS):
            if server.poll() is not None or _listening(port):
                break
            time.sleep(0.5)
        if not _listening(port):
            pytest.fail(f"the Spark Connect server did not start:\n{log.read_text()[-3000:]}")
        yield f"sc://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_a_query_over_spark_connect_matches_duckdb(
    connect_url: str, sample_snapshot: Path, cli: Any
) -> None:
    query = (
        "_sourceCategory=*twistlock* (violation OR incident) | timeslice 1d "
        "| count by _timeslice, _sourcehost | sort by _timeslice, _sourcehost asc"
    )
    args = ["query", query, "--logs", sample_snapshot, "--output", "json", "--no-cache"]
    duck = cli(*args)
    assert duck.code == 0, duck.err
    ran = cli(*args, "--engine", "spark", "--spark-remote", connect_url)
    assert ran.code == 0, ran.err
    assert ran.json() == duck.json()
    assert len(json.loads(duck.out)) > 3
