"""What an ingest reports back: one `FileInfo` per input file and a `SnapshotInfo` for the whole.

Problem counters are plain `dict[str, int]` keyed by a short stable name; the names in use:

- `empty_file`: a file with no bytes (or a `.gz` that decompresses to nothing); skipped.
- `bad_gzip`: a `.gz` file that is truncated or corrupt; what could be read is kept.
- `too_large`: a file larger than `textio.MAX_FILE_BYTES` when a bound is set (none by default);
  its lines up to the bound are kept.
- `binary_file`: a file that holds nothing but binary regions; skipped.
- `binary_region`: runs of lines with NUL bytes and many control characters (see
  `reportgen.snapshot.reader`); skipped, the lines around them kept.
- `utf16`: a UTF-16 file with a byte order mark; decoded.
- `cr_line_endings`: a file with CR-only line endings; split into lines at each CR.
- `unreadable`: a file that cannot be opened; skipped.
- `invalid_utf8`: lines with bytes that are not UTF-8; the bytes were replaced by U+FFFD.
- `long_line`: lines longer than sources.yaml `max_line_chars` (default 1 MiB); truncated.
- `blank_line`: empty or whitespace-only lines; skipped.
- `bad_timestamp`: records without a parsable time; they take the previous record's time (the
  next readable one's before the first; the file's modification time when it has none).
- `not_regular`: folder entries that are not regular files (devices, pipes, links to folders,
  broken links); skipped.
- `outside_root`: links that lead outside the snapshot: a symbolic link to a file outside the
  root, or a file with hard links beyond the snapshot's own (non-hidden) files; skipped.
- `unreadable`: files and folders that cannot be opened (permission denied); skipped. A folder's
  name ends with `/`.
- `duplicate`: a tar member followed by another of the same name, which replaced it (as `tar x`
  does); the dropped one is listed with this problem.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

LOG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_messagetime", "TIMESTAMPTZ"),
    ("_receipttime", "TIMESTAMPTZ"),
    ("_raw", "VARCHAR"),
    ("_sourcehost", "VARCHAR"),
    ("_sourcecategory", "VARCHAR"),
    ("_sourcename", "VARCHAR"),
    ("_source", "VARCHAR"),
    ("_collector", "VARCHAR"),
    ("_size", "BIGINT"),
    ("_messagecount", "BIGINT"),
    ("_format", "VARCHAR"),
)
"""The columns of the `logs` table, in order (docs/architecture.md)."""


@dataclass(frozen=True)
class FileInfo:
    """One input file: its path relative to its snapshot root (`name`, with `.gz` kept), the line
    format used, how many lines it had and records it gave, its size on disk and its problems."""

    name: str
    format: str
    lines: int
    records: int
    bytes: int
    problems: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SnapshotInfo:
    """The result of `ingest`: the inputs, every file (sorted by name), the row count, the time
    span of the messages (aware UTC datetimes, None when there are no rows), the problem totals
    and a `digest` (sha256 hex) of the files' names and bytes, for provenance."""

    roots: Sequence[Path | str]  # str: a URI (Spark)
    files: list[FileInfo]
    rows: int
    start: datetime | None
    end: datetime | None
    problems: dict[str, int]
    digest: str


def add_problems(total: dict[str, int], more: Mapping[str, int]) -> None:
    """Add the counters of `more` into `total`, leaving out zeros."""
    for key, count in more.items():
        if count:
            total[key] = total.get(key, 0) + count


def snapshot_digest(entries: Iterable[tuple[str, str]]) -> str:
    """The sha256 hex digest over `(name, sha256 hex of the file's bytes)` pairs, sorted by name.

    Each pair is fed as `name NUL hexdigest LF`, so renaming a file changes the digest as well as
    changing its bytes.
    """
    outer = hashlib.sha256()
    for name, file_digest in sorted(entries):
        outer.update(name.encode("utf-8", "surrogateescape"))
        outer.update(b"\0")
        outer.update(file_digest.encode("ascii"))
        outer.update(b"\n")
    return outer.hexdigest()


def file_sha256(path: Path) -> str:
    """The sha256 hex digest of a file's bytes as stored (compressed for `.gz`)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
