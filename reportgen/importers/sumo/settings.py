"""Settings that are read once and accounted for: every leaf of a settings object (Sumo Logic's
`visualSettings`, a panel's keys) is either taken by the importer or listed as not carried over."""

from __future__ import annotations

import re
from typing import Any

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def is_empty(value: Any) -> bool:
    """Whether a setting sets nothing: null, false, "", [] or {}."""
    if value is None or value is False:
        return True
    return isinstance(value, str | list | dict) and not value


class Settings:
    """A JSON object whose leaves are `take`n by path (`axes.axisY.title`, `yAxis[0].title`);
    `leftovers()` names the leaves with a value that nobody took."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self._taken: set[str] = set()

    def take(self, path: str, default: Any = None) -> Any:
        """The value at `path` (default when absent); it and everything under it count as used."""
        self._taken.add(path)
        value = self.peek(path)
        return default if value is None else value

    def peek(self, path: str) -> Any:
        """The value at `path` without marking it used."""
        node: Any = self.data
        for part in _split(path):
            if isinstance(part, int):
                node = node[part] if isinstance(node, list) and part < len(node) else None
            else:
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                return None
        return node

    def drop(self, *paths: str) -> None:
        """Mark `paths` as accounted for without a note (identity keys, inert sections)."""
        self._taken.update(paths)

    def leftovers(self) -> list[str]:
        """The paths of leaves that hold a value and were not taken, in document order."""
        return [path for path, _ in self._leftover_leaves()]

    def notes(self, prefix: str = "") -> list[str]:
        """One note per leftover: `refreshInterval = 300 not carried over`."""
        return [
            f"{prefix}{path} = {_short(value)} not carried over"
            for path, value in self._leftover_leaves()
        ]

    def _leftover_leaves(self) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        self._walk(self.data, "", found)
        return found

    def _walk(self, node: Any, path: str, found: list[tuple[str, Any]]) -> None:
        if path and self._covered(path):
            return
        if isinstance(node, dict) and node:
            for key, value in node.items():
                self._walk(value, f"{path}.{key}" if path else str(key), found)
        elif isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
            for index, item in enumerate(node):
                self._walk(item, f"{path}[{index}]", found)
        elif not is_empty(node):
            found.append((path, node))

    def _covered(self, path: str) -> bool:
        while True:
            if path in self._taken:
                return True
            cut = max(path.rfind("."), path.rfind("["))
            if cut <= 0:
                return False
            path = path[:cut]


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _split(path: str) -> list[str | int]:
    """`a.b[0].c` -> ["a", "b", 0, "c"]."""
    return [int(index) if index else name for name, index in _PART.findall(path)]
