"""`reportgen import sumo` on realistic exports: the YAML written (golden files, byte-stable),
what is reported on stderr, --strict, unique and safe file names, untrusted text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sumo"
FOLDER = FIXTURES / "twistlock-lab-folder.json"


def imported(cli: Any, export: Path, out: Path, *extra: str) -> Any:
    ran = cli("import", "sumo", export, "--out", out, *extra)
    return ran


def test_overview_yaml_is_readable_and_stable(cli: Any, tmp_path: Path, golden: Any) -> None:
    ran = imported(cli, FIXTURES / "twistlock-overview.json", tmp_path)
    assert ran.code == 0, ran.err
    assert ran.out == f"wrote {tmp_path / 'twistlock-overview.yaml'} (8 panels)\n"
    text = (tmp_path / "twistlock-overview.yaml").read_text(encoding="utf-8")
    golden("sumo/twistlock-overview.yaml", text)
    again = imported(cli, FIXTURES / "twistlock-overview.json", tmp_path / "again")
    assert again.code == 0
    assert (tmp_path / "again" / "twistlock-overview.yaml").read_text(encoding="utf-8") == text


def test_queries_are_kept_byte_for_byte(cli: Any, tmp_path: Path) -> None:
    export = json.loads(FOLDER.read_text(encoding="utf-8"))
    assert imported(cli, FOLDER, tmp_path).code == 0
    data = yaml.safe_load((tmp_path / "runtime-audits.yaml").read_text(encoding="utf-8"))
    queries = [p["query"] for p in data["panels"] if "query" in p]
    sumo = [q["queryString"] for p in export["children"][0]["panels"] for q in p.get("queries", [])]
    assert queries and all(query in sumo for query in queries)
    assert "{{host}}" in queries[0]
    texts = "".join(p.get("text", "") for p in data["panels"])
    # The queries kept as text (lookup, metrics) are there whole, in a code block.
    assert "metric=CPU_Idle _sourceHost={{host}} | avg by _sourceHost\n```" in texts
    assert sorted(data["variables"]) == ["effect", "host"]
    assert data["variables"]["host"] == {
        "default": "*",
        "values": ["*", "prod-web-1", "prod-db-2", "stage-1"],
        "description": "Host",
    }


def test_folder_export_writes_one_file_per_dashboard(cli: Any, tmp_path: Path, golden: Any) -> None:
    ran = imported(cli, FOLDER, tmp_path)
    assert ran.code == 0, ran.err
    assert ran.out.splitlines() == [
        f"wrote {tmp_path / 'runtime-audits.yaml'} (11 panels)",
        f"wrote {tmp_path / 'defender-health-classic.yaml'} (5 panels)",
        f"wrote {tmp_path / 'runtime-audits-2.yaml'} (2 panels)",
    ]
    for name in ("runtime-audits", "defender-health-classic", "runtime-audits-2"):
        golden(f"sumo/{name}.yaml", (tmp_path / f"{name}.yaml").read_text(encoding="utf-8"))
    stderr = ran.err.replace(str(tmp_path), "OUT").replace(str(FIXTURES), "FIXTURES")
    golden("sumo/twistlock-lab-folder.stderr", stderr)


def test_nothing_is_dropped_silently(cli: Any, tmp_path: Path) -> None:
    ran = imported(cli, FOLDER, tmp_path)
    audits = tmp_path / "runtime-audits.yaml"
    lines = ran.err.splitlines()
    assert (
        f"note: {FOLDER}: $.children[2].children[1]: skipped 'Prevented "
        "actions', a SavedSearchWithScheduleSyncDefinition, not a dashboard"
    ) in lines
    for note in (
        "refreshInterval = 300 not carried over",
        "variable 'effect': multiple selection not carried over: one value at a time (--var)",
        "panel 'Clients on the map' (clients-on-the-map): a 'map' chart cannot be drawn: shown "
        "as a table of its query",
        "panel 'Console CPU' (console-cpu): a Metrics query: reportgen runs log queries, shown "
        "as a table",
        "panel 'Audits by host' (audits-by-host): visual settings not carried over: "
        "overrides[0].series, overrides[0].properties.color",
    ):
        assert f"note: {audits}: {note}" in lines
    # The same notes stand in the file, by their panel.
    text = audits.read_text(encoding="utf-8")
    assert "  # - a 'map' chart cannot be drawn: shown as a table of its query\n" in text
    assert "# - refreshInterval = 300 not carried over\n" in text


def test_strict_says_what_keeps_the_output_from_validating_strictly(
    cli: Any, tmp_path: Path
) -> None:
    ran = imported(cli, FOLDER, tmp_path, "--strict")
    assert ran.code == 2
    audits = tmp_path / "runtime-audits.yaml"
    errors = [line for line in ran.err.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {audits}:21:5: variables.effect: the variable is not used by any query",
        f"error: {audits}: panel 'Console CPU': query kept as text: expected '(' after 'avg', "
        "found 'by' at column 37",
    ]
    # The files are written all the same: they validate, only not strictly.
    assert cli("validate", audits).code == 0
    overview = imported(cli, FIXTURES / "twistlock-overview.json", tmp_path / "o", "--strict")
    assert overview.code == 0, overview.err


def test_file_names_are_safe_and_unique(cli: Any, tmp_path: Path) -> None:
    base = json.loads((FIXTURES / "twistlock-overview.json").read_text(encoding="utf-8"))
    titles = ["../../etc/passwd", "..", "/abs/olute", "Überblick: «Twistlock»", "", "CON"]
    children = [{**base, "title": t, "name": t or "Überblick: «Twistlock»"} for t in titles]
    export = tmp_path / "folder.json"
    export.write_text(
        json.dumps({"type": "FolderSyncDefinition", "name": "F", "children": children})
    )
    out = tmp_path / "out"
    ran = imported(cli, export, out)
    assert ran.code == 0, ran.err
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "etc-passwd.yaml",
            "dashboard.yaml",
            "abs-olute.yaml",
            "uberblick-twistlock.yaml",
            "uberblick-twistlock-2.yaml",
            "con.yaml",
        ]
    )
    assert not (tmp_path / "etc").exists()


def test_untrusted_text_stays_text(cli: Any, tmp_path: Path, sample_snapshot: Path) -> None:
    hostile = "Evil\ntitle: pwned\n# <script>alert(1)</script>\u2028panels: []"
    base = json.loads((FIXTURES / "twistlock-overview.json").read_text(encoding="utf-8"))
    base["title"] = base["name"] = hostile
    base["description"] = "<img src=x onerror=alert(2)>"
    base["panels"][0]["title"] = "<b onclick=alert(3)>x</b>\x1b[2J"
    base["panels"][0]["visualSettings"] = json.dumps({"general": {"type": "svp", "evil\nkey": 1}})
    export = tmp_path / "hostile.json"
    export.write_text(json.dumps(base))
    ran = imported(cli, export, tmp_path / "out")
    assert ran.code == 0, ran.err
    assert "\x1b" not in ran.err and "\u2028" not in ran.err
    (path,) = (tmp_path / "out").glob("*.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["title"] == hostile
    assert data["panels"][0]["title"] == "<b onclick=alert(3)>x</b>\x1b[2J"
    assert len(data["panels"]) == 8  # the comment lines could not end early or add keys
    assert "general.evil\\nkey" in path.read_text(encoding="utf-8")
    built = cli("build", path, "--logs", sample_snapshot, "--out", tmp_path / "html")
    assert built.code == 0, built.err
    html = next((tmp_path / "html").glob("*.html")).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "<b onclick" not in html and "&lt;b onclick=alert(3)&gt;" in html


def test_app_parameters_are_pointed_out(cli: Any, tmp_path: Path) -> None:
    # App catalogue exports hold `$$logsrc`, filled in by Sumo Logic when the app is installed.
    panel = {
        "name": "Logins",
        "viewerType": "table",
        "queryString": '$$logsrc | json "type" | count by type',
        "x": 1,
        "y": 1,
        "width": 24,
    }
    export = tmp_path / "app.json"
    export.write_text(
        json.dumps({"type": "DashboardSyncDefinition", "name": "App", "panels": [panel]})
    )
    ran = imported(cli, export, tmp_path / "out")
    assert ran.code == 0, ran.err
    assert ran.err == (
        f"note: {tmp_path / 'out' / 'app.yaml'}: panel 'Logins' (logins): $$logsrc is an app "
        "parameter Sumo Logic fills in when the app is installed: reportgen searches it as a "
        "keyword; write your source expression in its place\n"
    )
