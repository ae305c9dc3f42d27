"""Container formats (CRI, Docker json-file), epoch times, structured data, zones and DST."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reportgen.snapshot import ingest
from tests.snapshot.test_formats import COLUMNS, rows, utc, write

pytestmark = pytest.mark.usefixtures("file_paths")


def test_cri_lines_keep_nanosecond_text_and_microsecond_times(tmp_path: Path) -> None:
    text = (
        "2026-11-20T10:00:00.123456789Z stdout F first message\n"
        "2026-11-20T10:00:01.5+01:00 stderr F second\n"
    )
    write(tmp_path / "node-1" / "pod_ns_app-0.log", text)
    con = duckdb.connect()
    ingest(con, [tmp_path])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2026, 11, 20, 10, 0, 0, 123456), "node-1", lines[0], 1, "plain"),
        (utc(2026, 11, 20, 9, 0, 1, 500000), "node-1", lines[1], 2, "plain"),
    ]


def test_docker_json_file_lines(tmp_path: Path) -> None:
    text = (
        '{"log":"starting defender\\n","stream":"stdout","time":"2026-11-20T10:00:00.5Z"}\n'
        '{"log":"boom\\n","stream":"stderr","time":"2026-11-20T11:00:00+01:00"}\n'
    )
    write(tmp_path / "containers" / "abc" / "abc-json.log", text)
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "containers"])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2026, 11, 20, 10, 0, 0, 500000), "abc", lines[0], 1, "json"),
        (utc(2026, 11, 20, 10, 0, 0), "abc", lines[1], 2, "json"),
    ]
    assert info.problems == {}


def test_plain_epoch_seconds_and_milliseconds(tmp_path: Path) -> None:
    text = "1732000000.25 seconds\n1732000001000 millis\n1732000002000000 micros\n"
    write(tmp_path / "e.log", text)
    con = duckdb.connect()
    ingest(con, [tmp_path / "e.log"])
    assert rows(con, "_messagetime, _format") == [
        (utc(2024, 11, 19, 7, 6, 40, 250000), "plain"),
        (utc(2024, 11, 19, 7, 6, 41), "plain"),
        (utc(2024, 11, 19, 7, 6, 42), "plain"),
    ]


def test_rfc5424_structured_data_is_kept(tmp_path: Path) -> None:
    line = (
        '<165>1 2026-11-20T10:00:00.003Z web-1 defender 77 ID47 [exampleSDID@32473 iut="3" '
        'eventSource="Application"] container blocked'
    )
    write(tmp_path / "remote", line + "\n")
    con = duckdb.connect()
    ingest(con, [tmp_path / "remote"])
    assert rows(con, COLUMNS) == [(utc(2026, 11, 20, 10, 0, 0, 3000), "web-1", line, 1, "rfc5424")]


def test_offset_in_line_wins_then_source_zone_then_utc(tmp_path: Path) -> None:
    root = tmp_path / "s"
    write(root / "ny" / "a.log", "2026-07-01T12:00:00+02:00 offset\n2026-07-01T12:00:00 local\n")
    write(root / "utc" / "b.log", "2026-07-01T12:00:00 no zone anywhere\n")
    write(root / "sources.yaml", 'sources:\n  - files: "ny/*"\n    timezone: America/New_York\n')
    con = duckdb.connect()
    ingest(con, [root])
    assert rows(con, "_messagetime, _sourcename") == [
        (utc(2026, 7, 1, 10), "ny/a.log"),
        (utc(2026, 7, 1, 16), "ny/a.log"),
        (utc(2026, 7, 1, 12), "utc/b.log"),
    ]


def test_dst_changes_in_a_named_zone(tmp_path: Path) -> None:
    # Europe/Paris: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
    text = (
        " INFO 2026-03-29T01:59:59.000 a.go:1  before spring\n"
        " INFO 2026-03-29T03:00:00.000 a.go:1  after spring\n"
        " INFO 2026-10-25T01:30:00.000 a.go:1  before autumn\n"
        " INFO 2026-10-25T03:30:00.000 a.go:1  after autumn\n"
    )
    root = tmp_path / "s"
    write(root / "paris" / "defender.log", text)
    write(root / "sources.yaml", 'sources:\n  - files: "**"\n    timezone: Europe/Paris\n')
    con = duckdb.connect()
    ingest(con, [root])
    assert rows(con, "_messagetime") == [
        (utc(2026, 3, 29, 0, 59, 59),),
        (utc(2026, 3, 29, 1, 0, 0),),
        (utc(2026, 10, 24, 23, 30),),
        (utc(2026, 10, 25, 2, 30),),
    ]


def test_rfc3164_in_a_named_zone_across_dst(tmp_path: Path) -> None:
    text = "Mar 29 01:30:00 h app: winter\nMar 29 03:30:00 h app: summer\n"
    root = tmp_path / "s"
    write(root / "syslog", text, mtime=utc(2026, 4, 1))
    write(root / "sources.yaml", 'sources:\n  - files: "*"\n    timezone: Europe/Paris\n')
    con = duckdb.connect()
    ingest(con, [root])
    assert rows(con, "_messagetime") == [(utc(2026, 3, 29, 0, 30),), (utc(2026, 3, 29, 1, 30),)]
