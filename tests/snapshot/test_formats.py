"""One snapshot file per line format: exact times, hosts, raw text and line numbers."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.snapshot import ingest
from reportgen.snapshot.formats import FORMAT_NAMES, FORMATS, detect

pytestmark = pytest.mark.usefixtures("file_paths")

MTIME = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)


def write(path: Path, text: str | bytes, mtime: datetime = MTIME) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def rows(con: duckdb.DuckDBPyConnection, columns: str = "*") -> list[tuple[Any, ...]]:
    return con.execute(f"SELECT {columns} FROM logs").fetchall()


def utc(year: int, month: int, day: int, *clock: int) -> datetime:
    hour, minute, second, micro = (*clock, 0, 0, 0, 0)[:4]
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


COLUMNS = "_messagetime, _sourcehost, _raw, _messagecount, _format"


def test_rfc3164_with_pri_padded_days_and_hosts(tmp_path: Path) -> None:
    text = (
        'Jul 30 18:51:32 aqsa-root Twistlock-Console[1]: time="x" type="scan_summary"\n'
        '<142>Mar  5 00:26:42 itay-ThinkPad-P50 Twistlock-Defender[22797]: type="incident"\n'
        "Mar 05 00:26:43 Twistlock-Defender[22797]: no host in this line\n"
    )
    write(tmp_path / "snap" / "node-1" / "syslog", text)
    con = duckdb.connect()
    ingest(con, [tmp_path / "snap"])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2024, 7, 30, 18, 51, 32), "aqsa-root", lines[0], 1, "rfc3164"),
        (utc(2024, 3, 5, 0, 26, 42), "itay-ThinkPad-P50", lines[1], 2, "rfc3164"),
        (utc(2024, 3, 5, 0, 26, 43), "node-1", lines[2], 3, "rfc3164"),
    ]


def test_rfc3164_year_inferred_across_a_year_end(tmp_path: Path) -> None:
    text = "Dec 31 23:59:58 h1 app: old year\nJan  1 00:00:03 h1 app: new year\n"
    write(tmp_path / "syslog", text, mtime=utc(2025, 1, 1, 0, 5))
    con = duckdb.connect()
    ingest(con, [tmp_path / "syslog"])
    assert rows(con, "_messagetime") == [
        (utc(2024, 12, 31, 23, 59, 58),),
        (utc(2025, 1, 1, 0, 0, 3),),
    ]


def test_rfc3164_in_a_source_timezone(tmp_path: Path) -> None:
    write(tmp_path / "snap" / "paris" / "syslog", "Jul 30 18:51:32 h1 app: summer\n")
    write(tmp_path / "snap" / "paris" / "winter.log", "Jan 15 10:00:00 h1 app: winter\n")
    (tmp_path / "snap" / "sources.yaml").write_text(
        'sources:\n  - files: "paris/*"\n    category: fr\n    timezone: Europe/Paris\n'
    )
    con = duckdb.connect()
    ingest(con, [tmp_path / "snap"])
    assert rows(con, "_messagetime, _sourcecategory") == [
        (utc(2024, 7, 30, 16, 51, 32), "fr"),
        (utc(2024, 1, 15, 9, 0, 0), "fr"),
    ]


def test_go_syslog(tmp_path: Path) -> None:
    text = (
        "<142>2019-07-24T14:37:50Z twistlock-console-v5t10 Twistlock-Console[1]: "
        'time="2019-07-24T14:37:50.767806646Z" type="scan_summary" log_type="host"\n'
        "<142>2019-07-25T10:24:42+02:00 ip-192-168-85-85.us-west-1.compute.internal "
        'Twistlock-Defender[18070]: type="process"\n'
    )
    write(tmp_path / "net.log", text)
    con = duckdb.connect()
    ingest(con, [tmp_path / "net.log"])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2019, 7, 24, 14, 37, 50), "twistlock-console-v5t10", lines[0], 1, "go-syslog"),
        (utc(2019, 7, 25, 8, 24, 42), "ip-192-168-85-85.us-west-1.compute.internal", lines[1], 2,
         "go-syslog"),
    ]  # fmt: skip


def test_rfc5424(tmp_path: Path) -> None:
    text = (
        '<142>1 2019-07-24T14:37:50.767Z host-a Twistlock-Console 1 - - time="x"\n'
        "<142>1 2019-07-24T16:37:51.5+02:00 - Twistlock-Defender 77 - - no host\n"
    )
    write(tmp_path / "relay" / "r.log", text)
    con = duckdb.connect()
    ingest(con, [tmp_path / "relay"])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2019, 7, 24, 14, 37, 50, 767000), "host-a", lines[0], 1, "rfc5424"),
        (utc(2019, 7, 24, 14, 37, 51, 500000), "r", lines[1], 2, "rfc5424"),
    ]


def test_golog_with_ansi_colours_and_source_timezone(tmp_path: Path) -> None:
    text = (
        " ERRO 2022-05-03T13:12:56.335 defender.go:932  Failed to start runc proxy\n"
        "\x1b[31m ERRO 2020-07-14T20:01:10.932 resolver.go:38 \x1b[0m Failed to fetch\n"
        "DEBU 2021-11-11T11:59:33.296 cert_watcher.go:45 Watching\n"
    )
    write(
        tmp_path / "snap" / "prod-web-1" / "var" / "lib" / "twistlock" / "log" / "defender.log",
        text,
    )
    (tmp_path / "snap" / "sources.yaml").write_text(
        'sources:\n  - files: "**/defender.log*"\n    category: tl\n    timezone: Europe/Paris\n'
    )
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "snap"])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2022, 5, 3, 11, 12, 56, 335000), "prod-web-1", lines[0], 1, "golog"),
        (utc(2020, 7, 14, 18, 1, 10, 932000), "prod-web-1", lines[1], 2, "golog"),
        (utc(2021, 11, 11, 10, 59, 33, 296000), "prod-web-1", lines[2], 3, "golog"),
    ]
    assert info.start == utc(2020, 7, 14, 18, 1, 10, 932000)
    assert info.end == utc(2022, 5, 3, 11, 12, 56, 335000)


def test_json_lines(tmp_path: Path) -> None:
    text = (
        '{"level": "DEBUG", "log": "defender.go:2042 Received", '
        '"time": "2023-03-30T18:47:17.49Z"}\n'
        '{"ts": 1680202037.25, "msg": "epoch seconds"}\n'
        '{"@timestamp": "2023-03-30T18:47:19", "msg": "no zone"}\n'
        '{"timestamp": 1680202040000, "msg": "epoch millis"}\n'
    )
    write(tmp_path / "api" / "defender_logs.json", text)
    con = duckdb.connect()
    ingest(con, [tmp_path / "api"])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2023, 3, 30, 18, 47, 17, 490000), "defender_logs", lines[0], 1, "json"),
        (utc(2023, 3, 30, 18, 47, 17, 250000), "defender_logs", lines[1], 2, "json"),
        (utc(2023, 3, 30, 18, 47, 19), "defender_logs", lines[2], 3, "json"),
        (utc(2023, 3, 30, 18, 47, 20), "defender_logs", lines[3], 4, "json"),
    ]


def test_plain_iso_lines(tmp_path: Path) -> None:
    text = (
        "2024-01-02T03:04:05Z first\n"
        "2024-01-02 03:04:06,250 python logging style\n"
        "2024-01-02T05:04:07.5+0200 with offset\n"
    )
    write(tmp_path / "host-9" / "app.log", text)
    con = duckdb.connect()
    ingest(con, [tmp_path / "host-9" / "app.log"])
    lines = text.splitlines()
    assert rows(con, COLUMNS) == [
        (utc(2024, 1, 2, 3, 4, 5), "app", lines[0], 1, "plain"),
        (utc(2024, 1, 2, 3, 4, 6, 250000), "app", lines[1], 2, "plain"),
        (utc(2024, 1, 2, 3, 4, 7, 500000), "app", lines[2], 3, "plain"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jul 30 18:51:32 aqsa-root Twistlock-Console[1]: x", "rfc3164"),
        ("<14>Mar  5 00:26:42 h t: x", "rfc3164"),
        ("<142>2019-07-24T14:37:50Z h Twistlock-Console[1]: x", "go-syslog"),
        ("<142>1 2019-07-24T14:37:50.767Z h app 1 - - x", "rfc5424"),
        (" ERRO 2022-05-03T13:12:56.335 defender.go:932  msg", "golog"),
        ("\x1b[31m ERRO 2020-07-14T20:01:10.932 k.go:38 \x1b[0m msg", "golog"),
        ('{"time": "2023-03-30T18:47:17.49Z"}', "json"),
        ("2024-01-02T03:04:05Z x", "plain"),
        ("no timestamp at all", "plain"),
    ],
)
def test_detect(line: str, expected: str) -> None:
    assert detect([line, "  a continuation line", ""]) == expected


def test_detect_is_a_majority_vote() -> None:
    lines = ["2024-01-02T03:04:05Z plain"] + [" INFO 2022-05-03T13:12:56.335 a.go:1 x"] * 3
    assert detect(lines) == "golog"
    assert set(FORMAT_NAMES) == set(FORMATS)


def test_format_override_from_sources(tmp_path: Path) -> None:
    write(tmp_path / "snap" / "a" / "x.log", "Jul 30 18:51:32 h1 app: read as plain\n")
    (tmp_path / "snap" / "sources.yaml").write_text(
        'sources:\n  - files: "a/*.log"\n    format: plain\n'
    )
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "snap"])
    assert info.files[0].format == "plain"
    assert info.problems == {"bad_timestamp": 1}
    assert rows(con, "_messagetime, _format") == [(MTIME, "plain")]
