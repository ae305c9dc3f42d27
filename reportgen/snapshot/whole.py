"""Whether the database may read a plain file itself, whole: `check()`.

Most plain log files are clean text: UTF-8, LF line ends, no NUL or 0x01 byte, no line longer
than the reader's window. For such a file the loader (`reportgen.snapshot.load`) lets DuckDB's
CSV reader read the file itself, in one statement, instead of streaming it through Python in
chunks copied into a scratch file: the file's bytes go through Python once, into one reused
buffer, rather than being read, joined and written again (2M lines without the cache: 3.56 ->
3.10 s CPU, most of it system time, and 2.26 -> 1.84 s wall).

`check()` reads the file a block at a time and says, with its sha256, whether it is clean;
anything else (bad bytes, CR line ends, a byte order mark, a long line) goes the chunked way,
which repairs and counts it (`reportgen.snapshot.reader`). The database reads the file skipping
what it cannot read, so nothing it disagrees on stops the load: the loader keeps its rows only
when their bytes and line ends add up to the file's size and the file's size and modification
time are still those of the check (a live log may grow meanwhile); otherwise it takes them back
and reads the file the chunked way. (Not through a memory map: a file truncated while mapped,
as `copytruncate` log rotation does, would kill the process.)
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

STEP = 1 << 20
"""Bytes read and checked at a time."""
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_REFUSED = (b"\0", b"\r", b"\x01")


@dataclass(frozen=True)
class Whole:
    """A clean file: its sha256, whether its last line ends with a line feed, and its size and
    modification time (ns) when it was checked."""

    sha256: str
    final_newline: bool
    stat: tuple[int, int]


def identity(path: Path) -> tuple[int, int]:
    """The file's size and modification time (ns), to tell whether it changed."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def check(path: Path, max_line_bytes: int) -> Whole | None:
    """What the file holds when it is clean text (valid UTF-8 without a byte order mark, no NUL,
    CR or 0x01 byte, no line longer than `max_line_bytes`); None otherwise, or when it cannot
    be read or is empty."""
    try:
        with path.open("rb", buffering=0) as handle:
            stat = os.fstat(handle.fileno())
            scan = _Scan(max_line_bytes)
            buffer = bytearray(STEP)
            while size := handle.readinto(buffer):
                if not scan.feed(buffer if size == STEP else buffer[:size]):
                    return None
    except OSError:
        return None
    if not scan.finish():
        return None
    return Whole(scan.digest.hexdigest(), scan.last == b"\n", (stat.st_size, stat.st_mtime_ns))


class _Scan:
    """The running checks over a file's blocks, in order."""

    def __init__(self, max_line_bytes: int) -> None:
        self.max_line_bytes = max_line_bytes
        self.digest = hashlib.sha256()
        self.size = 0
        self.open = 0  # bytes since the last line end
        self.last = b""  # the last byte so far
        self.decoder: codecs.IncrementalDecoder | None = None

    def feed(self, data: bytearray) -> bool:
        """Check the next block; False when the file is not clean."""
        if self.size == 0 and any(data[: len(bom)] == bom for bom in _BOMS):
            return False
        if any(data.find(byte) >= 0 for byte in _REFUSED):
            return False
        if not self._text(data) or not self._short_lines(data):
            return False
        self.digest.update(data)
        self.size += len(data)
        self.last = bytes(data[-1:])
        return True

    def finish(self) -> bool:
        """Whether the whole file was clean (not empty, not ending inside a character)."""
        if self.size == 0:
            return False
        if self.decoder is not None:
            try:
                self.decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return False
        return True

    def _text(self, data: bytearray) -> bool:
        """Whether the text so far is valid UTF-8 (checked as ASCII until a byte is not)."""
        if self.decoder is None:
            if data.isascii():
                return True
            self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        try:
            self.decoder.decode(data)
        except UnicodeDecodeError:
            return False
        return True

    def _short_lines(self, data: bytearray) -> bool:
        """Whether no line so far is longer than `max_line_bytes`: from each line start, the
        last line end within that many bytes is the next start; a window without one holds a
        longer line."""
        bound, size = self.max_line_bytes, len(data)
        first = data.find(b"\n")
        if first < 0:
            self.open += size
            return self.open <= bound
        if self.open + first > bound:
            return False
        start = first + 1
        while size - start > bound:
            end = data.rfind(b"\n", start, start + bound + 1)
            if end < 0:
                return False
            start = end + 1
        self.open = size - (data.rfind(b"\n") + 1)
        return True
