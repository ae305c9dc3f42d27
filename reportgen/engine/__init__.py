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
from reportgen.engine.options import ENGINES, SparkOptions, check_engine, is_uri
from reportgen.engine.result import Column, Result
from reportgen.engine.run import extra_fields, run_query
from reportgen.errors import UsageError
from reportgen.snapshot.cache import Progress
from reportgen.snapshot.ingest import Keep

__all__ = [
    "ENGINES",
    "LOG_TABLE",
    "Column",
    "Engine",
    "Result",
    "SparkOptions",
    "open_engine",
    "run_query",
]


def open_engine(
    paths: Sequence[Path | str],
    sources: Path | None = None,
    *,
    cache: Path | None = None,
    progress: Progress | None = None,
    engine: str = "duckdb",
    spark: SparkOptions | None = None,
    keep: Keep | None = None,
) -> Engine:
    """Ingest the snapshot `paths` on `engine`: DuckDB (reusing the ingest cache under
    `cache`), or Spark as `spark` says (URIs in `paths` need Spark), with the field extraction
    rules and lookup tables of its sources.yaml files; `keep` prunes the files no query of the
    run can match (`reportgen.engine.prune.keep_files`)."""
    engine = check_engine(engine, "--engine")
    content = load_content(paths, sources)  # before the ingest: a bad rule fails fast
    opened: Engine
    if engine == "spark":
        from reportgen.engine.spark import SparkEngine

        opened = SparkEngine.open(paths, sources, spark or SparkOptions(), keep)
    else:
        uris = [str(path) for path in paths if is_uri(path)]
        if uris:
            raise UsageError(
                f"{uris[0]}: URIs are read by Spark (--logs)",
                hint="add --engine spark, or give a local path",
            )
        from reportgen.engine.duckdb import DuckDBEngine

        local = [Path(path) for path in paths]
        opened = DuckDBEngine.open(local, sources, cache, progress, keep)
    try:
        if opened.uri_sources:  # read by Spark: their rules and tables join the others'
            content = load_content(paths, sources, opened.uri_sources)
        opened.content = content
        check_rules(content, extra_fields(opened, LOG_TABLE), opened.regex_error)
    except BaseException:
        opened.close()
        raise
    return opened
