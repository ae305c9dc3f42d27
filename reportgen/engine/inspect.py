"""`snapshot inspect`: what each file of the snapshot holds, asked of the engine."""

from __future__ import annotations

from reportgen.engine.base import Engine
from reportgen.snapshot.report import FileView


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
