"""The command-line contract (design §3): output formats, time options, errors and exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

SOURCES = """\
sources:
  - files: "**"
    category: app
"""
LINES = """\
2026-11-20T09:59:59Z db-1 start
2026-11-20T10:00:00Z web-1 GET /a status=200
2026-11-20T10:04:00Z web-1 GET /b status=500
2026-11-20T10:05:00Z web-2 GET /a status=200
2026-11-20T11:00:00Z web-2 GET /c status=200
"""


@pytest.fixture
def snap(tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    (root / "hosts").mkdir(parents=True)
    (root / "sources.yaml").write_text(SOURCES)
    (root / "hosts" / "app.log").write_text(LINES)
    return root


def test_query_table(snap: Path, cli: Any) -> None:
    ran = cli("query", 'GET | parse "GET * " as path | count by path', "--logs", snap)
    assert ran.code == 0, ran.err
    assert ran.out == (
        "path  _count\n----  ------\n/a         2\n/b         1\n/c         1\n(3 rows)\n"
    )


def test_query_json_times_in_the_report_zone(snap: Path, cli: Any) -> None:
    query = "GET | timeslice 1h | count by _timeslice | sort by _timeslice asc"
    ran = cli("query", query, "--logs", snap, "--output", "json")
    assert ran.json() == [
        {"_timeslice": "2026-11-20T10:00:00Z", "_count": 3},
        {"_timeslice": "2026-11-20T11:00:00Z", "_count": 1},
    ]
    ran = cli("query", query, "--logs", snap, "--output", "json", "--tz", "Asia/Kolkata")
    # Kolkata is UTC+05:30: hour buckets align to its clock (10:00Z is 15:30 there).
    assert ran.json() == [
        {"_timeslice": "2026-11-20T15:00:00+05:30", "_count": 3},
        {"_timeslice": "2026-11-20T16:00:00+05:30", "_count": 1},
    ]
    for row in ran.json():
        datetime.fromisoformat(row["_timeslice"])


def test_query_csv_and_jsonl(snap: Path, cli: Any) -> None:
    ran = cli("query", "* | count by _sourcehost", "--logs", snap, "--output", "csv")
    assert ran.out == "_sourcehost,_count\nhosts,5\n"
    ran = cli("query", "status=500", "--logs", snap, "--output", "jsonl")
    lines = ran.out.splitlines()
    assert len(lines) == 1
    assert '"_messagetime": "2026-11-20T10:04:00Z"' in lines[0]
    assert '"_raw": "2026-11-20T10:04:00Z web-1 GET /b status=500"' in lines[0]


def test_query_time_options(snap: Path, cli: Any) -> None:
    def count(*options: str) -> int:
        ran = cli("query", "* | count", "--logs", snap, "--output", "json", *options)
        assert ran.code == 0, ran.err
        return int(ran.json()[0]["_count"])

    assert count() == 5
    # --at defaults to the minute after the latest message (11:01); ranges end there.
    assert count("--range", "-1h") == 3  # [10:01, 11:01)
    assert count("--at", "2026-11-20T10:05:00Z", "--range", "-5m") == 2  # [10:00, 10:05)
    assert count("--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T10:05:00Z") == 2
    assert count("--from", "2026-11-20T11:00:00+01:00") == 4  # [10:00Z, 11:01Z)
    assert count("--from", "-2h") == 5


def test_query_bad_options(snap: Path, cli: Any) -> None:
    ran = cli("query", "*", "--logs", snap, "--range", "-2x")
    assert ran.code == 2
    assert ran.err == (
        "error: unknown time unit 'x' in '-2x' (--range); units are s, m, h, d, w\n  -2x\n    ^\n"
    )
    ran = cli("query", "*", "--logs", snap, "--range", "-1h", "--from", "-2h")
    assert ran.code == 2
    assert "--range cannot be combined with --from/--to" in ran.err
    ran = cli("query", "*", "--logs", snap, "--tz", "Mars/Olympus")
    assert ran.code == 2
    assert ran.err.startswith("error: unknown time zone 'Mars/Olympus' (--tz)")
    ran = cli("query", "*", "--logs", snap / "missing")
    assert ran.code == 2
    assert "no such file or folder" in ran.err


def test_query_syntax_error_has_a_caret(snap: Path, cli: Any) -> None:
    ran = cli("query", "_sourceCategory=app | cout by _sourcehost", "--logs", snap)
    assert ran.code == 2
    assert ran.out == ""
    assert ran.err == (
        "error: unknown operator 'cout' at column 23; did you mean 'count'?\n"
        "  _sourceCategory=app | cout by _sourcehost\n"
        "                        ^~~~\n"
    )


def test_explain_shows_every_stage(snap: Path, cli: Any) -> None:
    ran = cli("query", "GET | count by _sourcehost", "--logs", snap, "--explain")
    assert ran.code == 0, ran.err
    text = ran.out.lower()
    for part in ("tokens", "ast", "plan", "sql", "select"):
        assert part in text, part


def test_validate(tmp_path: Path, cli: Any) -> None:
    ran = cli("validate", "dashboards/twistlock-overview.yaml")
    assert (ran.code, ran.out) == (0, "ok dashboards/twistlock-overview.yaml\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\npanels:\n  - id: a\n    title: A\n    type: donut\n    query: '*'\n")
    ran = cli("validate", bad)
    assert ran.code == 2
    assert ran.err.startswith(f"error: {bad}:5:11: panels[0].type: unknown value 'donut'")


def test_sample_writes_a_snapshot(tmp_path: Path, cli: Any) -> None:
    ran = cli("sample", "--out", tmp_path / "s", "--lines", "2000", "--hosts", "2", "--seed", "4")
    assert ran.code == 0, ran.err
    assert ran.out.startswith("wrote ")
    assert (tmp_path / "s" / "sources.yaml").is_file()
    assert (tmp_path / "s" / "prod-web-1" / "var/lib/twistlock/log/defender.log").is_file()


def test_build_bad_options(tmp_path: Path, cli: Any) -> None:
    ran = cli("build", "dashboards/twistlock-overview.yaml", "--out", tmp_path, "--format", "htm")
    assert (ran.code, ran.err) == (
        2,
        "error: unknown output format 'htm' (--format); did you mean 'html'?\n",
    )
    ran = cli("build", "dashboards/twistlock-overview.yaml", "--theme", "defualt")
    assert (ran.code, ran.err) == (
        2,
        "error: unknown theme 'defualt' (--theme); did you mean 'default'?\n",
    )
    assert not list(tmp_path.iterdir())


CONTRACT = Path("../shared/bin/contract-check")


@pytest.mark.slow
@pytest.mark.skipif(not CONTRACT.exists(), reason="../shared/bin/contract-check is not present")
def test_cli_contract_check(tmp_path: Path) -> None:
    """The shared contract check, against the reportgen of this environment."""
    binary = Path(sys.executable).with_name("reportgen")
    assert binary.exists() or shutil.which("reportgen")
    env = {**os.environ, "REPORTGEN": str(binary), "REPORTGEN_CACHE": str(tmp_path / "cache")}
    # The contract's "build html+json" check builds without --logs: the zero-config default a
    # user has on a terminal. With CI set that default is refused on purpose, so the contract
    # is checked as a terminal user sees it.
    env.pop("CI", None)
    done = subprocess.run(
        ["bash", str(CONTRACT)], capture_output=True, text=True, env=env, check=False, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("contract: 0 failing")
