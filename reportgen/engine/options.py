"""Which engine runs a build, and how to reach Spark: plain settings, no engine imported.

The command line (`--engine`), `sources.yaml` (`engine:`) and `$REPORTGEN_ENGINE` choose the
engine; the first that says something wins, in that order, else DuckDB.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.errors import UsageError, suggestion
from reportgen.snapshot import sources
from reportgen.snapshot.discover import SOURCES_FILE
from reportgen.snapshot.sources_check import load_sources

ENGINES: tuple[str, ...] = sources.ENGINES
ENGINE_VARIABLE = "REPORTGEN_ENGINE"
DEFAULT_MASTER = "local[*]"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_CONF_KEY = re.compile(r"^(spark|hadoop|fs)\.[A-Za-z0-9_.\-\[\]]+$")


@dataclass(frozen=True)
class SparkOptions:
    """How to reach Spark: a master URL (`local[*]`, `spark://host:7077`, `yarn`...; None:
    spark-submit's `--master`, else `local[*]`) or a Spark Connect URL (`sc://host:port`, which
    wins), and settings passed through."""

    master: str | None = None
    remote: str | None = None
    conf: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def shown_url(url: str) -> str:
    """A URL fit for messages: Spark Connect's `;token=...` (and any other parameter after
    `/;`) left out."""
    return url.split("/;", 1)[0]


@dataclass(frozen=True)
class EngineChoice:
    """What the command line says about the engine: `name` None leaves the choice to
    sources.yaml, $REPORTGEN_ENGINE, then DuckDB; `spark` says how to reach Spark."""

    name: str | None = None
    spark: SparkOptions = field(default_factory=SparkOptions)

    def resolve(
        self, paths: Sequence[Path | str], explicit: Path | None, environ: Mapping[str, str]
    ) -> str:
        """The engine for the snapshot `paths` (and an explicit sources.yaml)."""
        return choose_engine(self.name, configured_engine(paths, explicit), environ)


def configured_engine(paths: Sequence[Path | str], explicit: Path | None) -> str | None:
    """The `engine:` of the sources.yaml that applies: `--sources`, else the first local
    folder's own (a URI's sources.yaml is only read once Spark runs)."""
    if explicit is not None:
        return load_sources(explicit).engine
    for path in paths:
        if not is_uri(path) and (Path(path) / SOURCES_FILE).is_file():
            return load_sources(Path(path) / SOURCES_FILE).engine
    return None


def is_uri(text: str | Path) -> bool:
    """Whether a `--logs` value is a URI (`s3a://...`, `file:///...`) rather than a local path."""
    return isinstance(text, str) and bool(_URI.match(text))


def check_engine(name: str, where: str) -> str:
    """`name` lower-cased if it is an engine, else a UsageError naming `where` it came from."""
    lowered = name.strip().lower()
    if lowered not in ENGINES:
        raise UsageError(
            f"unknown engine '{name}' ({where})",
            hint=suggestion(lowered, ENGINES) or "expected: " + ", ".join(ENGINES),
        )
    return lowered


def choose_engine(
    option: str | None, configured: str | None, environ: Mapping[str, str] = os.environ
) -> str:
    """The engine: `--engine`, else sources.yaml's `engine:`, else $REPORTGEN_ENGINE, else
    DuckDB."""
    if option:
        return check_engine(option, "--engine")
    if configured:
        return check_engine(configured, "engine: in sources.yaml")
    if environ.get(ENGINE_VARIABLE):
        return check_engine(environ[ENGINE_VARIABLE], f"${ENGINE_VARIABLE}")
    return "duckdb"


def parse_spark_conf(pairs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """`--spark-conf key=value` values; a UsageError for one that is not a Spark setting."""
    out: list[tuple[str, str]] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(
                f"--spark-conf expects key=value, got '{pair}'",
                hint="e.g. --spark-conf spark.executor.memory=4g",
            )
        if not _CONF_KEY.match(key):
            raise UsageError(
                f"--spark-conf '{key}' is not a Spark setting",
                hint="Spark settings start with 'spark.' (Hadoop ones: 'spark.hadoop.')",
            )
        out.append((key, value.strip()))
    return tuple(out)
