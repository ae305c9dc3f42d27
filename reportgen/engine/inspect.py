"""`snapshot inspect`: what each file of the snapshot holds, and what each field extraction rule
does to it, asked of the engine."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from reportgen.engine.base import Engine
from reportgen.query import Query, compile_query, parse_query
from reportgen.query.plan.schema import METADATA_KEYS
from reportgen.query.planner import build_plan
from reportgen.query.rules import Rule
from reportgen.snapshot.report import FileView
from reportgen.timerange import Window


def inspect_files(engine: Engine) -> list[FileView]:
    """Every file of the engine's snapshot with the time span, hosts and categories of its
    records (plain SQL that every engine runs)."""
    spans = {
        name: (start, end)
        for name, start, end in engine.fetch(
            "SELECT _sourcename, min(_messagetime), max(_messagetime) FROM logs "
            "GROUP BY _sourcename",
            {},
        )
    }
    hosts: dict[str, set[str]] = {}
    categories: dict[str, set[str]] = {}
    for name, host, category in engine.fetch(
        "SELECT DISTINCT _sourcename, _sourcehost, _sourcecategory FROM logs", {}
    ):
        if host is not None:
            hosts.setdefault(name, set()).add(host)
        if category:
            categories.setdefault(name, set()).add(category)
    views = []
    for item in engine.info.files:
        if not item.records:  # a skipped entry may share its name with a file that was read
            views.append(FileView(item, None, None, (), ()))
            continue
        start, end = spans.get(item.name, (None, None))
        views.append(
            FileView(
                item,
                start,
                end,
                tuple(sorted(hosts.get(item.name, ()))),
                tuple(sorted(categories.get(item.name, ()))),
            )
        )
    return views


@dataclass(frozen=True)
class RuleView:
    """A field extraction rule and what it does to the snapshot: how many messages its scope
    selects and how many it extracted a field from."""

    name: str
    scope: str
    fields: tuple[str, ...]
    selected: int
    extracted: int


def inspect_rules(engine: Engine) -> list[RuleView]:
    """Every field extraction rule of the engine's snapshot, counted over all its messages."""
    info = engine.info
    if info.start is None or info.end is None:
        window = Window(datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 2, tzinfo=UTC))
    else:
        window = Window(info.start, info.end + timedelta(milliseconds=1))
    views = []
    for rule, text in zip(engine.content.rules, engine.content.texts, strict=True):
        names = [f.name for f in build_plan(parse_query("*"), rules=[rule]).steps[0].schema.fields]
        fields = tuple(name for name in names if name.lower() not in METADATA_KEYS)
        counted = parse_query("* | count")
        selected = dataclasses.replace(counted, scope=rule.scope)
        filled = " or ".join(f'!isNull(%"{name}")' for name in fields) or "false"
        extracted = parse_query(f"* | where {filled} | count")
        views.append(
            RuleView(
                rule.name,
                text.scope.value if text.scope is not None else "",
                fields,
                _count(engine, selected, window, ()),
                _count(engine, extracted, window, (rule,)),
            )
        )
    return views


def _count(engine: Engine, query: Query, window: Window, rules: tuple[Rule, ...]) -> int:
    compiled = compile_query(query, window, rules=rules, dialect=engine.dialect)
    rows = engine.fetch(compiled.sql, compiled.params)
    return int(rows[0][0]) if rows else 0


def rules_table(views: list[RuleView]) -> str:
    """The rules as an aligned text table (nothing when there are none)."""
    if not views:
        return ""
    header = ("field extraction rule", "scope", "fields", "messages", "extracted")
    rows = [header] + [
        (v.name, v.scope or "*", ", ".join(v.fields), f"{v.selected:,}", f"{v.extracted:,}")
        for v in views
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i >= 3 else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    return "\n" + "\n".join(lines) + "\n"


def rules_json(views: list[RuleView]) -> list[dict[str, object]]:
    """The rules as JSON values."""
    return [
        {
            "name": v.name,
            "scope": v.scope,
            "fields": list(v.fields),
            "messages": v.selected,
            "extracted": v.extracted,
        }
        for v in views
    ]
