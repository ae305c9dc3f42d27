"""Fields as the planner sees them: name, type, SQL column; and the metadata of the log table.

Field names are case-insensitive (§9): a `Field` has a `key` (lower case) for identity, a `name`
(the spelling shown in results) and `col`, the SQL identifier of its column in the CTE chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

FieldType = Literal["string", "number", "time", "bool", "link"]  # link: tourl's `[text](url)`


@dataclass(frozen=True)
class Meta:
    """A metadata column of the `logs` table: `expr` reads it (times become epoch ms)."""

    key: str
    type: FieldType
    expr: str


# Message results show `_messagetime`, `_raw`, the fields added by stages, then these in order.
METADATA: tuple[Meta, ...] = (
    Meta("_messagetime", "time", "epoch_ms(t._messagetime)"),
    Meta("_raw", "string", "t._raw"),
    Meta("_sourcehost", "string", "t._sourcehost"),
    Meta("_sourcecategory", "string", "t._sourcecategory"),
    Meta("_sourcename", "string", "t._sourcename"),
    Meta("_source", "string", "t._source"),
    Meta("_collector", "string", "t._collector"),
    Meta("_size", "number", "t._size"),
    Meta("_messagecount", "number", "t._messagecount"),
    Meta("_receipttime", "time", "epoch_ms(t._receipttime)"),
    Meta("_format", "string", "t._format"),
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


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
    text: bool  # compare by code point (COLLATE "binary")

    def sql(self) -> str:
        collate = ' COLLATE "binary"' if self.text else ""
        direction = "DESC" if self.descending else "ASC"
        return f"{self.col}{collate} {direction} NULLS LAST"


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
    """Hands out SQL identifiers: the key itself when plain, else a unique `__rg_f<n>_...`;
    with a `prefix`, always `<prefix><n>_...` (the private columns of a field extraction rule)."""

    def __init__(self, prefix: str = "") -> None:
        self._used: dict[str, str] = {}
        self.prefix = prefix

    def col(self, key: str) -> str:
        if key in self._used:
            return self._used[key]
        if _PLAIN.fullmatch(key) and not key.startswith("__rg_") and not self.prefix:
            ident = key
        else:
            head = self.prefix or "__rg_f"
            ident = f"{head}{len(self._used)}_" + re.sub(r"[^a-z0-9_]", "_", key)[:24]
        self._used[key] = quote_ident(ident)
        return self._used[key]
