"""Byte-level helpers: decompress `.gz` files, sample a file's first lines, repair bad UTF-8.

DuckDB reads the (decompressed, valid UTF-8) text of every file; these helpers prepare such a
file when the original cannot be read directly. They stream in chunks, never per line, except
`transcode`, the fallback for files that are not valid UTF-8.
"""

from __future__ import annotations

import zlib
from pathlib import Path

MAX_FILE_BYTES = 2 << 30
"""Largest (decompressed) file accepted: DuckDB reads each file as one string."""
SAMPLE_BYTES = 64 << 10
_CHUNK = 1 << 20
_CONTROLS = (*(code for code in range(32) if code not in (9, 10, 12, 13, 27)), 127)


def is_gzip(name: str, path: Path) -> bool:
    """Whether a file is read through gzip: its name ends with `.gz` and it starts like gzip."""
    if not name.lower().endswith(".gz"):
        return False
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def gunzip(source: Path, dest: Path, limit: int | None = None) -> str | None:
    """Decompress `source` (one or more gzip members) into `dest`, keeping what could be read:
    the problem found (`bad_gzip` for a corrupt or truncated stream, `too_large` when the output
    reached `limit`, default MAX_FILE_BYTES, where it stops), or None."""
    bound = MAX_FILE_BYTES if limit is None else limit
    written = 0
    decoder = zlib.decompressobj(wbits=31)
    pending = False  # a member has started and not ended
    with source.open("rb") as stream, dest.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            while pending or chunk.strip(b"\0"):  # zero padding may follow the last member
                try:
                    data = decoder.decompress(chunk, _CHUNK)
                except zlib.error:
                    return "bad_gzip"
                pending = True
                if written + len(data) > bound:
                    head = data[: bound - written]
                    if written == 0 or b"\n" in head:  # else the cut falls in an earlier chunk
                        head = head[: head.rfind(b"\n") + 1]
                    out.write(head)
                    return "too_large"
                written += len(data)
                out.write(data)
                if decoder.eof:
                    chunk = decoder.unused_data
                    decoder = zlib.decompressobj(wbits=31)
                    pending = False
                elif decoder.unconsumed_tail:
                    chunk = decoder.unconsumed_tail
                elif len(data) == _CHUNK:
                    chunk = b""  # more output may be waiting inside the decoder
                else:
                    break
    return "bad_gzip" if pending else None


def copy_head(source: Path, dest: Path, limit: int) -> None:
    """Copy the first `limit` bytes of `source` to `dest`, cut after the last newline in them."""
    remaining = limit
    tail = b""
    with source.open("rb") as stream, dest.open("wb") as out:
        while remaining > 0 and (chunk := stream.read(min(_CHUNK, remaining))):
            remaining -= len(chunk)
            out.write(tail)
            tail = chunk
        cut = tail.rfind(b"\n")
        out.write(tail if cut < 0 else tail[: cut + 1])


def is_binary(path: Path) -> bool:
    """Whether the first SAMPLE_BYTES of `path` look binary: more than one byte in ten is a
    control character (NUL included) that text logs do not hold."""
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES)
    controls = sum(data.count(bytes([code])) for code in _CONTROLS)
    return controls * 10 > len(data)


def sample_lines(path: Path) -> list[str]:
    """The complete lines in the first SAMPLE_BYTES of `path`, decoded leniently."""
    with path.open("rb") as handle:
        data = handle.read(SAMPLE_BYTES + 1)
    lines = data[:SAMPLE_BYTES].split(b"\n")
    if len(data) > SAMPLE_BYTES and len(lines) > 1:
        lines.pop()
    return [line.rstrip(b"\r").decode("utf-8", "replace") for line in lines]


def transcode(source: Path, dest: Path) -> int:
    """Copy `source` to `dest` as valid UTF-8, replacing undecodable bytes with U+FFFD; the number
    of lines that needed it."""
    bad = 0
    with source.open("rb") as handle, dest.open("wb") as out:
        for raw in handle:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                bad += 1
                raw = raw.decode("utf-8", "replace").encode("utf-8")
            out.write(raw)
    return bad
