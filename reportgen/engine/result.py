"""The table a query returns: what every renderer and output format reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ColumnType = Literal["string", "number", "time", "bool", "link"]
ResultKind = Literal["messages", "aggregate"]


@dataclass(frozen=True)
class Column:
    """One result column. `name` keeps the spelling the query used (`_sourceHost`); `type` is
    "time" for `_timeslice`/`_messagetime` (values are epoch milliseconds, UTC) and "link" for
    `tourl` (text values `[text](url)`, see `reportgen.render.links`)."""

    name: str
    type: ColumnType


@dataclass
class Result:
    """Rows of one query, in result order.

    `kind` is "messages" when the query has no aggregation (rows newest first, with `_messagetime`
    and `_raw`), else "aggregate". Values are None, str, int, float or bool; time columns hold
    epoch milliseconds as int.
    """

    columns: list[Column]
    rows: list[tuple[Any, ...]]
    kind: ResultKind
    sql: str = ""
    warnings: list[str] = field(default_factory=list)
    rows_scanned: int = 0

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name, in column order."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows]
