"""Spark as the engine (design D11): local mode, a cluster master, or Spark Connect.

`SparkEngine.open(paths, sources, options)` starts or reaches Spark (session.py), ingests the
snapshot there (files.py, ingest.py, formats.py) and runs the queries the generator writes in
Spark's dialect (reportgen.query.sql.spark). Nothing here is imported unless `--engine spark`
is chosen: PySpark is an optional dependency (`pip install 'reportgen[spark]'`).
"""

from __future__ import annotations

from reportgen.engine.spark.engine import SparkEngine

__all__ = ["SparkEngine"]
