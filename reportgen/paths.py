"""Where reportgen keeps what it can make again: the sample, the ingest cache, the Vega runtime."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """`$REPORTGEN_CACHE`, else `$XDG_CACHE_HOME/reportgen`, else `~/.cache/reportgen`."""
    explicit = os.environ.get("REPORTGEN_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportgen"
