"""Sumo Logic content exports -> reportgen dashboard YAML (`reportgen import sumo`).

    report = import_sumo(Path("export.json"), Path("dashboards"))

Reads `DashboardV2SyncDefinition` (Dashboard (New)), `DashboardSyncDefinition` (legacy) and
`FolderSyncDefinition` (recursively); writes one YAML file per dashboard. Modules, in the order
of the work: `read` (JSON, paths), `timerange`, `layout`, `variables`, `visual` (+ `bands`,
`settings`), `panels`, `dashboard`, `yamlout`, `run`.
"""

from __future__ import annotations

from reportgen.importers.sumo.read import ExportError
from reportgen.importers.sumo.run import ImportReport, Written, import_sumo

__all__ = ["ExportError", "ImportReport", "Written", "import_sumo"]
