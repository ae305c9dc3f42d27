"""Byte-level facts about a file before it is read: whether it is gzip, and the size bound.

The reading itself streams in `reportgen.snapshot.reader`.
"""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES: int | None = None
"""Bound on a file's (decompressed) size, None for none: files of any size are streamed. A file
cut at a bound keeps its lines up to it and counts `too_large`."""


def is_gzip(name: str, path: Path) -> bool:
    """Whether a file is read through gzip: its name ends with `.gz` and it starts like gzip."""
    if not name.lower().endswith(".gz"):
        return False
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"
