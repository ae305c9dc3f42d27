"""Fields as the planner sees them: name, type, SQL column; and the metadata of the log table.

Field names are case-insensitive (§9): a `Field` has a `key` (lower case) for identity, a `name`
(the spelling shown in results) and `col`, the SQL identifier of its column in the CTE chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

FieldType = Literal["string", "number", "time", "bool", "link"]  # link: tourl's `[text](url)`


@dataclass(frozen=True)
class Meta:
    """A metadata column of the `logs` table (times are timestamps there, epoch ms as fields)."""

    key: str
    type: FieldType


# Message results show `_messagetime`, `_raw`, the fields added by stages, then these in order.
METADATA: tuple[Meta, ...] = (
    Meta("_messagetime", "time"),
    Meta("_raw", "string"),
    Meta("_sourcehost", "string"),
    Meta("_sourcecategory", "string"),
    Meta("_sourcename", "string"),
    Meta("_source", "string"),
    Meta("_collector", "string"),
    Meta("_size", "number"),
    Meta("_messagecount", "number"),
    Meta("_receipttime", "time"),
    Meta("_format", "string"),
)
METADATA_KEYS = frozenset(meta.key for meta in METADATA)

# Internal columns of the message phase: the original timestamp and the tie-breakers of the
# newest-first order, and the nodrop "rescued" flag (§4.2).
TS = "__rg_ts"
SOURCE_NAME = "__rg_sn"
LINE = "__rg_mc"
RESCUED = "__rg_rescued"
# In a field extraction rule, extraction stages clear this flag instead of dropping a row.
KEEP = "__rg_keep"


_PLAIN = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Field:
    key: str
    name: str
    type: FieldType
    col: str  # quoted SQL identifier
    hidden: bool = False  # removed by `fields`: still a column, no longer a field


@dataclass(frozen=True)
class OrderTerm:
    col: str
    descending: bool
    text: bool  # compare by code point (DuckDB: COLLATE "binary")


@dataclass(frozen=True)
class Schema:
    """The row shape after a stage: fields in order, plus internal columns. `open_at` is the
    index of a `json auto`/`kv auto` stage whose data may hold fields no one listed: a name
    the query uses later is one of them (null where the data lacks it), not an error."""

    fields: tuple[Field, ...]
    internal: tuple[str, ...] = ()
    open_at: int | None = None

    def get(self, key: str) -> Field | None:
        for item in self.fields:
            if item.key == key and not item.hidden:
                return item
        return None

    @property
    def visible(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.hidden)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.visible]

    def columns(self) -> list[str]:
        return [f.col for f in self.fields] + list(self.internal)

    def put(self, item: Field) -> Schema:
        """Add `item`, or replace the field (visible or hidden) with the same key in place."""
        for index, old in enumerate(self.fields):
            if old.key == item.key:
                fields = (*self.fields[:index], item, *self.fields[index + 1 :])
                return replace(self, fields=fields)
        return replace(self, fields=(*self.fields, item))

    def with_internal(self, col: str) -> Schema:
        return self if col in self.internal else replace(self, internal=(*self.internal, col))


class ColumnNames:
    """Hands out SQL identifiers, quoted by `quote` (the dialect's): the key itself when plain,
    else a unique `__rg_f<n>_...`; with a `prefix`, always `<prefix><n>_...` (the private
    columns of a field extraction rule)."""

    def __init__(self, quote: Callable[[str], str], prefix: str = "") -> None:
        self._used: dict[str, str] = {}
        self._quote = quote
        self.prefix = prefix

    def col(self, key: str) -> str:
        if key in self._used:
            return self._used[key]
        if _PLAIN.fullmatch(key) and not key.startswith("__rg_") and not self.prefix:
            ident = key
        else:
            head = self.prefix or "__rg_f"
            ident = f"{head}{len(self._used)}_" + re.sub(r"[^a-z0-9_]", "_", key)[:24]
        self._used[key] = self._quote(ident)
        return self._used[key]
