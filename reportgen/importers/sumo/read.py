"""Reading a Sumo Logic content export: the JSON file, and typed access to its nodes with the
JSON path of each (`$.children[2].panels[0].queries`), so that every error names where it is."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from reportgen.errors import ReportgenError, Span, did_you_mean

MAX_EXPORT_BYTES = 64 * 1024 * 1024
T = TypeVar("T")
_KINDS: dict[type, str] = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "true or false",
    int: "a number",
    float: "a number",
    type(None): "null",
}


class ExportError(ReportgenError):
    """A Sumo Logic export cannot be read: not JSON, a wrong type, a missing key."""


def kind_of(value: Any) -> str:
    """How a JSON value is named in messages: "an object", "a string"..."""
    return _KINDS.get(type(value), type(value).__name__)


def load_export(path: Path) -> Any:
    """The parsed JSON of the export at `path`; ExportError naming line:col when it is not JSON."""
    try:
        size = path.stat().st_size
        if size > MAX_EXPORT_BYTES:
            raise ExportError(
                f"{path}: the export is {size} bytes, more than the {MAX_EXPORT_BYTES} allowed"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ExportError(f"{path}: is a folder, not an exported JSON file") from None
    except OSError as error:
        raise ExportError(f"{path}: cannot read it: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(
            f"{path}: not UTF-8 text (byte {error.start + 1} is 0x{raw[error.start]:02x})",
            hint="Sumo Logic exports are UTF-8 JSON",
        ) from None
    if not text.strip():
        raise ExportError(f"{path}: the file is empty", hint="expected an exported JSON object")
    return parse_json(text, str(path), "$")


def parse_json(text: str, source: str, where: str) -> Any:
    """`text` parsed as JSON; the error names `source` and line:col (or the JSON path `where`
    of a string holding JSON, such as `visualSettings`)."""
    try:
        return json.loads(text, parse_constant=_not_json, parse_float=_finite)
    except json.JSONDecodeError as error:
        what = f"not valid JSON: {error.msg}"
        if where == "$":
            span = Span(source, error.lineno, error.colno, error.pos, error.pos + 1)
            raise ExportError(what, span) from None
        raise ExportError(
            f"{source}: {where}: {what} (line {error.lineno}, column {error.colno} of the string)"
        ) from None
    except _NotJson as error:
        raise ExportError(f"{source}: {where}: not valid JSON: {error}") from None
    except RecursionError:
        raise ExportError(f"{source}: {where}: JSON nested too deeply") from None


class _NotJson(ValueError):
    """A value Python's json reads but JSON has not: NaN, Infinity, a number beyond a double."""


def _not_json(name: str) -> float:
    raise _NotJson(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotJson(f"the number {text[:20]} is too large")
    return value


@dataclass(frozen=True)
class Node:
    """A JSON value and where it is: the export's file name and its JSON path."""

    value: Any
    source: str
    path: str = "$"

    def fail(self, message: str, hint: str | None = None) -> ExportError:
        """An ExportError about this node."""
        return ExportError(f"{self.source}: {self.path}: {message}", hint=hint)

    def is_object(self) -> bool:
        return isinstance(self.value, dict)

    def keys(self) -> list[str]:
        return list(self.value) if isinstance(self.value, dict) else []

    def child(self, key: str | int) -> Node:
        """The node at `key` (an object key or a list index), None-valued when absent."""
        path = f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}"
        if isinstance(key, int):
            value = self.value[key] if isinstance(self.value, list) else None
        else:
            value = self.value.get(key) if isinstance(self.value, dict) else None
        return Node(value, self.source, path)

    def require_object(self, what: str = "") -> Node:
        if not isinstance(self.value, dict):
            label = f" ({what})" if what else ""
            raise self.fail(f"expected an object{label}, got {kind_of(self.value)}")
        return self

    def get(self, key: str, expected: type[T], *, required: bool = False) -> T | None:
        """The value at `key`, checked to be of `expected` type (null counts as absent)."""
        self.require_object()
        node = self.child(key)
        if node.value is None:
            if required:
                raise self.missing(key)
            return None
        ok = isinstance(node.value, expected)
        if expected is float:
            ok = isinstance(node.value, int | float) and not isinstance(node.value, bool)
        if expected is int and isinstance(node.value, bool):
            ok = False
        if not ok:
            wanted = _KINDS.get(expected, "a value")
            raise node.fail(f"expected {wanted}, got {kind_of(node.value)}")
        return cast(T, node.value)

    def text(self, key: str, default: str = "") -> str:
        value = self.get(key, str)
        return default if value is None else value

    def items(self, key: str, *, required: bool = False) -> list[Node]:
        """The elements of the list at `key`, each with its path."""
        self.get(key, list, required=required)
        node = self.child(key)
        return [node.child(index) for index in range(len(node.value or []))]

    def missing(self, key: str) -> ExportError:
        """The error for a missing `key`, pointing at a present key it may be misspelled as."""
        close = did_you_mean(key, self.keys())
        hint = f"found '{close}': did you mean '{key}'?" if close else None
        return self.fail(f"missing key '{key}'", hint)

    def embedded(self, key: str) -> Node:
        """The object held as a JSON string at `key` (`visualSettings`, `properties`), or an
        empty object when absent."""
        text = self.get(key, str)
        node = self.child(key)
        if text is None or not text.strip():
            return Node({}, self.source, node.path)
        value = parse_json(text, self.source, node.path)
        parsed = Node(value, self.source, node.path)
        return parsed.require_object("a JSON object in a string")
