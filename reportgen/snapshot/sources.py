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
    multiline: auto                          # optional: auto | header | none | {start: REGEX}
    exclude: ["*/var/log/*.old"]             # optional: globs of files not to collect
    fields: {cluster: prod-eks}              # optional: fields added to every record
max_line_chars: 1048576                      # optional: longer lines are truncated
engine: spark                                # optional: the default engine (duckdb | spark)
field_extraction_rules: [...]                # optional: Sumo FERs (sources_content.py)
lookups: {...}                               # optional: lookup tables -> CSV files
```
The file is composed (not just loaded) with PyYAML's safe loader so every problem can name its
`file:line:col` (see `reportgen.snapshot.sources_check`); all problems are collected and raised
as one `SnapshotError`.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportgen.snapshot.sources_content import LookupFile, RuleText

MAX_LINE_CHARS = 1 << 20
"""Default bound on a line's length in characters; longer lines are truncated (`long_line`)."""
MULTILINE_MODES: tuple[str, ...] = ("auto", "header", "none")
ENGINES: tuple[str, ...] = ("duckdb", "spark")
"""The engines `engine:` may name (the snapshot's default engine, see reportgen.engine.options)."""


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
    multiline: str = "auto"
    start: str | None = None
    exclude: tuple[re.Pattern[str], ...] = ()
    fields: tuple[tuple[str, str], ...] = ()

    def excludes(self, name: str) -> bool:
        """Whether one of the `exclude` globs matches `name`."""
        return any(pattern.match(name) for pattern in self.exclude)


@dataclass(frozen=True)
class Sources:
    """The entries of one sources.yaml (empty when there is none), in file order, and its Sumo
    content: field extraction rules and lookup tables (see sources_content.py)."""

    entries: tuple[Source, ...] = ()
    path: Path | None = None
    max_line_chars: int = MAX_LINE_CHARS
    engine: str | None = None
    rules: tuple[RuleText, ...] = ()
    lookups: tuple[LookupFile, ...] = ()

    def field_names(self) -> set[str]:
        """The names of the `fields` of every entry."""
        return {name for entry in self.entries for name, _ in entry.fields}

    def is_lookup_file(self, path: Path) -> bool:
        """Whether `path` is the CSV file of one of the `lookups:` (a table, not logs)."""
        if not self.lookups:
            return False
        files = {
            (lookup.base / lookup.file).resolve() for lookup in self.lookups if not lookup.archive
        }
        return path.resolve() in files

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
