"""One engine with the snapshot ingested: what `build`, `query`, `publish` and `inspect` work on."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportgen.bundled import bundled_snapshot
from reportgen.engine import Engine, open_engine
from reportgen.engine.options import EngineChoice, is_uri
from reportgen.errors import SnapshotError
from reportgen.paths import cache_dir
from reportgen.snapshot import SnapshotInfo
from reportgen.snapshot.progress import terminal_progress
from reportgen.timerange import Window, default_at, parse_instant, resolve_range, zone_info


@dataclass
class Session:
    """An ingested snapshot and the build's reference instant and zone (design D7)."""

    engine: Engine
    at: datetime
    tz: str
    bundled: bool

    @property
    def snapshot(self) -> SnapshotInfo:
        return self.engine.info

    @property
    def cached(self) -> bool:
        """The snapshot came from the ingest cache."""
        return self.engine.cached

    def window(self, range_text: str, tz: str | None = None, option: str = "--range") -> Window:
        """The window of a range expression (`-24h`, `all`...) in zone `tz` (default: the
        session's)."""
        zone = tz or self.tz
        start, end = resolve_range(
            range_text, self.at, zone, earliest=self.snapshot.start, option=option
        )
        return Window(start, end, zone)

    def close(self) -> None:
        self.engine.close()


def open_session(
    logs: Sequence[Path | str] = (),
    sources: Path | None = None,
    *,
    at: str | None = None,
    tz: str = "UTC",
    cache: bool = True,
    engine: EngineChoice | None = None,
) -> Session:
    """Ingest `logs` (default: the bundled sample) and fix the reference instant.

    `logs` are local paths or (on Spark) URIs. `at` is ISO 8601 or None for the minute after
    the snapshot's latest message. With `cache`, an unchanged snapshot is not ingested again
    (DuckDB, see reportgen.snapshot.cache). `engine` says which engine runs it (default: as
    sources.yaml or $REPORTGEN_ENGINE say, else DuckDB).
    """
    zone_info(tz)
    paths: list[Path | str] = [p if is_uri(p) else Path(p) for p in logs]
    bundled = not paths
    if bundled:
        paths = [bundled_snapshot()]
    for path in paths:
        if isinstance(path, Path) and not path.exists():
            raise SnapshotError(f"no such file or folder: {path} (--logs)")
    if sources is not None and not sources.is_file():
        raise SnapshotError(f"no such file: {sources} (--sources)")
    choice = engine or EngineChoice()
    name = choice.resolve(paths, sources, os.environ)
    shown = terminal_progress() if name == "duckdb" else None
    try:
        opened = open_engine(
            paths,
            sources,
            cache=cache_dir() if cache else None,
            progress=shown[0] if shown else None,
            engine=name,
            spark=choice.spark,
        )
    finally:
        if shown:
            shown[1](0, 0, 0)
    try:
        instant = parse_instant(at, tz) if at else default_at(opened.info.end)
    except BaseException:
        opened.close()
        raise
    return Session(opened, instant, tz, bundled)
