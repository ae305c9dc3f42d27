"""`FilePlan`: how to load one file, decided from its metadata before reading it, and (once
loaded) what it held."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass
class FilePlan:
    """How to load one file, and (once loaded) what it held. `limit` is the local time (in
    `tz`) that year-less lines must not pass; `format` is `auto` until the file is sampled."""

    fid: int
    name: str
    path: Path
    gz: bool
    size: int
    format: str
    tz: str
    mtime: datetime
    limit: datetime
    host: str | None
    default_host: str
    category: str
    source: str
    collector: str | None
    cut: int = 1 << 20
    multiline: str = "auto"
    start: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    problems: dict[str, int] = field(default_factory=dict)
    lines: int = 0
    records: int = 0
    first_time: datetime | None = None
    last_time: datetime | None = None
    sha256: str = ""
    file: int = -1
    """The file's id in the tables (`_file`): its fid, or its id in the ingest cache."""

    def file_row(self, fields: tuple[str, ...]) -> list[Any]:
        """The file's row of the files table (see `reportgen.snapshot.storage`)."""
        row: list[Any] = [
            self.file, self.mtime, self.host, self.default_host, self.category, self.name,
            self.source, self.collector, self.format,
        ]  # fmt: skip
        return row + [self.fields.get(name) for name in fields]

    def span(self, low: datetime | None, high: datetime | None) -> None:
        """Widen the file's time span by `[low, high]`."""
        if low is not None:
            self.first_time = low if self.first_time is None else min(self.first_time, low)
        if high is not None:
            self.last_time = high if self.last_time is None else max(self.last_time, high)
