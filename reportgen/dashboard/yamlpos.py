"""YAML -> plain Python data, remembering the line and column of every node.

PyYAML's safe constructors lose positions, so we compose the node graph ourselves and convert it
with only the safe scalar types. Positions are kept per key path (`("panels", 2, "query")`), so
validation errors anywhere can name `file:line:col`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import Span, SpecError
from reportgen.yamlload import compose_yaml

KeyPath = tuple[str | int, ...]


@dataclass
class Located:
    """Loaded data and where each of its nodes stands in the source text."""

    data: Any
    source: str
    text: str
    value_spans: dict[KeyPath, Span] = field(default_factory=dict)
    key_spans: dict[KeyPath, Span] = field(default_factory=dict)
    nodes: dict[KeyPath, yaml.Node] = field(default_factory=dict)

    def data_at(self, path: KeyPath) -> Any:
        """The loaded value at `path` (None when there is none)."""
        return value_at(self.data, path)

    def span(self, path: KeyPath, *, key: bool = False) -> Span | None:
        """The span of the value at `path` (or of its key), else of the nearest ancestor."""
        spans = self.key_spans if key else self.value_spans
        for cut in range(len(path), -1, -1):
            found = spans.get(path[:cut]) or self.value_spans.get(path[:cut])
            if found is not None:
                return found
        return None


def value_at(data: Any, path: KeyPath) -> Any:
    """The value at `path` in loaded data (None when there is none)."""
    node = data
    for part in path:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def _span(node: yaml.Node, source: str) -> Span:
    start = node.start_mark
    end = node.end_mark
    return Span(source, start.line + 1, start.column + 1, start.index, max(end.index, start.index))


def load_yaml(text: str, source: str) -> Located:
    """Parse `text` (named `source` in messages) into data plus positions, within the bounds of
    `reportgen.yamlload` (aliases, nesting)."""
    root = compose_yaml(text, source, SpecError)
    located = Located(None, source, text)
    if root is None:
        return located
    located.data = _convert(root, (), located)
    return located


def load_yaml_file(path: Path) -> Located:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SpecError(f"cannot read {path}: {error.strerror}") from None
    text = raw.decode("utf-8", errors="replace")
    return load_yaml(text, str(path))


def _convert(node: yaml.Node, path: KeyPath, located: Located) -> Any:
    located.value_spans[path] = _span(node, located.source)
    located.nodes[path] = node
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise SpecError(
                    "mapping keys must be plain names",
                    _span(key_node, located.source),
                    text=located.text,
                )
            key = str(key_node.value)
            if key in result:
                raise SpecError(
                    f"duplicate key '{key}'", _span(key_node, located.source), text=located.text
                )
            located.key_spans[(*path, key)] = _span(key_node, located.source)
            result[key] = _convert(value_node, (*path, key), located)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), located) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.ScalarNode):
        return yaml.SafeLoader("").construct_object(node)
    raise SpecError("unsupported YAML node", _span(node, located.source), text=located.text)


def scalar_offset(located: Located, path: KeyPath, offset: int) -> Span | None:
    """Map a character offset inside the scalar string at `path` to a span in the file.

    Exact for plain scalars on one line and for literal (`|`) and simply folded (`>`) blocks; for
    quoted scalars it assumes no escape sequences before the offset.
    """
    node = located.nodes.get(path)
    if not isinstance(node, yaml.ScalarNode):
        return None
    value = str(node.value)
    offset = max(0, min(offset, len(value)))
    line_in_value = value.count("\n", 0, offset)
    col_in_line = offset - (value.rfind("\n", 0, offset) + 1)
    start = node.start_mark
    lines = located.text.splitlines(keepends=True)
    if node.style == ">":
        # Folded: each line break of the source became a space (for the simple, unindented case).
        first = start.line + 1
        indent = _block_indent(lines, first)
        line, remaining = first, offset
        while line + 1 < len(lines):
            length = len(lines[line].rstrip("\n")) - indent
            if remaining <= length:
                break
            remaining -= length + 1
            line += 1
        col = indent + remaining
    elif node.style == "|":
        first = start.line + 1
        indent = _block_indent(lines, first)
        line = first + line_in_value
        col = indent + col_in_line
    else:
        quote = 1 if node.style in ("'", '"') else 0
        line = start.line + line_in_value
        col = (start.column + quote + col_in_line) if line_in_value == 0 else col_in_line
    index = sum(len(text) for text in lines[:line]) + col
    return Span(located.source, line + 1, col + 1, index, index + 1)


def _block_indent(lines: list[str], first: int) -> int:
    for line in lines[first:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def dotted(path: KeyPath) -> str:
    """`("panels", 2, "query")` -> `panels[2].query`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"
