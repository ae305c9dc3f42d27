"""Bad exports get one clear line: the file, the JSON path (or line:col from the JSON parser),
what is wrong and, where something close exists, a "did you mean"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

PANEL = {"panelType": "SumoSearchPanel", "key": "a", "title": "t", "queries": []}


def dashboard(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"type": "DashboardV2SyncDefinition", "title": "x", "panels": [PANEL]}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


CASES = [
    (
        b'{"type": "DashboardV2SyncDefinition",\n "title": "x"\n "panels": []}',
        "export.json:3:2: not valid JSON: Expecting ',' delimiter",
    ),
    (b"", "export.json: the file is empty; expected an exported JSON object"),
    (
        b"\xff\xfe{}",
        "export.json: not UTF-8 text (byte 1 is 0xff); Sumo Logic exports are UTF-8 JSON",
    ),
    (b"[1, 2]", "export.json: $: expected an object (exported content), got a list"),
    (
        dashboard(type="DashboardV2SyncDefiniton"),
        "export.json: $.type: 'DashboardV2SyncDefiniton' is not a dashboard or a folder; "
        "did you mean 'DashboardV2SyncDefinition'?",
    ),
    (
        dashboard(type="Report"),
        "export.json: $.type: 'Report' is not a dashboard or a folder; expected one of "
        "DashboardV2SyncDefinition, DashboardSyncDefinition, FolderSyncDefinition",
    ),
    (
        dashboard(panels=None, panel=[]),
        "export.json: $: missing key 'panels'; found 'panel': did you mean 'panels'?",
    ),
    (dashboard(title=None), "export.json: $: the dashboard has no title or name"),
    (
        dashboard(panels=[{**PANEL, "queries": "* | count"}]),
        "export.json: $.panels[0].queries: expected a list, got a string",
    ),
    (
        dashboard(panels=[{**PANEL, "visualSettings": '{"general": '}]),
        "export.json: $.panels[0].visualSettings: not valid JSON: Expecting value (line 1, "
        "column 13 of the string)",
    ),
    (
        dashboard(panels=[{**PANEL, "visualSettings": "[1]"}]),
        "export.json: $.panels[0].visualSettings: expected an object (a JSON object in a "
        "string), got a list",
    ),
    (
        dashboard(panels=[{**PANEL, "queries": [{"queryTypes": "Logs"}]}]),
        "export.json: $.panels[0].queries[0]: missing key 'queryString'",
    ),
    (
        dashboard(timeRange={"type": "BeginBoundedTimeRange", "form": {}}),
        "export.json: $.timeRange: missing key 'from'; found 'form': did you mean 'from'?",
    ),
    (
        dashboard(
            timeRange={
                "type": "BeginBoundedTimeRange",
                "from": {"type": "RelativeTimeRangeBoundry", "relativeTime": "-1d"},
            }
        ),
        "export.json: $.timeRange.from.type: unknown time range boundary type "
        "'RelativeTimeRangeBoundry'; did you mean 'RelativeTimeRangeBoundary'?",
    ),
    (
        dashboard(
            timeRange={
                "type": "BeginBoundedTimeRange",
                "from": {"type": "Iso8601TimeRangeBoundary", "iso8601Time": "yesterday noon"},
            }
        ),
        "export.json: $.timeRange.from.iso8601Time: invalid ISO 8601 time 'yesterday noon'; "
        "expected e.g. 2026-11-20T10:00:00Z",
    ),
    (
        dashboard(layout={"layoutStructures": [{"key": "a", "structure": "{x: 1}"}]}),
        "export.json: $.layout.layoutStructures[0].structure: not valid JSON: Expecting "
        "property name enclosed in double quotes (line 1, column 2 of the string)",
    ),
    (
        dashboard(variables=[{"defaultValue": "*"}]),
        "export.json: $.variables[0]: missing key 'name'",
    ),
    (
        {
            "type": "FolderSyncDefinition",
            "name": "f",
            "children": [{"type": "LookupTableSyncDefinition", "name": "l"}],
        },
        "export.json: $: no dashboard in the export; it holds only: LookupTableSyncDefinition",
    ),
    (
        dashboard(panels=[]),
        "export.json: $: no dashboard in the export; it holds only: DashboardV2SyncDefinition "
        "(without panels)",
    ),
    (
        {"type": "DashboardSyncDefinition", "name": "old", "panels": [{"name": "p"}]},
        "export.json: $.panels[0]: missing key 'viewerType'",
    ),
]


@pytest.mark.parametrize(
    "content, message", CASES, ids=[m.split(": ", 2)[-1][:40] for _, m in CASES]
)
def test_bad_export_gets_one_clear_line(
    content: bytes | dict[str, Any], message: str, tmp_path: Path, cli: Any, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    raw = content if isinstance(content, bytes) else json.dumps(content).encode()
    Path("export.json").write_bytes(raw)
    ran = cli("import", "sumo", "export.json", "--out", "out")
    assert ran.code == 2
    assert ran.err == f"error: {message}\n"
    assert ran.out == ""
    assert not Path("out").exists()


def test_missing_file_and_folder(tmp_path: Path, cli: Any) -> None:
    ran = cli("import", "sumo", tmp_path / "nope.json")
    assert (ran.code, ran.err) == (2, f"error: {tmp_path / 'nope.json'}: no such file\n")
    ran = cli("import", "sumo", tmp_path)
    assert ran.err == f"error: {tmp_path}: is a folder, not an exported JSON file\n"


def test_deeply_nested_json_is_a_clear_error(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    ran = cli("import", "sumo", path)
    assert (ran.code, ran.err) == (2, f"error: {path}: $: JSON nested too deeply\n")


def test_folders_nested_too_deep(tmp_path: Path, cli: Any) -> None:
    node: dict[str, Any] = dashboard()
    for _ in range(60):
        node = {"type": "FolderSyncDefinition", "name": "f", "children": [node]}
    path = tmp_path / "folders.json"
    path.write_text(json.dumps(node))
    ran = cli("import", "sumo", path, "--out", tmp_path / "out")
    assert ran.code == 2
    assert ran.err.startswith(f"error: {path}: $.children[0]")
    assert ran.err.endswith(": folders nested more than 50 deep\n")
