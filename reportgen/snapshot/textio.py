"""Byte-level helpers of the reader: gzip, UTF-8 repair, the size bound.

The reading itself streams in `reportgen.snapshot.reader`; these work on one block at a time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

inflate: ModuleType = zlib
try:  # Intel's ISA-L inflates the same streams 2.4 times as fast as zlib
    from isal import isal_zlib

    inflate = isal_zlib
except ImportError:  # a platform without its wheel
    pass
ERRORS: tuple[type[BaseException], ...] = (zlib.error, inflate.error)

BLOCK_BYTES = 1 << 20
"""Bytes read (or decompressed) at a time."""
_BAD_LINES_BEFORE_SPLIT = 8

MAX_FILE_BYTES: int | None = None
"""Bound on a file's (decompressed) size, None for none: files of any size are streamed. A file
cut at a bound keeps its lines up to it and counts `too_large`."""


def is_gzip(name: str, path: Path) -> bool:
    """Whether a file is read through gzip: its name ends with `.gz` and it starts like gzip."""
    if not name.lower().endswith(".gz"):
        return False
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def gunzip(stored: Iterator[bytes], problems: dict[str, int]) -> Iterator[bytes]:
    """Decompress one or more gzip members; a corrupt or truncated stream counts `bad_gzip` and
    keeps what could be read. Zero padding after the last member is allowed."""
    decoder = inflate.decompressobj(wbits=31)
    pending = False  # a member has started and not ended
    for chunk in stored:
        while pending or chunk.strip(b"\0"):
            try:
                data = decoder.decompress(chunk, BLOCK_BYTES)
            except ERRORS:
                problems["bad_gzip"] = 1
                return
            pending = True
            if data:
                yield data
            if decoder.eof:
                chunk = decoder.unused_data
                decoder = inflate.decompressobj(wbits=31)
                pending = False
            elif decoder.unconsumed_tail:
                chunk = decoder.unconsumed_tail
            elif len(data) == BLOCK_BYTES:
                chunk = b""  # more output may be waiting inside the decoder
            else:
                break
    if pending:
        problems["bad_gzip"] = 1


def char_boundary(data: bytes) -> bytes:
    """`data` without a UTF-8 sequence cut at its end."""
    back = len(data)
    while back > 0 and len(data) - back < 3 and (data[back - 1] & 0xC0) == 0x80:
        back -= 1
    if back > 0 and data[back - 1] >= 0xC0:
        lead = data[back - 1]
        need = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        if len(data) - (back - 1) < need:
            return data[: back - 1]
    return data


def repair(data: bytes) -> tuple[str, int]:
    """`data` decoded with U+FFFD for bytes that are not UTF-8; the number of lines repaired."""
    parts: list[str] = []
    bad = start = 0
    while True:
        try:
            parts.append(data[start:].decode("utf-8"))
            return "".join(parts), bad
        except UnicodeDecodeError as error:
            at = start + error.start
        newline = data.rfind(b"\n", start, at)
        line_start = start if newline < 0 else newline + 1
        line_end = data.find(b"\n", at)
        line_end = len(data) if line_end < 0 else line_end
        parts.append(data[start:line_start].decode("utf-8"))
        parts.append(data[line_start:line_end].decode("utf-8", "replace"))
        bad += 1
        start = line_end
        if start >= len(data):
            return "".join(parts), bad
        if bad >= _BAD_LINES_BEFORE_SPLIT:
            break
    for line in data[start:].split(b"\n"):
        try:
            parts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            parts.append(line.decode("utf-8", "replace"))
            bad += 1
        parts.append("\n")
    parts.pop()
    return "".join(parts), bad
