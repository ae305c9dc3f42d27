"""What an ingest found, for people: problem warnings and `reportgen snapshot inspect` output.

`inspect_files` adds to each `FileInfo` what the `logs` table knows about the file (time span,
hosts, categories); `inspect_table` and `inspect_json` print that; `problem_warnings` says, one
line per file, what went wrong while reading it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from reportgen.snapshot.model import FileInfo, SnapshotInfo
from reportgen.terminal import terminal_safe

BENIGN = frozenset({"blank_line"})
"""Problems counted but not warned about: they lose nothing."""
_MAX_WARNINGS = 20
_DESCRIBE = {
    "bad_gzip": "truncated or corrupt gzip; kept what could be read",
    "too_large": "too large; kept the first part, up to the size bound",
    "binary_file": "looks binary; skipped",
    "binary_region": "{n} binary region(s) skipped; the lines around them kept",
    "utf16": "UTF-16; decoded",
    "cr_line_endings": "CR-only line endings; split into lines",
    "empty_file": "empty; skipped",
    "invalid_utf8": "{n} line(s) not valid UTF-8; bad bytes replaced by U+FFFD",
    "long_line": "{n} line(s) longer than max_line_chars; truncated",
    "bad_timestamp": (
        "{n} record(s) without a readable time; took the previous record's "
        "(the next one's before the first readable time)"
    ),
    "unreadable": "cannot be read (permission denied); skipped",
    "outside_root": "a link to a file outside the snapshot (symbolic, or a hard link with "
    "other names elsewhere); skipped",
    "not_regular": "not a regular file (a device, a pipe, a link to a folder or a broken "
    "link); skipped",
    "duplicate": "an earlier tar member of the same name; dropped, the last one was read",
}


@dataclass(frozen=True)
class FileView:
    """One file of an inspected snapshot."""

    info: FileInfo
    start: datetime | None
    end: datetime | None
    hosts: tuple[str, ...]
    categories: tuple[str, ...]


def problem_warnings(info: SnapshotInfo) -> list[str]:
    """One line per file with a problem worth a warning (at most 20, then a count)."""
    lines = []
    for item in info.files:
        found = [
            _DESCRIBE.get(name, name + ": {n}").format(n=count)
            for name, count in sorted(item.problems.items())
            if name not in BENIGN
        ]
        if found:
            lines.append(f"{item.name}: " + "; ".join(found))
    if len(lines) > _MAX_WARNINGS:
        lines = [*lines[:_MAX_WARNINGS], f"... and {len(lines) - _MAX_WARNINGS} more files"]
    return lines


def pruned_files(info: SnapshotInfo) -> str:
    """The files left unread because no query of the run can match them, for `--explain`."""
    names = [item.name for item in info.files if item.format == "pruned"]
    lines = ["", "== files =="]
    lines.append(f"read: {sum(1 for item in info.files if item.format != 'pruned')} files")
    if names:
        lines.append("pruned (no record can match the scope):")
        lines += [f"  {name}" for name in names]
    else:
        lines.append("pruned: none")
    return "\n".join(lines)


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def inspect_json(info: SnapshotInfo, views: list[FileView]) -> str:
    """The inspection as JSON text."""
    document: dict[str, Any] = {
        "roots": [str(root) for root in info.roots],
        "rows": info.rows,
        "start": _time(info.start),
        "end": _time(info.end),
        "sha256": info.digest,
        "problems": info.problems,
        "files": [
            {
                "name": view.info.name,
                "format": view.info.format,
                "bytes": view.info.bytes,
                "lines": view.info.lines,
                "records": view.info.records,
                "start": _time(view.start),
                "end": _time(view.end),
                "hosts": list(view.hosts),
                "categories": list(view.categories),
                "problems": dict(sorted(view.info.problems.items())),
            }
            for view in views
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _short(values: tuple[str, ...]) -> str:
    if len(values) <= 3:
        return ",".join(values)
    return ",".join(values[:2]) + f",+{len(values) - 2}"


def inspect_table(info: SnapshotInfo, views: list[FileView]) -> str:
    """The inspection as an aligned text table, with a totals line."""
    header = ("file", "format", "lines", "records", "start", "end", "hosts", "categories",
              "problems")  # fmt: skip
    rows = [header]
    for view in views:
        problems = ",".join(f"{k}={v}" for k, v in sorted(view.info.problems.items()))
        rows.append((
            view.info.name, view.info.format or "-", f"{view.info.lines:,}",
            f"{view.info.records:,}", _time(view.start) or "-", _time(view.end) or "-",
            _short(view.hosts) or "-", _short(view.categories) or "-", problems or "-",
        ))  # fmt: skip
    # Names, hosts and categories come from the snapshot: no terminal escapes from them.
    safe = [[terminal_safe(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in safe) for i in range(len(header))]
    numeric = {2, 3}
    lines = []
    for row in safe:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    total = ", ".join(f"{k}={v}" for k, v in info.problems.items()) or "none"
    lines.append(
        f"{len(info.files)} files, {info.rows:,} records, "
        f"{_time(info.start) or '-'} to {_time(info.end) or '-'}; problems: {total}"
    )
    return "\n".join(lines) + "\n"
