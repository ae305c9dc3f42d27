"""The overview dashboard built on both engines from the same snapshot and `--at`: the same
panel values in the summary JSON and the same HTML, byte for byte."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.spark import REMOTE, SPARK

pytestmark = [SPARK, pytest.mark.slow]

DASHBOARD = Path(__file__).parents[2] / "dashboards" / "twistlock-overview.yaml"
AT = "2026-11-20T12:00:00Z"


def spark_args() -> list[str]:
    """The engine options reaching the test session's Spark (see tests/spark.py)."""
    remote = os.environ.get(REMOTE)
    return ["--engine", "spark", *(["--spark-remote", remote] if remote else [])]


def test_the_overview_dashboard_has_the_same_values_on_both_engines(
    spark: Any, sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    common = [DASHBOARD, "--logs", sample_snapshot, "--at", AT, "--no-cache"]
    duck = cli("build", *common, "--out", tmp_path / "duckdb")
    assert duck.code == 0, duck.err
    ran = cli("build", *common, "--out", tmp_path / "spark", *spark_args())
    assert ran.code == 0, ran.err
    assert ran.err == duck.err
    summaries = [
        json.loads((tmp_path / engine / "twistlock-overview.json").read_text())
        for engine in ("duckdb", "spark")
    ]
    for summary in summaries:
        for panel in summary["panels"]:
            panel.pop("elapsed_ms")
    assert [p["status"] for p in summaries[0]["panels"]] == ["ok"] * len(summaries[0]["panels"])
    assert summaries[1]["panels"] == summaries[0]["panels"]
    assert summaries[1] == summaries[0]
    html = [
        (tmp_path / engine / "twistlock-overview.html").read_bytes()
        for engine in ("duckdb", "spark")
    ]
    assert html[1] == html[0]
