"""Lookup tables end to end: sources.yaml `lookups:` -> CSV files -> tables in the engine ->
`lookup` and `lookupContains` in queries; and every way the mapping or a file can be wrong."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

import pytest

from reportgen.engine import open_engine, run_query
from reportgen.engine.base import Engine
from reportgen.engine.content import Content
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.engine.lookups import LookupCatalog
from reportgen.errors import SnapshotError, Span
from reportgen.snapshot.sources_check import parse_sources
from reportgen.snapshot.sources_content import LookupFile
from tests.query.conftest import WIDE, log_table, raws

SOURCES = """\
sources:
  - files: "*/app.log"
    category: app
lookups:
  'path://"/Library/Users/me/teams"': .lookups/teams.csv
  https://example.com/ports.csv: .lookups/ports.csv
"""
TEAMS = "user,Team\nann,web\nBOB,data\n"
PORTS = '"port","service"\n"443","https"\n'
QUERY = (
    '_sourceCategory=app | kv "user" '
    '| lookup team from path://"/Library/Users/me/teams" on user | count by user, team'
)


def write_snapshot(root: Path) -> Path:
    (root / "web-1").mkdir(parents=True)
    (root / "web-1" / "app.log").write_text(
        "2026-11-20T10:00:00Z user=ann port=443\n2026-11-20T10:01:00Z user=bob\n"
        "2026-11-20T10:02:00Z user=carl\n"
    )
    (root / ".lookups").mkdir()
    (root / ".lookups" / "teams.csv").write_text(TEAMS)
    (root / ".lookups" / "ports.csv").write_text(PORTS)
    (root / "sources.yaml").write_text(SOURCES)
    return root


def rows(engine: Engine, query: str = QUERY) -> list[tuple[Any, ...]]:
    return run_query(engine, query, WIDE).rows


def test_a_folder_snapshot_with_lookups_and_the_cache(tmp_path: Path) -> None:
    root = write_snapshot(tmp_path / "snap")
    expected = [("ann", "web", 1), ("bob", "data", 1), ("carl", None, 1)]
    for cached in (False, True):  # the second run reads the cache's read-only database
        with open_engine([root], cache=tmp_path / "cache") as engine:
            assert engine.cached is cached
            assert rows(engine) == expected
            # a table is loaded once per session, and the lookup files are not log messages
            assert rows(engine) == expected
            assert rows(engine, "* | count by _sourceCategory") == [("app", 3)]


def test_a_tar_snapshot_reads_its_lookups_from_the_archive(tmp_path: Path) -> None:
    root = write_snapshot(tmp_path / "snap")
    archive = tmp_path / "snap.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="snap")
    with open_engine([archive]) as engine:
        query = '* | kv "port" | lookup service from https://example.com/ports.csv on port'
        assert rows(engine, query + " | count by service") == [("https", 1)]


def test_tables_beside_the_logs_are_not_read_as_logs(tmp_path: Path, cli: Any) -> None:
    """A mapped CSV file in a plain folder of the snapshot (a folder or a tarball of it) is a
    table: no messages of its own, listed by inspect with the format `lookup`."""
    root = write_snapshot(tmp_path / "snap")
    (root / ".lookups").rename(root / "lookups")
    sources = (root / "sources.yaml").read_text().replace(".lookups/", "lookups/")
    (root / "sources.yaml").write_text(sources)
    (root / "lookups" / "notes.csv").write_text("a,b\n1,2\n")  # not mapped: logs, as any file
    archive = tmp_path / "snap.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="snap")
    for logs in (root, archive):
        with open_engine([logs]) as engine:
            assert rows(engine, "* | count by _sourceCategory") == [("app", 3), ("lookups", 2)]
            assert rows(engine)[0] == ("ann", "web", 1)
        ran = cli("snapshot", "inspect", "--logs", logs, "--output", "json")
        files = {f["name"]: (f["format"], f["lines"]) for f in ran.json()["files"]}
        assert files == {
            "lookups/notes.csv": ("plain", 2),
            "lookups/ports.csv": ("lookup", 0),
            "lookups/teams.csv": ("lookup", 0),
            "web-1/app.log": ("plain", 3),
        }


def test_explicit_sources_file_maps_tables_next_to_it(tmp_path: Path) -> None:
    root = write_snapshot(tmp_path / "snap")
    config = tmp_path / "config"
    (config / "tables").mkdir(parents=True)
    (config / "tables" / "teams.csv").write_text("user,team\nann,ops\n")
    (config / "sources.yaml").write_text(
        'sources:\n  - files: "*/app.log"\n    category: app\n'
        "lookups:\n  /Library/Users/me/teams: tables/teams.csv\n"
    )
    with open_engine([root], config / "sources.yaml") as engine:
        assert rows(engine)[0] == ("ann", "ops", 1)


def test_the_generic_load_table_gives_the_same_table() -> None:
    engine = DuckDBEngine(log_table(raws("user=ann", "user=bob")))
    Engine.load_table(engine, "t_generic", 2, [["ann", "web"], ["ann", "o'ps"]])
    Engine.load_table(engine, "t_empty", 1, [])
    assert engine.fetch("SELECT * FROM t_generic ORDER BY __rg_row", {}) == [
        (1, "ann", "web"),
        (2, "ann", "o'ps"),
    ]
    assert engine.fetch("SELECT count(*) FROM t_empty", {}) == [(0,)]


def catalog_engine(tmp_path: Path, csv: str, **limits: int) -> DuckDBEngine:
    (tmp_path / "t.csv").write_bytes(csv.encode())
    text = "sources: []\nlookups:\n  /shared/t: t.csv\n"
    sources = parse_sources(text, "sources.yaml", tmp_path / "sources.yaml")
    engine = DuckDBEngine(log_table(raws("user=ann")))
    engine.content = Content(LookupCatalog(sources.lookups, **limits))
    return engine


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("", "t.csv:1: the file is empty; a lookup table starts with a header row"),
        ("user,,team\n", "t.csv:1: a column of the header row has no name"),
        ("user,USER\n", "t.csv:1: the header names column 'USER' twice"),
        ("user,team\nann\n", "t.csv:2: this row has 1 cells, the header 2"),
        ('user\n"ann\n', "t.csv:2: not valid CSV (unexpected end of data)"),
    ],
)
def test_bad_csv_files_name_file_and_line(tmp_path: Path, csv: str, message: str) -> None:
    engine = catalog_engine(tmp_path, csv)
    with pytest.raises(SnapshotError) as caught:
        rows(engine, '* | kv "user" | lookup team from /shared/t on user')
    assert str(caught.value) == f"{tmp_path}/{message} (lookup table '/shared/t')"


def test_tables_are_bounded(tmp_path: Path) -> None:
    engine = catalog_engine(tmp_path, "user\nann\nbob\ncarl\n", max_rows=2)
    with pytest.raises(SnapshotError, match=r"t\.csv:4: more than 2 rows, the most a table"):
        rows(engine, '* | kv "user" | lookup user from /shared/t on user')
    engine = catalog_engine(tmp_path, "user\nann\n", max_bytes=5)
    with pytest.raises(SnapshotError) as caught:
        rows(engine, '* | kv "user" | lookup user from /shared/t on user')
    assert str(caught.value) == (
        f"sources.yaml:3:14: lookup table '/shared/t': {tmp_path}/t.csv is larger than 5 bytes, "
        "the most a lookup table may hold\n"
        "    /shared/t: t.csv\n"
        "               ^~~~~"
    )


def test_a_missing_file_points_at_its_mapping(tmp_path: Path) -> None:
    text = "lookups:\n  /shared/t: missing.csv\n"
    sources = parse_sources(text, "sources.yaml", tmp_path / "sources.yaml")
    engine = DuckDBEngine(log_table(raws("user=ann")))
    engine.content = Content(LookupCatalog(sources.lookups))
    with pytest.raises(SnapshotError) as caught:
        rows(engine, '* | kv "user" | lookup user from /shared/t on user')
    assert str(caught.value) == (
        f"sources.yaml:2:14: lookup table '/shared/t': cannot read {tmp_path}/missing.csv: "
        "No such file or directory\n"
        "    /shared/t: missing.csv\n"
        "               ^~~~~~~~~~~"
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("  /t: /etc/passwd\n", "sources.yaml:3:7: lookup files must stay inside the folder"),
        ("  /t: ../outside.csv\n", "sources.yaml:3:7: lookup files must stay inside the folder"),
        ("  /t: [a.csv]\n", "sources.yaml:3:7: 'lookups./t' must be the path of a CSV file"),
        ("  /t: a.csv\n  /t: b.csv\n", "sources.yaml:4:3: duplicate lookup table '/t'"),
    ],
)
def test_bad_mappings_name_file_line_and_column(tmp_path: Path, entry: str, message: str) -> None:
    text = "sources: []\nlookups:\n" + entry
    with pytest.raises(SnapshotError) as caught:
        parse_sources(text, "sources.yaml", tmp_path / "sources.yaml")
    assert str(caught.value).startswith(message)


def test_a_table_mapped_to_two_files_is_refused(tmp_path: Path) -> None:
    where = Span("sources.yaml", 2, 3, 0, 0)
    first = LookupFile("/t", "a.csv", tmp_path, where, "")
    second = LookupFile('path://"/t"', "b.csv", tmp_path, where, "")
    with pytest.raises(SnapshotError, match="lookup table 'path://\"/t\"' is mapped to two files"):
        LookupCatalog([first, second])
