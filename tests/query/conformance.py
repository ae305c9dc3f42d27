"""Loader for the conformance cases in `tests/fixtures/queries/*.txt` (spec §11 and more).

A file holds cases; each case starts with `# title: ...`, may set `# tz: Europe/Paris` (report
zone) and `# window: <start> <end>` (ISO instants; default 2000-2100, so `now()` is 2100), then
the query (one or more lines), then sections:

- `--- lines`: input messages, one per line: `[host=h category=c name=n] <ISO time> <_raw>`; the
  bracket prefix is optional (defaults `host-a`, `cat`, `app.log`).
- `--- rows`: expected rows, one JSON object per line, keys in column order. For a message result
  the metadata columns other than `_raw` are not compared (they are tested elsewhere). In a time
  column an ISO string stands for its epoch milliseconds.
- `--- error`: the whole expected error message (with its caret lines).
- `--- lookup <name>`: a lookup table the query may name (`lookup ... from <name>`): CSV lines.
- `--- rule <name>`: a field extraction rule: a `scope: ...` line (optional) and a `parse: ...`
  line.

Expected rows are written by hand from the spec, never by running the code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.query.conftest import WIDE, at

FIXTURES = Path(__file__).parent.parent / "fixtures" / "queries"
METADATA = ["_messagetime", "_sourcehost", "_sourcecategory", "_sourcename", "_source"]
METADATA += ["_collector", "_size", "_messagecount", "_receipttime", "_format"]
PREFIX = re.compile(r"\[([^\]]*)\]\s*")
KEYS = {"host": "_sourcehost", "category": "_sourcecategory", "name": "_sourcename"}


@dataclass
class Case:
    """One conformance case, as written in a fixture file."""

    title: str
    where: str
    query: str = ""
    tz: str = "UTC"
    window: tuple[datetime, datetime] = (WIDE.start, WIDE.end)
    lines: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] | None = None
    error: str | None = None
    lookups: dict[str, str] = field(default_factory=dict)
    rules: dict[str, dict[str, str]] = field(default_factory=dict)


def _line(text: str) -> dict[str, Any]:
    row: dict[str, Any] = {}
    prefix = PREFIX.match(text)
    if prefix:
        for pair in prefix.group(1).split():
            key, _, value = pair.partition("=")
            row[KEYS[key]] = value
        text = text[prefix.end() :]
    stamp, _, raw = text.partition(" ")
    row["_messagetime"] = at(stamp)
    row["_raw"] = raw
    return row


def _finish(case: Case, section: str, body: list[str]) -> None:
    while body and not body[-1].strip():
        body.pop()
    if section == "query":
        case.query = "\n".join(body).strip()
    elif section == "lines":
        case.lines = [_line(text) for text in body if text.strip()]
    elif section == "rows":
        case.rows = [json.loads(text) for text in body if text.strip()]
    elif section == "error":
        case.error = "\n".join(body)
    elif section.startswith("lookup "):
        case.lookups[section.removeprefix("lookup ").strip()] = "\n".join(body) + "\n"
    elif section.startswith("rule "):
        parts = dict(line.split(": ", 1) for line in body if line.strip())
        case.rules[section.removeprefix("rule ").strip()] = parts
    else:
        raise ValueError(f"{case.where}: unknown section '{section}'")


def load_cases(path: Path) -> list[Case]:
    """Every case of one fixture file, in file order."""
    cases: list[Case] = []
    case: Case | None = None
    section, body = "query", []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if text.startswith("# title:"):
            if case is not None:
                _finish(case, section, body)
            case = Case(text.removeprefix("# title:").strip(), f"{path.name}:{number}")
            cases.append(case)
            section, body = "query", []
        elif case is None:
            continue
        elif section == "query" and not body and text.startswith("# tz:"):
            case.tz = text.removeprefix("# tz:").strip()
        elif section == "query" and not body and text.startswith("# window:"):
            start, end = text.removeprefix("# window:").split()
            case.window = (at(start), at(end))
        elif text.startswith("--- "):
            _finish(case, section, body)
            section, body = text.removeprefix("--- ").strip(), []
        else:
            body.append(text)
    if case is not None:
        _finish(case, section, body)
    return cases


def all_cases() -> list[Case]:
    """The cases of every fixture file, files in name order."""
    return [case for path in sorted(FIXTURES.glob("*.txt")) for case in load_cases(path)]


def typed(value: Any) -> tuple[str, Any]:
    """A value with its kind, so `1 == True` and `1 == "1"` cannot pass by accident."""
    if value is None:
        return ("null", None)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    return (type(value).__name__, value)
