"""Time windows: the reference instant (`--at`), the report zone (`--tz`) and ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Window:
    """A query's time range `[start, end)` (aware datetimes, UTC) and the report zone, an IANA
    name such as "UTC" or "Europe/Paris", to which timeslices align."""

    start: datetime
    end: datetime
    tz: str = "UTC"
