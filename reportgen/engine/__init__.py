"""The engine: runs compiled queries on DuckDB over the ingested `logs` table."""

from __future__ import annotations

from reportgen.engine.execute import run_query
from reportgen.engine.result import Column, Result

__all__ = ["Column", "Result", "run_query"]
