"""Stream one log file as bounded chunks of whole lines, repairing bad bytes on the way.

A file of any size is read in blocks, never whole: `.gz` files are decompressed as they are read,
the stored bytes are hashed (sha256, for provenance) in the same pass, and the lines are handed
out in chunks of about `CHUNK_BYTES` that end at a line end, chosen where a record starts (so a
multi-line record never straddles two chunks). Each chunk is valid UTF-8 text:

- a UTF-8 byte order mark is dropped; a UTF-16 file with a byte order mark is decoded (`utf16`);
- a file whose first block has carriage returns and no line feed has CR-only line endings: they
  split lines (`cr_line_endings`);
- a line holding NUL bytes and more than one control character in ten starts a binary region,
  which goes on until a line is text again (valid UTF-8, few control characters); the region
  is skipped, except the text pieces between NUL runs, so a block of NULs (a crash, a
  preallocated file) loses no valid line around it; each region counts one `binary_region` (a
  file with nothing else is a `binary_file`);
- bytes that are not UTF-8 become U+FFFD, counted per line (`invalid_utf8`);
- a line longer than the window is cut to `max_line_bytes` and the rest of it skipped (SQL then
  truncates it to `max_line_chars` and counts it);
- with a size bound (`limit`), reading stops at the last line end before it (`too_large`).

Python only looks at every line of a chunk when the chunk holds a NUL byte or bad UTF-8.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.snapshot import textio

CHUNK_BYTES = 16 << 20
"""Chunks of lines handed to the database are about this size (bytes of UTF-8 text)."""
BLOCK_BYTES = textio.BLOCK_BYTES
SAMPLE_BYTES = 64 << 10
CONTROL_BYTES = bytes((*(code for code in range(32) if code not in (9, 10, 12, 13, 27)), 127))
"""The control characters that make a line binary when more than one in ten of its bytes are
(with a NUL among them: see `_drop_binary`)."""
_NULS = re.compile(rb"\x00+")
_BOUNDARY_TRIES = 4096
"""Line starts tried, from the end of a window backwards, to find one that starts a record."""


@dataclass(frozen=True)
class Chunk:
    """Whole lines of a file: either `raw` bytes (valid UTF-8, each line ending with LF, the last
    one maybe not; no NUL, CR or 0x01 byte, so the database's CSV reader splits them exactly) or
    `text` (lines joined by LF, no final LF). The database numbers and counts the lines."""

    raw: bytes | memoryview | None = None
    text: str | None = None

    def line_count(self) -> int:
        """Its lines, as the database counts them (a `raw` view is a prefix of the bytes
        read, as `FileStream` makes it: counted there, without a copy)."""
        if self.text is not None:
            return self.text.count("\n") + 1
        raw = self.raw
        if not raw:
            return 0
        if isinstance(raw, memoryview) and isinstance(raw.obj, bytes):
            ends = raw.obj.count(b"\n", 0, raw.nbytes)
        else:
            ends = bytes(raw).count(b"\n")
        return ends + (bytes(raw[-1:]) != b"\n")


Boundary = Callable[[str], bool]
"""Whether a line (decoded, no line end) starts a record, so a chunk may start with it."""


@dataclass
class FileStream:
    """One file, read once from start to end by `chunks()`; `sample()` may be called first.

    After `chunks()` is exhausted, `problems`, `size` (decoded bytes) and `sha256` (of the stored
    bytes, read to the end even when the text stops early) describe the file.
    """

    path: Path
    gz: bool
    max_line_bytes: int = 4 << 20
    limit: int | None = None
    chunk_bytes: int = CHUNK_BYTES
    problems: dict[str, int] = field(default_factory=dict)
    size: int = 0
    sha256: str = ""

    def __post_init__(self) -> None:
        self._digest = hashlib.sha256()
        self._blocks = self._decoded()
        self._head: list[bytes] = []
        self._in_region = False
        self._kept = False

    def sample(self) -> list[str]:
        """The complete lines of the first SAMPLE_BYTES of text (for format detection)."""
        size = sum(map(len, self._head))
        for block in self._blocks:
            self._head.append(block)
            size += len(block)
            if size >= SAMPLE_BYTES:
                break
        data = b"".join(self._head)[: SAMPLE_BYTES + 1]
        lines = data[:SAMPLE_BYTES].split(b"\n")
        if len(data) > SAMPLE_BYTES and len(lines) > 1:
            lines.pop()
        return [line.rstrip(b"\r").decode("utf-8", "replace") for line in lines]

    def close(self) -> None:
        """Stop reading the file (after `sample()`, when the file is loaded another way)."""
        self._blocks.close()

    def chunks(self, boundary: Boundary | None = None) -> Iterator[Chunk]:
        """The file's lines in chunks; with `boundary`, a chunk only starts at a line it
        accepts (unless none of the last _BOUNDARY_TRIES lines of a window does)."""
        parts: list[bytes] = []
        pending = 0
        skipping = False  # inside an over-long line, after its first max_line_bytes
        for block in self._all_blocks():
            if skipping:
                end = block.find(b"\n")
                if end < 0:
                    continue
                block, skipping = block[end:], False
            parts.append(block)
            pending += len(block)
            if pending < self.chunk_bytes:
                continue
            data = b"".join(parts)
            cut = self._cut(data, boundary)
            if cut < 0:  # no line end yet: one line as long as the chunk
                if pending < self.max_line_bytes:
                    parts = [data]
                    continue
                head = textio.char_boundary(data[: self.max_line_bytes])
                parts, pending, skipping = [head], len(head), True
                continue
            yield from self._emit(data, cut)
            parts = [data[cut:]]
            pending = len(parts[0])
        data = b"".join(parts)
        if data:
            yield from self._emit(data, len(data))
        if self.problems.get("binary_region") and not self._kept:
            self.problems.pop("binary_region")
            self.problems["binary_file"] = 1
        self.sha256 = self._digest.hexdigest()

    def _all_blocks(self) -> Iterator[bytes]:
        while self._head:
            yield self._head.pop(0)
        yield from self._blocks

    def _cut(self, data: bytes, boundary: Boundary | None) -> int:
        """Where to end the chunk in `data`: after a line end, before a record start; -1 when
        `data` holds no line end."""
        end = data.rfind(b"\n")
        if end < 0:
            return -1
        if boundary is None:
            return end + 1
        # The line after a cut must be complete to be judged: try the starts of complete lines.
        start = data.rfind(b"\n", 0, end)
        for _ in range(_BOUNDARY_TRIES):
            if start < 0:
                break
            line = data[start + 1 : end].rstrip(b"\r").decode("utf-8", "replace")
            if boundary(line):
                return start + 1
            end, start = start, data.rfind(b"\n", 0, start)
        return data.rfind(b"\n") + 1

    def _emit(self, data: bytes, end: int) -> Iterator[Chunk]:
        """The lines of `data[:end]` as one chunk, if any line is left."""
        if self._in_region or data.find(b"\0", 0, end) >= 0:
            kept = self._drop_binary(
                data[: end - 1] if data[end - 1 : end] == b"\n" else data[:end]
            )
            if kept is None:
                return
            self._kept = True
            yield Chunk(text=self._decode(kept))
            return
        self._kept = True
        raw = memoryview(data)[:end]
        if data.find(b"\r", 0, end) < 0 and data.find(b"\x01", 0, end) < 0 and _is_utf8(data, raw):
            yield Chunk(raw=raw)
        else:
            yield Chunk(text=self._decode(raw[: end - 1] if data[end - 1 : end] == b"\n" else raw))

    def _decode(self, data: bytes | memoryview) -> str:
        try:
            return str(data, "utf-8")
        except UnicodeDecodeError:
            return self.repair(data)

    def repair(self, data: bytes | memoryview) -> str:
        """`data` decoded with U+FFFD for bytes that are not UTF-8 (counted per line as
        `invalid_utf8`)."""
        text, bad = textio.repair(bytes(data))
        self.problems["invalid_utf8"] = self.problems.get("invalid_utf8", 0) + bad
        return text

    def _drop_binary(self, data: bytes) -> bytes | None:
        kept: list[bytes] = []
        for line in data.split(b"\n"):
            # A binary region starts at a line with NUL bytes and more than one control byte in
            # ten, and goes on until a line is text again.
            if (b"\0" in line and _mostly_controls(line)) or (
                self._in_region and not _is_text(line)
            ):
                if not self._in_region:
                    self.problems["binary_region"] = self.problems.get("binary_region", 0) + 1
                    self._in_region = True
                kept += [piece for piece in _NULS.split(line) if _is_text(piece)]
            else:
                kept.append(line)
                self._in_region = False
        return b"\n".join(kept) if kept else None

    def _stored(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            while block := handle.read(BLOCK_BYTES):
                self._digest.update(block)
                yield block

    def _decoded(self) -> Generator[bytes]:
        """The file's text bytes: decompressed, BOM handled, CR-only endings turned to LF,
        stopped at the size bound; the rest of the stored bytes is still hashed."""
        stored = self._stored()
        raw = textio.gunzip(stored, self.problems) if self.gz else stored
        first = True
        crlf = False
        decoder: codecs.IncrementalDecoder | None = None
        for block in raw:
            if first:
                first = False
                if block.startswith(codecs.BOM_UTF8):
                    block = block[3:]
                elif block.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    decoder = codecs.getincrementaldecoder("utf-16")("replace")
                    self.problems["utf16"] = 1
            if decoder is not None:
                block = decoder.decode(block).encode("utf-8", "surrogatepass")
            if self.size == 0 and b"\r" in block[:SAMPLE_BYTES] and b"\n" not in block:
                crlf = True
                self.problems["cr_line_endings"] = 1
            if crlf:
                block = block.replace(b"\r", b"\n")
            if self.limit is not None and self.size + len(block) > self.limit:
                head = block[: self.limit - self.size]
                yield head[: head.rfind(b"\n") + 1]
                self.problems["too_large"] = 1
                break
            self.size += len(block)
            yield block
        for _ in stored:  # hash what was not read
            pass


def _is_utf8(whole: bytes, part: memoryview) -> bool:
    """Whether `part` (a prefix of `whole`) is valid UTF-8: at once when `whole` is ASCII."""
    if whole.isascii():
        return True
    try:
        str(part, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_controls(line: bytes) -> bool:
    return (len(line) - len(line.translate(None, CONTROL_BYTES))) * 10 > len(line)


def _is_text(piece: bytes) -> bool:
    if not piece.strip() or _mostly_controls(piece):
        return False
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
