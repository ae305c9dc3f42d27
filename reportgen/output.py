"""Writing results: the `query` output formats, CSV cells safe in spreadsheets, atomic writes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportgen.engine.result import Result
from reportgen.terminal import terminal_safe
from reportgen.timerange import zone_info

OUTPUT_FORMATS = ("table", "csv", "json", "jsonl")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(text: str) -> str:
    """`text` as a CSV cell that a spreadsheet shows as text: a cell starting with `=`, `+`,
    `-`, `@`, a tab or a carriage return would be run as a formula (log text is
    attacker-controlled), so it gets a leading `'` (OWASP's advice), unless it is a number."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename, so a failed run never leaves
    a half-written file where the previous one was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def iso_time(value: int | float | datetime, tz: str) -> str:
    """ISO 8601 in zone `tz`: `2026-11-20T10:00:00Z` (UTC) or `...+01:00`; milliseconds only
    when there are some."""
    moment = value if isinstance(value, datetime) else datetime.fromtimestamp(value / 1000, tz=UTC)
    local = moment.astimezone(zone_info(tz))
    spec = "milliseconds" if local.microsecond else "seconds"
    text = local.isoformat(timespec=spec)
    return text[:-6] + "Z" if text.endswith("+00:00") and tz.upper() in ("UTC", "ETC/UTC") else text


def local_time(value: int | float, tz: str) -> str:
    """`yyyy-MM-dd HH:mm:ss` (plus `.SSS` when there are milliseconds) in zone `tz`, then the
    offset (` +01:00`) unless the zone is UTC: the same wall time can come twice a year."""
    local = datetime.fromtimestamp(value / 1000, tz=UTC).astimezone(zone_info(tz))
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond // 1000:03d}"
    if tz.upper() not in ("UTC", "ETC/UTC"):
        text += " " + local.isoformat()[-6:]
    return text


def _cell(value: Any, kind: str, tz: str, iso: bool) -> Any:
    if value is None:
        return None
    if kind == "time" and isinstance(value, int | float):
        return iso_time(value, tz) if iso else local_time(value, tz)
    return value


def format_result(result: Result, fmt: str, tz: str = "UTC") -> str:
    """`result` as text in one of OUTPUT_FORMATS; time columns in zone `tz`."""
    kinds: list[str] = [column.type for column in result.columns]
    names = result.names
    if fmt in ("json", "jsonl"):
        records = [
            {name: _cell(v, k, tz, True) for name, v, k in zip(names, row, kinds, strict=True)}
            for row in result.rows
        ]
        if fmt == "json":
            return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([spreadsheet_safe(name) for name in names])
        for row in result.rows:
            writer.writerow(
                [_csv_cell(_cell(v, k, tz, True)) for v, k in zip(row, kinds, strict=True)]
            )
        return buffer.getvalue()
    return _table(result, kinds, tz)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _table(result: Result, kinds: list[str], tz: str) -> str:
    def text(value: Any, kind: str) -> str:
        cell = _cell(value, kind, tz, False)
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        return terminal_safe(str(cell).replace("\r", "\\r").replace("\n", "\\n"))

    rows = [[text(v, k) for v, k in zip(row, kinds, strict=True)] for row in result.rows]
    widths = [len(name) for name in result.names]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    right = [kind == "number" for kind in kinds]

    def line(cells: list[str]) -> str:
        parts = [
            c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [line(result.names), line(["-" * w for w in widths])]
    lines += [line(row) for row in rows]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"
