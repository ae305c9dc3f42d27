"""Writing dashboard YAML by hand: stable (the same input gives the same bytes), readable (plain
scalars where YAML reads them back unchanged, `|` blocks for queries and Markdown), and with
comments, which no YAML library writes. Every scalar is checked to load back as written."""

from __future__ import annotations

import json
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

import yaml

PANEL_KEYS = (
    "id", "title", "type", "description", "time_range", "width", "query", "text", "stacked",
    "legend", "x_title", "y_title", "unit", "no_data", "sparkline", "color_mode", "bands",
)  # fmt: skip
_FLOW_UNSAFE = set(",[]{}")
_LINE_BREAKS = {"\n", "\r", "\x85", "\u2028", "\u2029"}


def safe_text(text: str) -> str:
    """`text` on one line with control characters escaped, for comments and terminal output:
    an exported title cannot end a YAML comment or move the cursor."""
    out = []
    for char in text:
        if char in _LINE_BREAKS or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(json.dumps(char)[1:-1] if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return "".join(out)


def comment(lines: Sequence[str], indent: str, width: int = 100) -> list[str]:
    """`lines` as YAML comment lines, wrapped; list items continue under their text."""
    out: list[str] = []
    for line in lines:
        text = safe_text(line)
        bullet = text.startswith("- ")
        wrapped = textwrap.wrap(
            text,
            width=width - len(indent) - 2,
            subsequent_indent="  " if bullet else "",
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.extend(f"{indent}# {part}".rstrip() for part in (wrapped or [""]))
    return out


def scalar(value: Any, *, flow: bool = False) -> str:
    """One scalar on one line: plain when YAML reads it back the same, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # YAML 1.1 (PyYAML) reads 1e-05 as text: its floats need a dot before the exponent.
        mantissa, _, exponent = repr(value).partition("e")
        if exponent and "." not in mantissa:
            mantissa += ".0"
        return mantissa + (f"e{exponent}" if exponent else "")
    text = str(value)
    if _plain_ok(text, flow):
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """A double-quoted scalar (JSON's escapes are YAML's), with every line separator and
    invisible control character escaped too."""
    return "".join(_escape(ch) for ch in json.dumps(text, ensure_ascii=False))


def _escape(char: str) -> str:
    if char == "\t" or safe_text(char) == char:
        return char
    return f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or any(safe_text(ch) != ch for ch in text):
        return False
    if text[0] in "!&*?|>'\"%@`#,[]{}" or text.startswith(("- ", ": ")) or text in ("-", ":"):
        return False
    if ": " in text or " #" in text or text.endswith(":") or (flow and _FLOW_UNSAFE & set(text)):
        return False
    # Read it back where it will stand: a block value, or inside [...] and {...}.
    tries: list[tuple[str, dict[str, Any]]] = [(f"k: {text}", {"k": text})]
    if flow:
        tries += [(f"k: [{text}]", {"k": [text]}), (f"{{k: {text}}}", {"k": text})]
    try:
        return all(yaml.safe_load(doc) == expected for doc, expected in tries)
    except yaml.YAMLError:
        return False


def block(key: str, text: str, indent: str) -> list[str]:
    """`key: |` and the text as a literal block when it loads back unchanged, else one line."""
    if "\n" in text.rstrip("\n") or text.endswith("\n"):
        body = text[:-1] if text.endswith("\n") else text
        chomp = "" if text.endswith("\n") and not text.endswith("\n\n") else "-"
        if text.endswith("\n\n"):
            chomp, body = "+", text[:-1]
        inner = indent + "  "
        lead = "2" if body[:1] in (" ", "\t") else ""
        lines = [f"{indent}{key}: |{lead}{chomp}"]
        lines += [f"{inner}{line}" if line else "" for line in body.split("\n")]
        candidate = "\n".join(lines) + "\n"
        if _loads_back(candidate, indent, key, text):
            return lines
    return [f"{indent}{key}: {scalar(text)}"]


def _loads_back(candidate: str, indent: str, key: str, text: str) -> bool:
    if any(safe_text(ch) != ch for ch in text if ch not in "\n\t"):
        return False
    dedented = "\n".join(line[len(indent) :] for line in candidate.split("\n"))
    try:
        return bool(yaml.safe_load(dedented) == {key: text})
    except yaml.YAMLError:
        return False


def mapping(data: dict[str, Any], indent: str = "") -> list[str]:
    """A block mapping; nested mappings in block style, lists of scalars or small mappings in
    flow style, multi-line strings as literal blocks."""
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, str) and ("\n" in value):
            lines += block(key, value, indent)
        elif isinstance(value, dict):
            lines.append(f"{indent}{scalar(key)}:")
            lines += mapping(value, indent + "  ")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{indent}{key}:")
            lines += [f"{indent}  - {flow_mapping(item)}" for item in value]
        elif isinstance(value, list):
            lines.append(f"{indent}{key}: [{', '.join(scalar(v, flow=True) for v in value)}]")
        else:
            lines.append(f"{indent}{scalar(key)}: {scalar(value)}")
    return lines


def flow_mapping(data: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in data.items()) + "}"


def panel_item(fields: dict[str, Any], notes: list[str], indent: str) -> list[str]:
    """A panel as a list item, its keys in a fixed order, its notes as a comment above it."""
    ordered = {key: fields[key] for key in PANEL_KEYS if key in fields}
    ordered.update({k: v for k, v in fields.items() if k not in ordered})
    lines = comment([f"- {note}" for note in notes], indent) if notes else []
    if notes:
        lines.insert(0, f"{indent}# Not carried over from Sumo Logic, or changed:")
    body = mapping(ordered, indent + "  ")
    body[0] = f"{indent}- {body[0][len(indent) + 2 :]}"
    return lines + body


def document(top: dict[str, Any], panels: Sequence[tuple[dict[str, Any], list[str]]]) -> list[str]:
    """The dashboard keys, then `panels:` with each panel (and its notes), blank lines between."""
    lines = mapping(top)
    _separate(lines)
    lines.append("panels:")
    for index, (fields, notes) in enumerate(panels):
        if index:
            _separate(lines)
        lines += panel_item(fields, notes, "  ")
    return lines


def _separate(lines: list[str]) -> None:
    # Not after a `|+` block: the blank lines that end it are part of its text.
    if lines and lines[-1] != "":
        lines.append("")
