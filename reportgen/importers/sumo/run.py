"""`reportgen import sumo`: read an export, convert every dashboard in it, write one YAML file
per dashboard, and check each with the dashboard loader (strictly with `--strict`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reportgen.errors import ReportgenError, did_you_mean
from reportgen.importers.sumo.dashboard import LEGACY, V2, Imported, convert_dashboard, slug, unique
from reportgen.importers.sumo.read import Node, load_export
from reportgen.importers.sumo.yamlout import comment, document, safe_text

FOLDER = "FolderSyncDefinition"
KINDS = (V2, LEGACY, FOLDER)
MAX_DEPTH = 50


@dataclass
class Written:
    """One dashboard written: its file, title, panel count, notes (what was not carried over),
    and the problems that keep it from validating (strictly, with --strict)."""

    path: Path
    title: str
    panels: int
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Skipped:
    """Exported content that is not a dashboard (a saved search, a lookup table...), or a
    dashboard without panels."""

    source: str
    path: str
    name: str
    kind: str
    reason: str = "not a dashboard"

    def __str__(self) -> str:
        return f"{self.source}: {self.path}: skipped '{self.name}', a {self.kind}, {self.reason}"


@dataclass
class ImportReport:
    written: list[Written] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(item.problems for item in self.written)


def import_sumo(export: Path, out: Path, *, strict: bool = False) -> ImportReport:
    """Convert every dashboard of the Sumo Logic export `export` into `out/<title>.yaml`."""
    from reportgen.output import write_atomic

    root = Node(load_export(export), str(export))
    report = ImportReport()
    found: list[tuple[Imported, list[str]]] = []
    _walk(root, [], found, report.skipped, depth=0)
    if not found:
        kinds = sorted({item.kind + _why(item.reason) for item in report.skipped})
        hint = "it holds only: " + ", ".join(kinds) if kinds else None
        raise root.fail(
            "no dashboard in the export", hint or "expected a " + " or ".join(KINDS[:2])
        )
    taken: set[str] = set()
    for imported, folders in found:
        path = out / f"{unique(slug(imported.title, 'dashboard'), taken)}.yaml"
        text = render(imported, folders, export.name)
        write_atomic(path, text.encode("utf-8"))
        written = Written(path, imported.title, len(imported.panels), _all_notes(imported))
        written.problems = _check(text, path, imported, strict)
        report.written.append(written)
    return report


def _walk(
    node: Node, folders: list[str], found: list[tuple[Imported, list[str]]], skipped: list[Skipped],
    depth: int,
) -> None:  # fmt: skip
    node.require_object("exported content")
    kind = node.get("type", str, required=True) or ""
    if depth > MAX_DEPTH:
        raise node.fail(f"folders nested more than {MAX_DEPTH} deep")
    if kind == FOLDER:
        name = node.text("name").strip()
        for child in node.items("children"):
            _walk(child, [*folders, name], found, skipped, depth + 1)
    elif kind in (V2, LEGACY):
        imported = convert_dashboard(node)
        if imported.panels:
            found.append((imported, folders))
        else:
            name = safe_text(imported.title)
            skipped.append(Skipped(node.source, node.path, name, kind, "without panels"))
    elif depth == 0:
        close = did_you_mean(kind, KINDS)
        hint = f"did you mean '{close}'?" if close else "expected one of " + ", ".join(KINDS)
        raise node.child("type").fail(f"'{kind}' is not a dashboard or a folder", hint)
    else:
        name = safe_text(node.text("name"))
        skipped.append(Skipped(node.source, node.path, name, safe_text(kind)))


def render(imported: Imported, folders: list[str], source: str) -> str:
    """The YAML text of an imported dashboard, comments included."""
    where = source if imported.where == "$" else f"{source} at {imported.where}"
    if folders:
        where += ", in folder " + " / ".join(f"'{name}'" for name in folders)
    header = [
        f"Imported from Sumo Logic by `reportgen import sumo` from {where} (a {imported.kind}).",
        "Queries are as exported. Panels flow in reading order with their widths on 12 columns "
        "(Sumo Logic's grid has 24); their heights are not carried over.",
    ]
    lines = comment(header, "")
    if imported.notes:
        lines += ["#", "# Not carried over from Sumo Logic, or changed:"]
        lines += comment([f"- {note}" for note in imported.notes], "")
    order = ("title", "description", "time_range", "theme", "variables")
    top = {key: imported.top[key] for key in order if key in imported.top}
    lines += document(top, [(panel.fields, panel.notes) for panel in imported.panels])
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != as_data(imported):
        raise AssertionError(f"the YAML written for {imported.title!r} does not load back as built")
    return text


def _check(text: str, path: Path, imported: Imported, strict: bool) -> list[str]:
    from reportgen.dashboard.loader import load_dashboard_text

    try:
        dashboard = load_dashboard_text(text, source=str(path))
    except ReportgenError as error:
        return [str(error)]
    if not strict:
        return []
    problems = [f"{path}: {warning}" if not warning.startswith(str(path)) else warning
                for warning in dashboard.warnings]  # fmt: skip
    for panel in imported.panels:
        if panel.rejected is not None:
            where = f"panel '{safe_text(str(panel.fields['title']))}'"
            problems.append(f"{path}: {where}: query kept as text: {panel.rejected}")
    return problems


def _all_notes(imported: Imported) -> list[str]:
    notes = list(imported.notes)
    for panel in imported.panels:
        title = safe_text(str(panel.fields["title"]))
        notes += [f"panel '{title}' ({panel.fields['id']}): {safe_text(n)}" for n in panel.notes]
    return [safe_text(note) for note in notes]


def as_data(imported: Imported) -> dict[str, Any]:
    """The dashboard as plain data (what the YAML file loads as)."""
    return {**imported.top, "panels": [panel.fields for panel in imported.panels]}


def _why(reason: str) -> str:
    return "" if reason == Skipped.reason else f" ({reason})"
