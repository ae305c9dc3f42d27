"""A one-line ingest progress display on a terminal; nothing at all otherwise (CI, pipes)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from reportgen.snapshot.cache import Progress
from reportgen.terminal import interactive


def terminal_progress(stream: TextIO | None = None) -> tuple[Progress, Progress] | None:
    """`(update, done)` callbacks drawing `files, MB, lines/s` on `stream` (default stderr), or
    None when `stream` is not a terminal or `$CI` is set."""
    out = sys.stderr if stream is None else stream
    if not interactive(out):
        return None
    started = time.perf_counter()

    def update(files: int, size: int, lines: int) -> None:
        elapsed = max(time.perf_counter() - started, 1e-6)
        out.write(
            f"\ringesting: {files} files, {size / 1e6:,.0f} MB, {lines:,} lines "
            f"({lines / elapsed:,.0f} lines/s)\x1b[K"
        )
        out.flush()

    def done(files: int, size: int, lines: int) -> None:
        out.write("\r\x1b[K")
        out.flush()

    return update, done
