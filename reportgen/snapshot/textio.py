"""Byte-level helpers: decompress `.gz` files, sample a file's first lines, repair bad UTF-8.

DuckDB reads the (decompressed, valid UTF-8) text of every file; these helpers prepare such a
file when the original cannot be read directly. They stream in chunks, never per line, except
`transcode`, the fallback for files that are not valid UTF-8.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from reportgen.errors import SnapshotError

MAX_FILE_BYTES = 2 << 30
"""Largest (decompressed) file accepted: DuckDB reads each file as one string."""
SAMPLE_BYTES = 64 << 10
_CHUNK = 1 << 20


def is_gzip(name: str, path: Path) -> bool:
    """Whether a file is read through gzip: its name ends with `.gz` and it starts like gzip."""
    if not name.lower().endswith(".gz"):
        return False
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def gunzip(source: Path, dest: Path, label: str) -> bool:
    """Decompress `source` (one or more gzip members) into `dest`; False when the stream is
    corrupt or truncated, keeping what could be read. SnapshotError past MAX_FILE_BYTES (`label`
    names the file)."""
    written = 0
    decoder = zlib.decompressobj(wbits=31)
    pending = False  # a member has started and not ended
    with source.open("rb") as stream, dest.open("wb") as out:
        while chunk := stream.read(_CHUNK):
            while pending or chunk.strip(b"\0"):  # zero padding may follow the last member
                try:
                    data = decoder.decompress(chunk, _CHUNK)
                except zlib.error:
                    return False
                pending = True
                written += len(data)
                if written > MAX_FILE_BYTES:
                    raise SnapshotError(
                        f"{label}: more than {MAX_FILE_BYTES} bytes once decompressed; split it"
                    )
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
    return not pending


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
