"""The Sumo content keys of sources.yaml (design D12): field extraction rules and lookup tables,
as a Sumo admin sets them up beside the collector's sources.

```yaml
field_extraction_rules:
  - name: twistlock-vulnerability
    scope: _sourceCategory=twistlock_logs "log_type=\\"vulnerability\\""
    parse: parse "cve=\\"*\\"" as cve nodrop | parse "severity=\\"*\\"" as severity nodrop
lookups:
  "https://example.com/critical_ports.csv": .lookups/critical_ports.csv
  'path://"/Library/Users/me/threat-hosts"': .lookups/threat-hosts.csv
```

This module only reads them with their positions (`YamlText` maps an offset inside a YAML string
back to file:line:col, escapes and folding included); the query package parses the rules and the
engine loads the tables (see docs/architecture.md).
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from reportgen.errors import Span, suggestion

RULE_KEYS = ("name", "scope", "parse")
MAX_RULES = 50  # Sumo's own limits: 50 rules, expressions of at most 16 384 characters
MAX_RULE_CHARS = 16_384
_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}
_ESCAPED = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v"}
_ESCAPED |= {"f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\"}
_ESCAPED |= {"N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


@dataclass(frozen=True)
class YamlText:
    """A YAML string value and where each of its characters stands in the file."""

    value: str
    source: str  # the file name in messages
    text: str  # the whole file
    offsets: tuple[int, ...]  # file offset of each character of `value`, plus one past the end

    def span(self, start: int, end: int | None = None) -> Span:
        """The file span of `value[start:end]`."""
        start = max(0, min(start, len(self.value)))
        end = max(start, min(len(self.value), start if end is None else end))
        first = self.offsets[start]
        last = self.offsets[end - 1] + 1 if end > start else first
        return Span.at(self.text, first, last, self.source)


def yaml_text(node: yaml.ScalarNode, source: str, text: str) -> YamlText:
    """The string of a scalar node with the file offset of each character (exact for plain,
    quoted and block scalars: escapes, `''`, line folding and indentation are accounted for)."""
    value = str(node.value)
    start, end = node.start_mark.index, node.end_mark.index
    position = start + (1 if node.style in ("'", '"') else 0)
    if node.style in ("|", ">"):
        position = text.find("\n", start) + 1 or end
    offsets: list[int] = []
    for char in value:
        position = _produce(text, position, end, char, node.style)
        offsets.append(position)
        position = position + _width(text, position, node.style)
    offsets.append(min(position, len(text)))
    return YamlText(value, source, text, tuple(offsets))


def _width(text: str, at: int, style: str | None) -> int:
    """How many file characters make the one value character at `at`."""
    if style == '"' and text.startswith("\\", at):
        following = text[at + 1 : at + 2]
        return _ESCAPE_LENGTH.get(following, 2)
    if style == "'" and text.startswith("''", at):
        return 2
    return 1


def _produce(text: str, at: int, end: int, char: str, style: str | None) -> int:
    """The file offset, from `at` on, of what produces the value character `char`; skipped
    file characters are indentation, line breaks folded away and the like."""
    position = at
    while position < end:
        if style == '"' and text.startswith("\\", position):
            following = text[position + 1 : position + 2]
            if _ESCAPED.get(following) == char or following in _ESCAPE_LENGTH:
                return position
            position += _width(text, position, style)
            continue
        if text[position] == char or (char == " " and text[position] == "\n"):
            return position
        position += 1
    return min(at, len(text) - 1) if text else 0


@dataclass(frozen=True)
class RuleText:
    """One field extraction rule as written: `scope` a search expression, `parse` a pipeline of
    parse operators and field expressions (parsed by the query package)."""

    name: str
    scope: YamlText | None
    parse: YamlText
    where: Span  # the rule's entry in the file


@dataclass(frozen=True)
class LookupFile:
    """One `lookups:` entry: the table's name as queries write it, the CSV file (relative to the
    sources.yaml) and where the entry stands. `archive` is set when the sources.yaml is a member of
    a tar archive: `file` is then a member name of it."""

    name: str
    file: str
    base: Path  # the folder of the sources.yaml, or the archive
    where: Span
    text: str  # the sources.yaml, for carets
    archive: bool = False

    def read_bytes(self, limit: int) -> bytes:
        """The file's bytes, at most `limit` + 1 of them (more means too large)."""
        if not self.archive:
            with (self.base / self.file).open("rb") as handle:
                return handle.read(limit + 1)
        with tarfile.open(self.base) as tar:
            member = tar.extractfile(self.file)
            if member is None:
                raise FileNotFoundError(self.file)
            return member.read(limit + 1)

    @property
    def label(self) -> str:
        return f"{self.base}:{self.file}" if self.archive else str(self.base / self.file)


