"""Engines run compiled queries over the ingested `logs` table (design D9, D11).

    engine = open_engine(paths, sources, cache=cache_dir())  # DuckDB by default
    result = run_query(engine, '_sourceCategory=x | count by _sourceHost', window)

`Engine` (base.py) is the seam: an engine ingests a snapshot, runs SQL of its dialect and
describes its columns; `run_query` (run.py) is written against it alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportgen.engine.base import LOG_TABLE, Engine
from reportgen.engine.content import check_rules, load_content
from reportgen.engine.result import Column, Result
from reportgen.engine.run import extra_fields, run_query
from reportgen.errors import UsageError, suggestion
from reportgen.snapshot.cache import Progress
from reportgen.snapshot.ingest import Keep

ENGINES = ("duckdb",)

__all__ = ["ENGINES", "LOG_TABLE", "Column", "Engine", "Result", "open_engine", "run_query"]


def open_engine(
    paths: Sequence[Path],
    sources: Path | None = None,
    *,
    cache: Path | None = None,
    progress: Progress | None = None,
    engine: str = "duckdb",
    keep: Keep | None = None,
) -> Engine:
    """Ingest the snapshot `paths` on `engine` (reusing the ingest cache under `cache`), with
    the field extraction rules and lookup tables of its sources.yaml files; `keep` prunes the
    files no query of the run can match (`reportgen.engine.prune.keep_files`)."""
    if engine == "duckdb":
        from reportgen.engine.duckdb import DuckDBEngine

        content = load_content(paths, sources)  # before the ingest: a bad rule fails fast
        opened = DuckDBEngine.open(paths, sources, cache, progress, keep)
        opened.content = content
        try:
            check_rules(content, extra_fields(opened, LOG_TABLE), opened.regex_error)
        except BaseException:
            opened.close()
            raise
        return opened
    raise UsageError(
        f"unknown engine '{engine}' (--engine)",
        hint=suggestion(engine, ENGINES) or "expected: " + ", ".join(ENGINES),
    )
