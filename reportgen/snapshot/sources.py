"""sources.yaml: map file globs to source metadata, like the sources of a Sumo collector.

```yaml
sources:
  - files: "*/var/lib/twistlock/log/*.log*"   # glob relative to the root; first match wins
    category: twistlock_logs                 # _sourceCategory
    host: prod-web-1                         # optional: overrides the host in the line
    collector: twistlock_logs                # optional: _collector
    name: twistlock                          # optional: _source
    timezone: UTC                            # optional: zone of timestamps without an offset
    format: auto                             # optional: auto | rfc3164 | ... (see FORMATS)
```
The file is composed (not just loaded) with PyYAML's safe loader so every problem can name its
`file:line:col`; all problems are collected and raised as one `SnapshotError`.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from reportgen.errors import ReportgenError, SnapshotError, Span, suggestion
from reportgen.snapshot.formats import FORMAT_NAMES

FORMATS: tuple[str, ...] = ("auto", *FORMAT_NAMES)
KEYS: tuple[str, ...] = ("files", "category", "host", "collector", "name", "timezone", "format")
_STRING_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_MAX_SHOWN = 10


@dataclass(frozen=True)
class Source:
    """One `sources:` entry; `pattern` is the compiled form of the `files` glob."""

    files: str
    pattern: re.Pattern[str]
    category: str | None = None
    host: str | None = None
    collector: str | None = None
    name: str | None = None
    timezone: str | None = None
    format: str = "auto"


@dataclass(frozen=True)
class Sources:
    """The entries of one sources.yaml (empty when there is none), in file order."""

    entries: tuple[Source, ...] = ()
    path: Path | None = None

    def match(self, name: str) -> Source | None:
        """The first entry whose glob matches `name` (a path relative to the root), or None."""
        for entry in self.entries:
            if entry.pattern.match(name):
                return entry
        return None


def glob_to_regex(glob: str) -> str:
    """A regex for a path glob: `**` crosses folders (`**/` also matches no folder), `*` and `?`
    stay inside one path component, `[abc]`/`[!abc]` are character classes."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (close := glob.find("]", i + 2)) != -1:
            body = glob[i + 1 : close]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            escaped = body.replace("\\", "\\\\").replace("[", "\\[")
            out.append(f"[^/{escaped}]" if negate else f"[{escaped}]")
            i = close
        else:
            out.append(re.escape(char))
        i += 1
    return "(?s:" + "".join(out) + r")\Z"


@cache
def known_zones() -> frozenset[str]:
    """IANA zone names this system knows (plus UTC; not the system alias `localtime`, which
    DuckDB's ICU does not know)."""
    return frozenset(zoneinfo.available_timezones() - {"localtime"}) | {"UTC"}


def load_sources(path: Path) -> Sources:
    """Read and validate a sources.yaml; SnapshotError lists every problem with file:line:col."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SnapshotError(f"{path}: cannot read sources file: {error}") from error
    return parse_sources(text, str(path), path)


def parse_sources(text: str, source: str, path: Path | None = None) -> Sources:
    """Validate the text of a sources.yaml named `source` (used in error locations)."""
    checker = _Checker(text, source)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        span = (
            None
            if mark is None
            else Span(source, mark.line + 1, mark.column + 1, mark.index, mark.index)
        )
        raise SnapshotError(f"invalid YAML: {error.problem or error}", span, text=text) from error
    except yaml.YAMLError as error:
        raise SnapshotError(f"{source}: invalid YAML: {error}") from error
    entries = checker.document(root)
    checker.raise_if_any()
    return Sources(tuple(entries), path)


class _Checker:
    """Walks the composed YAML nodes and collects problems as ReportgenErrors with spans."""

    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.problems: list[ReportgenError] = []

    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        return Span(self.source, start.line + 1, start.column + 1, start.index, end.index)

    def problem(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.problems.append(ReportgenError(message, self.span(node), hint=hint, text=self.text))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        first = self.problems[0]
        if len(self.problems) == 1:
            raise SnapshotError(first.message, first.span, hint=first.hint, text=self.text)
        shown = [str(problem) for problem in self.problems[:_MAX_SHOWN]]
        if len(self.problems) > _MAX_SHOWN:
            shown.append(f"... and {len(self.problems) - _MAX_SHOWN} more")
        raise SnapshotError("\n".join(shown))

    def pairs(self, node: yaml.MappingNode, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
        """The key -> value nodes of a mapping; unknown, duplicate or non-string keys reported."""
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != "tag:yaml.org,2002:str":
                self.problem(key_node, "keys must be strings")
            elif key not in keys:
                self.problem(key_node, f"unknown key '{key}'", suggestion(key, keys))
            elif key in found:
                self.problem(key_node, f"duplicate key '{key}'")
            else:
                found[key] = value_node
        return found

    def document(self, root: yaml.Node | None) -> list[Source]:
        if root is None:
            return []
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "expected a mapping with a 'sources' list")
            return []
        items = self.pairs(root, ("sources",)).get("sources")
        if items is None:
            if not self.problems:
                self.problem(root, "missing key 'sources'")
            return []
        if isinstance(items, yaml.ScalarNode) and items.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(items, yaml.SequenceNode):
            self.problem(items, "'sources' must be a list of entries")
            return []
        return [entry for node in items.value if (entry := self.entry(node)) is not None]

    def string(self, node: yaml.Node, key: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag in _STRING_TAGS:
            return str(node.value)
        self.problem(node, f"'{key}' must be a string")
        return None

    def entry(self, node: yaml.Node) -> Source | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each source must be a mapping with at least 'files'")
            return None
        before = len(self.problems)
        values: dict[str, str] = {}
        pairs = self.pairs(node, KEYS)
        for key, value_node in pairs.items():
            value = self.string(value_node, key)
            if value is None:
                continue
            values[key] = value
            if key == "format" and value not in FORMATS:
                self.problem(value_node, f"unknown format '{value}'", suggestion(value, FORMATS))
            elif key == "timezone" and value not in known_zones():
                hint = suggestion(value, sorted(known_zones()))
                self.problem(value_node, f"unknown time zone '{value}'", hint)
            elif key == "files" and (not value or value.startswith("/")):
                self.problem(value_node, "'files' must be a glob relative to the snapshot root")
        if "files" not in pairs:
            self.problem(node, "missing key 'files'")
        if len(self.problems) > before:
            return None
        return Source(
            files=values["files"],
            pattern=re.compile(glob_to_regex(values["files"])),
            category=values.get("category"),
            host=values.get("host"),
            collector=values.get("collector"),
            name=values.get("name"),
            timezone=values.get("timezone"),
            format=values.get("format", "auto"),
        )