def inside(base: Path, relative: str) -> bool:
    """Whether `relative` is a relative path that stays inside `base` (symbolic links followed)."""
    path = PurePosixPath(relative)
    if path.is_absolute() or not relative or "\\" in relative:
        return False
    root = base.resolve()
    return (base / relative).resolve().is_relative_to(root)


Problem = Callable[[yaml.Node, str, "str | None"], None]
_TEXT_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


def _span(node: yaml.Node, source: str) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(source, start.line + 1, start.column + 1, start.index, end.index)


def check_rules(node: yaml.Node, source: str, text: str, problem: Problem) -> list[RuleText]:
    """`field_extraction_rules:` a list of {name, scope, parse}; problems go to `problem`."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.SequenceNode):
        problem(node, "'field_extraction_rules' must be a list of rules", None)
        return []
    rules: list[RuleText] = []
    seen: set[str] = set()
    if len(node.value) > MAX_RULES:
        problem(node, f"at most {MAX_RULES} field extraction rules (as in Sumo Logic)", None)
        return []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            problem(item, "each field extraction rule is a mapping with 'name' and 'parse'", None)
            continue
        values: dict[str, yaml.ScalarNode] = {}
        wrong: set[str] = set()  # keys already reported
        for key_node, value_node in item.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in RULE_KEYS:
                hint = suggestion(str(key), RULE_KEYS) or "expected 'name', 'scope' and 'parse'"
                problem(key_node, f"unknown key '{key}'", hint)
            elif key in values:
                problem(key_node, f"duplicate key '{key}'", None)
            elif not (isinstance(value_node, yaml.ScalarNode) and value_node.tag in _TEXT_TAGS):
                problem(value_node, f"'{key}' must be a string", None)
                wrong.add(key)
            elif len(str(value_node.value)) > MAX_RULE_CHARS:
                problem(value_node, f"'{key}' is longer than {MAX_RULE_CHARS:,} characters", None)
                wrong.add(key)
            else:
                values[key] = value_node
        if wrong:
            continue
        missing = [key for key in ("name", "parse") if key not in values]
        if missing:
            problem(item, f"missing key '{missing[0]}'", None)
            continue
        name = str(values["name"].value).strip()
        if not name or name.lower() in seen:
            problem(values["name"], f"duplicate rule name '{name}'" if name else "empty name", None)
            continue
        seen.add(name.lower())
        scope = values.get("scope")
        rules.append(
            RuleText(
                name,
                yaml_text(scope, source, text) if scope is not None else None,
                yaml_text(values["parse"], source, text),
                _span(item, source),
            )
        )
    return rules


def check_lookups(
    node: yaml.Node, source: str, text: str, base: Path, problem: Problem, archive: bool = False
) -> list[LookupFile]:
    """`lookups:` a mapping of table names (as queries write them) to CSV files relative to the
    sources.yaml, which must stay inside its folder."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.MappingNode):
        problem(node, "'lookups' must map table names to CSV files", None)
        return []
    found: dict[str, LookupFile] = {}
    for key_node, value_node in node.value:
        if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag in _TEXT_TAGS):
            problem(key_node, "lookup table names must be strings", None)
            continue
        name = str(key_node.value).strip()
        if not (isinstance(value_node, yaml.ScalarNode) and value_node.tag in _TEXT_TAGS):
            problem(value_node, f"'lookups.{name}' must be the path of a CSV file", None)
            continue
        file = str(value_node.value).strip()
        if name in found:
            problem(key_node, f"duplicate lookup table '{name}'", None)
        elif archive and (PurePosixPath(file).is_absolute() or ".." in PurePosixPath(file).parts):
            problem(value_node, "lookup files must stay inside the archive", None)
        elif not archive and not inside(base, file):
            hint = "write a path relative to the folder of sources.yaml, inside it"
            problem(value_node, "lookup files must stay inside the folder of sources.yaml", hint)
        else:
            where = _span(value_node, source)
            found[name] = LookupFile(name, file, base, where, text, archive)
    return list(found.values())
