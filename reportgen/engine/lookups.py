"""Lookup tables for queries: the CSV files sources.yaml maps (`lookups:`), read once, checked
and handed to the engine as tables (`Engine.load_table`), on first use by a query.

The CSV is parsed here, in Python, for every engine alike: a header row (names trimmed, unique
whatever their case), then rows of as many cells; values are text, an empty cell is "". Files
are bounded (MAX_BYTES, MAX_ROWS) with a clear message, as Sumo bounds its tables (100 MB).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reportgen.errors import SnapshotError, Span
from reportgen.query.plan.lookups import LookupTable, table_name
from reportgen.query.syntax.nodes import TableRef
from reportgen.snapshot.sources_content import LookupFile

if TYPE_CHECKING:
    from reportgen.engine.base import Engine

MAX_BYTES = 100 << 20
MAX_ROWS = 1_000_000


def table_key(name: str) -> str:
    """How queries name a table (`path://"/x"` and `/x` are the same table)."""
    return TableRef(name, Span("sources", 1, 1, 0, 0)).key


class LookupCatalog:
    """The lookup tables of a snapshot's sources.yaml files, loaded into an engine on demand."""

    def __init__(
        self,
        files: Sequence[LookupFile] = (),
        *,
        max_bytes: int = MAX_BYTES,
        max_rows: int = MAX_ROWS,
    ) -> None:
        self.max_bytes, self.max_rows = max_bytes, max_rows
        self.files: dict[str, LookupFile] = {}
        for item in files:
            key = table_key(item.name)
            known = self.files.get(key)
            if known is not None and known.label != item.label:
                raise SnapshotError(
                    f"lookup table '{item.name}' is mapped to two files: {known.label} and "
                    f"{item.label}",
                    item.where,
                    text=item.text,
                )
            self.files.setdefault(key, item)
        self._loaded: dict[str, LookupTable] = {}

    def table(self, engine: Engine, key: str) -> LookupTable | None:
        """The table queries name `key`, loaded into `engine` the first time; None when no
        file is mapped to it (the query planner says so, with a caret)."""
        if key in self._loaded:
            return self._loaded[key]
        item = self.files.get(key)
        if item is None:
            return None
        header, rows = read_csv(item, self.max_bytes, self.max_rows)
        table = LookupTable(key, table_name(key), tuple(header))
        engine.load_table(table.name, len(header), rows)
        self._loaded[key] = table
        return table


def read_csv(
    item: LookupFile, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a lookup file; SnapshotError with file:line for what is wrong."""
    where = f"lookup table '{item.name}'"
    try:
        data = item.read_bytes(max_bytes)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise SnapshotError(
            f"{where}: cannot read {item.label}: {reason}", item.where, text=item.text
        ) from None
    if len(data) > max_bytes:
        raise SnapshotError(
            f"{where}: {item.label} is larger than {max_bytes:,} bytes, the most a lookup "
            "table may hold",
            item.where,
            text=item.text,
        )
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header(item, cells, line)
                continue
            if len(cells) != len(header):
                raise _problem(
                    item, line, f"this row has {len(cells)} cells, the header {len(header)}"
                )
            rows.append(cells)
            if len(rows) > max_rows:
                raise _problem(
                    item, line, f"more than {max_rows:,} rows, the most a table may hold"
                )
    except csv.Error as error:
        raise _problem(item, reader.line_num, f"not valid CSV ({error})") from None
    if header is None:
        raise _problem(item, 1, "the file is empty; a lookup table starts with a header row")
    return header, rows


def _header(item: LookupFile, cells: list[str], line: int) -> list[str]:
    names = [cell.strip() for cell in cells]
    seen: set[str] = set()
    for name in names:
        if not name:
            raise _problem(item, line, "a column of the header row has no name")
        if name.lower() in seen:
            raise _problem(item, line, f"the header names column '{name}' twice")
        seen.add(name.lower())
    return names


def _problem(item: LookupFile, line: int, message: str) -> SnapshotError:
    return SnapshotError(f"{item.label}:{line}: {message} (lookup table '{item.name}')")
