"""Whether the database may read a plain file itself, whole: `check()`.

Most plain log files are clean text: UTF-8, LF line ends, no NUL or 0x01 byte, no line longer
than the reader's window. For such a file the loader (`reportgen.snapshot.load`) lets DuckDB's
CSV reader read the file itself, in one statement, instead of streaming it through Python in
chunks copied into a scratch file: the file's bytes are copied once, not three times (read,
joined, written), which on 2M lines saved a tenth of the ingest's CPU, most of it system time.

`check()` looks at the file through a memory map (no copy) and says, with its sha256 and its
number of lines, whether it is clean; anything else (bad bytes, CR line ends, a byte order mark,
a long line) goes the chunked way, which repairs and counts it (`reportgen.snapshot.reader`).
The database reads the file skipping what it cannot read, so nothing it disagrees on stops the
load: the loader keeps its rows only when they are as many as the lines counted here and the
file's size and modification time are still those of the check (a live log may grow meanwhile);
otherwise it takes them back and reads the file the chunked way.
"""

from __future__ import annotations

import codecs
import hashlib
import mmap
import os
from dataclasses import dataclass
from pathlib import Path

STEP = 1 << 20
"""Bytes decoded at a time to check the text (ASCII at once, else UTF-8)."""
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Whole:
    """A clean file: its sha256, its lines, and its size and modification time (ns) when it was
    checked."""

    sha256: str
    lines: int
    stat: tuple[int, int]


def identity(path: Path) -> tuple[int, int]:
    """The file's size and modification time (ns), to tell whether it changed."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def check(path: Path, max_line_bytes: int) -> Whole | None:
    """What the file holds when it is clean text (valid UTF-8 without a byte order mark, no NUL,
    CR or 0x01 byte, no line longer than `max_line_bytes`); None otherwise, or when it cannot
    be mapped (empty, unreadable, not a regular file)."""
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                view = memoryview(mapped)
                try:
                    lines = _clean_lines(mapped, view, max_line_bytes)
                    if lines is None:
                        return None
                    digest = hashlib.sha256(view).hexdigest()
                finally:
                    view.release()
    except (OSError, ValueError):
        return None
    return Whole(digest, lines, (stat.st_size, stat.st_mtime_ns))


def _clean_lines(mapped: mmap.mmap, view: memoryview, max_line_bytes: int) -> int | None:
    """The number of lines of a clean file, None when it is not clean."""
    if any(mapped.find(byte) >= 0 for byte in (b"\0", b"\r", b"\x01")):
        return None
    if any(view[: len(bom)] == bom for bom in _BOMS):
        return None
    if not _short_lines(mapped, max_line_bytes):
        return None
    ends = _utf8_line_ends(view)
    if ends is None:
        return None
    return ends + (mapped[-1:] != b"\n")


def _utf8_line_ends(view: memoryview) -> int | None:
    """The line ends in `view` when it is valid UTF-8 (decoded a STEP at a time, as ASCII until
    a byte is not), else None."""
    decoder: codecs.IncrementalDecoder | None = None
    ends = 0
    for start in range(0, len(view), STEP):
        with view[start : start + STEP] as part:
            if decoder is None:
                try:
                    ends += str(part, "ascii").count("\n")
                    continue
                except UnicodeDecodeError:
                    decoder = codecs.getincrementaldecoder("utf-8")("strict")
            try:
                ends += decoder.decode(part).count("\n")
            except UnicodeDecodeError:
                return None
    if decoder is not None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return None
    return ends


def _short_lines(mapped: mmap.mmap, max_line_bytes: int) -> bool:
    """Whether no line is longer than `max_line_bytes`: from each line start, the last line end
    within that many bytes is the next start; a window without one holds a longer line."""
    start, size = 0, len(mapped)
    while size - start > max_line_bytes:
        end = mapped.rfind(b"\n", start, start + max_line_bytes + 1)
        if end < 0:
            return False
        start = end + 1
    return True
