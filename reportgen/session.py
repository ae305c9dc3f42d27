"""One engine with the snapshot ingested: what `build`, `query`, `publish` and `inspect` work on."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from reportgen.bundled import resolve_logs, sample_note
from reportgen.engine import Engine, open_engine
from reportgen.engine.options import EngineChoice, is_uri
from reportgen.engine.prune import keep_files
from reportgen.errors import SnapshotError
from reportgen.paths import cache_dir
from reportgen.query.syntax.nodes import ScopeNode
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
    sample: bool = False,
    fallback: bool = True,
    scopes: Sequence[ScopeNode] | None = None,
    engine: EngineChoice | None = None,
) -> Session:
    """Ingest `logs` and fix the reference instant.

    `logs` are local paths or (on Spark) URIs. The bundled sample is read with `sample`,
    `--logs sample`, or without `logs` when `fallback` allows it and `$CI` is not set
    (`reportgen.bundled.resolve_logs`); a note on stderr says so every time. `at` is ISO 8601
    or None for the minute after the snapshot's latest message. With `cache`, an unchanged
    snapshot is not ingested again (DuckDB, see reportgen.snapshot.cache). With `scopes`
    (those of every query the session will run) and `at`, files that none of them can match
    are not read (see reportgen.engine.prune). `engine` says which engine runs it (default: as
    sources.yaml or $REPORTGEN_ENGINE say, else DuckDB).
    """
    zone_info(tz)
    given, bundled = resolve_logs(logs, sample=sample, fallback=fallback)
    paths: list[Path | str] = [p if is_uri(p) else Path(p) for p in given]
    if bundled:
        click.echo(sample_note(explicit=sample or bool(logs)), err=True)
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
            # The default --at is the latest message of the whole snapshot, which every file
            # may hold: files are left unread only when the instant is given.
            keep=keep_files(scopes) if scopes is not None and at else None,
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
