"""Reading and validating a sources.yaml: every problem with its file:line:col and a suggestion.

`Checker` walks PyYAML nodes (which keep their marks) rather than loaded values, collects every
problem, and `raise_if_any` raises them together as one `SnapshotError`.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import yaml

from reportgen.errors import ReportgenError, SnapshotError, Span, suggestion
from reportgen.snapshot.formats import FORMAT_NAMES
from reportgen.snapshot.sources import (
    ENGINES,
    MAX_LINE_CHARS,
    MULTILINE_MODES,
    Source,
    Sources,
    glob_to_regex,
    known_zones,
)
from reportgen.snapshot.sources_content import (
    LookupFile,
    RuleText,
    check_lookups,
    check_rules,
)
from reportgen.yamlload import compose_yaml

FORMATS: tuple[str, ...] = ("auto", *FORMAT_NAMES)
KEYS: tuple[str, ...] = (
    "files", "category", "host", "collector", "name", "timezone", "format", "multiline",
    "exclude", "fields",
)  # fmt: skip
TOP_KEYS: tuple[str, ...] = (
    "sources", "max_line_chars", "engine", "field_extraction_rules", "lookups",
)  # fmt: skip
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_STRING_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_MAX_SHOWN = 10
_MIN_LINE_CHARS = 80
_MAX_LINE_CHARS = 1 << 28


class Checker:
    """Walks the composed YAML nodes and collects problems as ReportgenErrors with spans."""

    def __init__(self, text: str, source: str, base: Path | None = None) -> None:
        self.text = text
        self.source = source
        self.problems: list[ReportgenError] = []
        self.engine: str | None = None
        self.base = base or Path(".")  # where `lookups` files are (the folder or archive)
        self.archive = False
        self.rules: list[RuleText] = []
        self.lookups: list[LookupFile] = []

    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        return Span(self.source, start.line + 1, start.column + 1, start.index, end.index)

    def problem(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.problems.append(ReportgenError(message, self.span(node), hint=hint, text=self.text))

    def raise_if_any(self) -> None:
        """Raise the problems found, if any, as one SnapshotError."""
        if not self.problems:
            return
        self.problems.sort(key=lambda problem: problem.span.start if problem.span else 0)
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
                hint = suggestion(key, keys) or "expected " + ", ".join(f"'{k}'" for k in keys)
                self.problem(key_node, f"unknown key '{key}'", hint)
            elif key in found:
                self.problem(key_node, f"duplicate key '{key}'")
            else:
                found[key] = value_node
        return found

    def document(self, root: yaml.Node | None) -> tuple[list[Source], int]:
        """The entries of the document and its `max_line_chars`."""
        if root is None:
            return [], MAX_LINE_CHARS
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "expected a mapping with a 'sources' list")
            return [], MAX_LINE_CHARS
        pairs = self.pairs(root, TOP_KEYS)
        if "engine" in pairs:
            self.engine = self.choice(pairs["engine"], "engine", ENGINES)
        limit = MAX_LINE_CHARS
        if "max_line_chars" in pairs:
            limit = self.integer(pairs["max_line_chars"], "max_line_chars") or MAX_LINE_CHARS
        self.content(pairs)
        items = pairs.get("sources")
        if items is None:
            if not self.problems and not (self.rules or self.lookups):
                self.problem(root, "missing key 'sources'")
            return [], limit
        if isinstance(items, yaml.ScalarNode) and items.tag == "tag:yaml.org,2002:null":
            return [], limit
        if not isinstance(items, yaml.SequenceNode):
            self.problem(items, "'sources' must be a list of entries")
            return [], limit
        return [entry for node in items.value if (entry := self.entry(node)) is not None], limit

    def content(self, pairs: dict[str, yaml.Node]) -> None:
        """The Sumo content keys: field extraction rules and lookup tables."""

        def problem(node: yaml.Node, message: str, hint: str | None) -> None:
            self.problem(node, message, hint)

        if "field_extraction_rules" in pairs:
            node = pairs["field_extraction_rules"]
            self.rules = check_rules(node, self.source, self.text, problem)
        if "lookups" in pairs:
            node = pairs["lookups"]
            self.lookups = check_lookups(
                node, self.source, self.text, self.base, problem, self.archive
            )

    def integer(self, node: yaml.Node, key: str) -> int | None:
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == "tag:yaml.org,2002:int"
            and str(node.value).isdigit()
            and _MIN_LINE_CHARS <= int(node.value) <= _MAX_LINE_CHARS
        ):
            return int(node.value)
        self.problem(
            node, f"'{key}' must be a whole number from {_MIN_LINE_CHARS} to {_MAX_LINE_CHARS}"
        )
        return None

    def choice(self, node: yaml.Node, key: str, choices: tuple[str, ...]) -> str | None:
        value = self.string(node, key)
        if value is not None and value.lower() not in choices:
            hint = suggestion(value.lower(), choices) or "expected " + ", ".join(choices)
            self.problem(node, f"unknown {key} '{value}'", hint)
            return None
        return value.lower() if value is not None else None

    def string(self, node: yaml.Node, key: str) -> str | None:
        if isinstance(node, yaml.ScalarNode) and node.tag in _STRING_TAGS:
            return str(node.value)
        self.problem(node, f"'{key}' must be a string")
        return None

    def globs(self, node: yaml.Node) -> list[str]:
        """`exclude`: one glob or a list of them."""
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = []
        for item in items:
            if not (isinstance(item, yaml.ScalarNode) and item.tag in _STRING_TAGS):
                self.problem(item, "'exclude' must be a glob or a list of globs")
            elif not item.value or str(item.value).startswith("/"):
                self.problem(item, "'exclude' globs must be relative to the snapshot root")
            else:
                out.append(str(item.value))
        return out

    def fields(self, node: yaml.Node) -> list[tuple[str, str]]:
        """`fields`: a mapping of field names to values."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "'fields' must be a mapping of field names to values")
            return []
        out: dict[str, str] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if not FIELD_NAME.match(name):
                self.problem(
                    key_node,
                    "field names start with a letter and hold only letters, digits and '_'",
                )
                continue
            if name.lower() in out:
                self.problem(key_node, f"duplicate field '{name}'")
                continue
            value = self.string(value_node, f"fields.{name}")
            if value is not None:
                out[name.lower()] = value
        return sorted(out.items())

    def multiline(self, node: yaml.Node) -> tuple[str, str | None]:
        """`multiline`: a mode name, or `{start: REGEX}` (a line matching it starts a record)."""
        if isinstance(node, yaml.MappingNode):
            start = self.pairs(node, ("start",)).get("start")
            if start is None:
                if not node.value:
                    self.problem(node, "'multiline' mapping needs 'start: REGEX'")
                return "auto", None
            pattern = self.string(start, "multiline.start")
            if pattern is None:
                return "auto", None
            reason = regex_problem(pattern)
            if reason is not None:
                self.problem(start, f"invalid regular expression ({reason})")
                return "auto", None
            return "start", pattern
        value = self.string(node, "multiline")
        if value is not None and value not in MULTILINE_MODES:
            hint = (
                suggestion(value, MULTILINE_MODES)
                or "expected auto, header, none or {start: REGEX}"
            )
            self.problem(node, f"unknown multiline mode '{value}'", hint)
        return value or "auto", None

    def entry(self, node: yaml.Node) -> Source | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, "each source must be a mapping with at least 'files'")
            return None
        before = len(self.problems)
        values: dict[str, str] = {}
        pairs = self.pairs(node, KEYS)
        for key, value_node in pairs.items():
            if key in ("exclude", "fields", "multiline"):
                continue
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
        exclude = self.globs(pairs["exclude"]) if "exclude" in pairs else []
        fields = self.fields(pairs["fields"]) if "fields" in pairs else []
        mode, start = self.multiline(pairs["multiline"]) if "multiline" in pairs else ("auto", None)
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
            multiline=mode,
            start=start,
            exclude=tuple(re.compile(glob_to_regex(glob)) for glob in exclude),
            fields=tuple(fields),
        )


def regex_problem(pattern: str) -> str | None:
    """Why DuckDB's RE2 rejects `pattern`, or None when it compiles."""
    try:
        duckdb.execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except duckdb.Error as error:
        return str(error).splitlines()[0].removeprefix("Invalid Input Error: ")
    return None


def load_sources(path: Path) -> Sources:
    """Read and validate a sources.yaml; SnapshotError lists every problem with file:line:col."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SnapshotError(f"{path}: cannot read sources file: {error}") from error
    return parse_sources(text, str(path), path)


def parse_sources(
    text: str, source: str, path: Path | None = None, *, archive: Path | None = None
) -> Sources:
    """Validate the text of a sources.yaml named `source` (used in error locations); `archive`:
    the tar archive it was read from (its lookup files are members of it)."""
    checker = Checker(text, source, archive or (path.parent if path is not None else None))
    checker.archive = archive is not None
    root = compose_yaml(text, source, SnapshotError)
    entries, max_line = checker.document(root)
    checker.raise_if_any()
    return Sources(
        tuple(entries),
        path,
        max_line,
        checker.engine,
        tuple(checker.rules),
        tuple(checker.lookups),
    )
