"""A real app end to end: the Twistlock overview written as a Sumo Logic export, imported, and
built over the sample, gives the panel values of `dashboards/twistlock-overview.yaml`; every
dashboard of a folder export validates and builds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sumo"
OVERVIEW_EXPORT = FIXTURES / "twistlock-overview.json"
AT = "2026-11-20T18:00:00Z"


def summary(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def both(sample_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    from reportgen.cli import run

    out = tmp_path_factory.mktemp("e2e")
    assert run(["import", "sumo", str(OVERVIEW_EXPORT), "--out", str(out / "imported")]) == 0
    imported = out / "imported" / "twistlock-overview.yaml"
    for dashboard, target in ((imported, "a"), (Path("dashboards/twistlock-overview.yaml"), "b")):
        args = ["build", str(dashboard), "--logs", str(sample_snapshot), "--at", AT]
        assert run([*args, "--out", str(out / target), "--strict"]) == 0
    return summary(out / "a" / "twistlock-overview.json"), summary(
        out / "b" / "twistlock-overview.json"
    )


def test_imported_overview_gives_the_same_panel_values(both: tuple[Any, Any]) -> None:
    imported, shipped = both
    assert imported["window"] == shipped["window"]
    assert len(imported["panels"]) == len(shipped["panels"]) == 8
    for ours, theirs in zip(imported["panels"], shipped["panels"], strict=True):
        for key in ("title", "query", "status", "window", "rows", "columns", "value"):
            assert ours.get(key) == theirs.get(key), (theirs["id"], key)
        # Sumo Logic has no message-list panel: a non-aggregate query shows as a table.
        expected_type = "table" if theirs["type"] == "messages" else theirs["type"]
        assert ours["type"] == expected_type, theirs["id"]
        # Band colours match; the labels state the Sumo Logic range ("1 to 30"), ours name it.
        if "band" in theirs:
            assert (ours["band"] or {}).get("color") == (theirs["band"] or {}).get("color")
    values = [p["value"] for p in shipped["panels"] if p["type"] == "single_value"]
    assert all(isinstance(v, int) and v > 0 for v in values)  # real numbers were compared
    assert imported["panels"][0]["band"] == {"color": "orange", "label": "31 to 70"}
    assert shipped["panels"][0]["band"] == {"color": "orange", "label": "elevated"}


def test_every_dashboard_of_a_folder_export_validates_and_builds(
    sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    ran = cli("import", "sumo", FIXTURES / "twistlock-lab-folder.json", "--out", tmp_path)
    assert ran.code == 0, ran.err
    written = sorted(tmp_path.glob("*.yaml"))
    assert [p.name for p in written] == [
        "defender-health-classic.yaml",
        "runtime-audits-2.yaml",
        "runtime-audits.yaml",
    ]
    ran = cli("validate", *written)
    assert ran.code == 0, ran.err
    # The import notes the geo lookup table a panel reads; the user maps it to a CSV.
    assert "the query reads the lookup table geo://location" in ran_import_notes(tmp_path)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        (sample_snapshot / "sources.yaml").read_text(encoding="utf-8")
        + 'lookups:\n  "geo://location": geo.csv\n',
        encoding="utf-8",
    )
    (tmp_path / "geo.csv").write_text("ip,country_name\n10.0.0.1,Iceland\n", encoding="utf-8")
    ran = cli(
        "build",
        *written,
        "--logs",
        sample_snapshot,
        "--sources",
        sources,
        "--at",
        AT,
        "--out",
        tmp_path / "out",
    )
    assert ran.code == 0, ran.err
    audits = summary(tmp_path / "out" / "runtime-audits.json")
    assert [p["status"] for p in audits["panels"]] == ["ok"] * 11
    by_id = {p["id"]: p for p in audits["panels"]}
    assert by_id["audits-by-host"]["rows"] > 0
    assert by_id["audits-per-day-two-sensors-query-b"]["window"].startswith("2026-11-18 18:00")
    classic = summary(tmp_path / "out" / "defender-health-classic.json")
    assert [p["type"] for p in classic["panels"]] == [
        "single_value",
        "column",
        "table",
        "table",
        "text",
    ]
    assert classic["panels"][0]["band"]["color"] in ("green", "red")


def ran_import_notes(folder: Path) -> str:
    """The comments the importer wrote into the dashboards of `folder`."""
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml")))
