"""One DuckDB connection with the snapshot ingested: what `build` and `query` work on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from reportgen.bundled import bundled_snapshot, cache_dir
from reportgen.errors import SnapshotError
from reportgen.snapshot import SnapshotInfo
from reportgen.snapshot.cache import open_snapshot
from reportgen.snapshot.progress import terminal_progress
from reportgen.timerange import Window, default_at, parse_instant, resolve_range, zone_info


@dataclass
class Session:
    """An ingested snapshot and the build's reference instant and zone (design D7)."""

    con: duckdb.DuckDBPyConnection
    snapshot: SnapshotInfo
    at: datetime
    tz: str
    bundled: bool
    closer: Callable[[], None] | None = None  # closes `con` and removes its temporary database
    cached: bool = False  # the snapshot came from the ingest cache

    def window(self, range_text: str, tz: str | None = None, option: str = "--range") -> Window:
        """The window of a range expression (`-24h`, `all`...) in zone `tz` (default: the
        session's)."""
        zone = tz or self.tz
        start, end = resolve_range(
            range_text, self.at, zone, earliest=self.snapshot.start, option=option
        )
        return Window(start, end, zone)

    def close(self) -> None:
        if self.closer is not None:
            self.closer()
        else:
            self.con.close()


def open_session(
    logs: Sequence[Path] = (),
    sources: Path | None = None,
    *,
    at: str | None = None,
    tz: str = "UTC",
    cache: bool = True,
) -> Session:
    """Ingest `logs` (default: the bundled sample) and fix the reference instant.

    `at` is ISO 8601 or None for the minute after the snapshot's latest message. With `cache`,
    an unchanged snapshot is not ingested again (see reportgen.snapshot.cache).
    """
    zone_info(tz)
    paths = list(logs)
    bundled = not paths
    if bundled:
        paths = [bundled_snapshot()]
    for path in paths:
        if not path.exists():
            raise SnapshotError(f"no such file or folder: {path} (--logs)")
    if sources is not None and not sources.is_file():
        raise SnapshotError(f"no such file: {sources} (--sources)")
    shown = terminal_progress()
    try:
        opened = open_snapshot(
            paths, sources, cache_dir() if cache else None, shown[0] if shown else None
        )
    finally:
        if shown:
            shown[1](0, 0, 0)
    try:
        snapshot = opened.info
        instant = parse_instant(at, tz) if at else default_at(snapshot.end)
    except BaseException:
        opened.close()
        raise
    return Session(opened.con, snapshot, instant, tz, bundled, opened.close, opened.cached)
