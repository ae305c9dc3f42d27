"""Records: continuation lines, repairs (bad UTF-8, long lines, bad times), table, digest."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.errors import SnapshotError
from reportgen.snapshot import LOG_COLUMNS, ingest, sql

pytestmark = pytest.mark.usefixtures("file_paths")

MTIME = datetime(2022, 5, 4, 12, 0, tzinfo=UTC)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return path


def table(con: duckdb.DuckDBPyConnection, columns: str, name: str = "logs") -> list[Any]:
    return con.execute(f"SELECT {columns} FROM {name}").fetchall()


def at(second: int, micro: int = 0) -> datetime:
    return datetime(2022, 5, 3, 13, 12, second, micro, tzinfo=UTC)


def test_continuation_lines_join_the_previous_record(tmp_path: Path) -> None:
    text = (
        "  orphan continuation at the top\n"
        " ERRO 2022-05-03T13:12:01.000 a.go:1  panic: boom\n"
        "\tgoroutine 1 [running]:\n"
        "    main.main()\n"
        " INFO 2022-05-03T13:12:02.000 a.go:2  next\n"
        "not indented, no header\n"
        "  indented after a headerless line\n"
    )
    write(tmp_path / "s" / "h" / "defender.log", text)
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s"])
    assert table(con, "_messagetime, _raw, _messagecount") == [
        (at(1), "  orphan continuation at the top", 1),
        (at(1), " ERRO 2022-05-03T13:12:01.000 a.go:1  panic: boom\n"
         "\tgoroutine 1 [running]:\n    main.main()", 2),
        (at(2), " INFO 2022-05-03T13:12:02.000 a.go:2  next", 5),
        (at(2), "not indented, no header\n  indented after a headerless line", 6),
    ]  # fmt: skip
    assert [size for (size,) in table(con, "_size")] == [32, 89, 42, 58]
    assert info.files[0].lines == 7
    assert info.files[0].records == 4
    assert info.problems == {"bad_timestamp": 2}


def test_odd_bytes_crlf_blank_lines_and_no_final_newline(tmp_path: Path) -> None:
    lines = [
        "2024-01-02T03:04:05Z tab\there, comma, \"double\" 'single' \\ backslash",
        "2024-01-02T03:04:06Z unit\x1fseparator \x1e record sep \x00 nul \r lone CR",
        "",
        "   \t ",
        "2024-01-02T03:04:07Z last, with CRLF and no final newline é ✓",
    ]
    write(tmp_path / "odd.log", "\r\n".join(lines))
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "odd.log"])
    assert table(con, "_raw, _messagecount, _size") == [
        (lines[0], 1, len(lines[0])),
        (lines[1], 2, len(lines[1])),
        (lines[4], 5, len(lines[4].encode())),
    ]
    assert info.files[0].lines == 5
    assert info.problems == {"blank_line": 2}


def test_invalid_utf8_is_replaced_not_dropped(tmp_path: Path) -> None:
    data = (
        b"2024-01-02T03:04:05Z fine\n"
        b"2024-01-02T03:04:06Z latin-1 caf\xe9 and \xff\xfe\n"
        b"2024-01-02T03:04:07Z fine again\n"
    )
    write(tmp_path / "s" / "bad.log", data)
    write(tmp_path / "s" / "good.log", "2024-01-02T03:04:08Z good\n")
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s"])
    assert table(con, "_raw, _sourcename") == [
        ("2024-01-02T03:04:05Z fine", "bad.log"),
        ("2024-01-02T03:04:06Z latin-1 caf\ufffd and \ufffd\ufffd", "bad.log"),
        ("2024-01-02T03:04:07Z fine again", "bad.log"),
        ("2024-01-02T03:04:08Z good", "good.log"),
    ]
    assert [f.problems for f in info.files] == [{"invalid_utf8": 1}, {}]


def test_long_lines_are_truncated_at_the_configured_bound(tmp_path: Path) -> None:
    text = "2024-01-02T03:04:05Z " + "é" * 100 + "\n2024-01-02T03:04:06Z short\n"
    write(tmp_path / "s" / "long.log", text)
    write(tmp_path / "s" / "sources.yaml", "max_line_chars: 80\nsources: []\n")
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s"])
    assert table(con, "_raw") == [
        ("2024-01-02T03:04:05Z " + "é" * 59,),
        ("2024-01-02T03:04:06Z short",),
    ]
    assert info.problems == {"long_line": 1}


def test_bad_timestamps_take_the_previous_time_or_the_next_at_the_start(tmp_path: Path) -> None:
    # Issue 11: a bad first time used to take the file's mtime (now), which moved the default
    # --at to today; it takes the next readable record's time instead.
    text = (
        "Feb 30 10:00:00 h app: no such day, before any good line\n"
        "Jul 30 18:51:32 h app: good\n"
        "Xyz 30 18:51:33 h app: no such month\n"
    )
    write(tmp_path / "syslog", text)
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "syslog"])
    good = datetime(2021, 7, 30, 18, 51, 32, tzinfo=UTC)
    assert table(con, "_messagetime") == [(good,), (good,), (good,)]
    assert info.problems == {"bad_timestamp": 2}
    assert (info.start, info.end) == (good, good)


def test_only_a_file_without_any_readable_time_takes_its_mtime(tmp_path: Path) -> None:
    write(tmp_path / "s" / "none.log", "no time here\nnor here\n")
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s"])
    assert table(con, "_messagetime") == [(MTIME,), (MTIME,)]
    assert (info.start, info.end, info.problems) == (MTIME, MTIME, {"bad_timestamp": 2})


def test_leap_day_takes_the_latest_leap_year(tmp_path: Path) -> None:
    write(tmp_path / "syslog", "Feb 29 10:00:00 h app: leap\n")
    con = duckdb.connect()
    ingest(con, [tmp_path / "syslog"])
    assert table(con, "_messagetime") == [(datetime(2020, 2, 29, 10, tzinfo=UTC),)]


def test_files_of_several_formats_keep_name_and_line_order(tmp_path: Path) -> None:
    golog = " INFO 2022-05-03T13:12:0{}.000 a.go:1  m\n  cont\n"
    for index, name in enumerate(["a.log", "b.log", "d.log", "e.log"]):
        write(tmp_path / "s" / name, golog.format(index) * 2)
    write(tmp_path / "s" / "c.log", "garbage first\n2024-01-02T03:04:05Z plain\n")
    write(tmp_path / "s" / "f[1].log", golog.format(9))
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s"])
    assert [(f.name, f.format) for f in info.files] == [
        ("a.log", "golog"), ("b.log", "golog"), ("c.log", "plain"), ("d.log", "golog"),
        ("e.log", "golog"), ("f[1].log", "golog"),
    ]  # fmt: skip
    got = table(con, "_sourcename, _messagecount, _messagetime")
    assert [row[:2] for row in got] == [
        ("a.log", 1), ("a.log", 3), ("b.log", 1), ("b.log", 3), ("c.log", 1), ("c.log", 2),
        ("d.log", 1), ("d.log", 3), ("e.log", 1), ("e.log", 3), ("f[1].log", 1),
    ]  # fmt: skip
    assert got[4][2] == got[5][2] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert got[10][2] == at(9)


def test_table_schema_and_custom_name(tmp_path: Path) -> None:
    write(tmp_path / "a.log", "2024-01-02T03:04:05Z x\n")
    con = duckdb.connect()
    ingest(con, [tmp_path / "a.log"], table="my logs")
    described = con.execute('DESCRIBE "my logs"').fetchall()
    assert [(row[0], row[1]) for row in described] == [
        (name, "TIMESTAMP WITH TIME ZONE" if kind == "TIMESTAMPTZ" else kind)
        for name, kind in LOG_COLUMNS
    ]
    # The log table is a view over a table of records and a table of files (see storage.py).
    tables = con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
    assert tables == [("my logs__files",), ("my logs__records",)]
    views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    assert views == [("my logs",)]


def test_empty_snapshot(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s"])
    assert (info.rows, info.start, info.end, info.files) == (0, None, None, [])
    assert table(con, "count(*)") == [(0,)]


def test_same_snapshot_same_table_and_digest(tmp_path: Path) -> None:
    write(tmp_path / "s" / "h" / "a.log", "2024-01-02T03:04:05Z x\n")
    write(tmp_path / "s" / "h" / "b.log", "2024-01-02T03:04:06Z y\n")
    first, second = duckdb.connect(), duckdb.connect()
    one, two = ingest(first, [tmp_path / "s"]), ingest(second, [tmp_path / "s"])
    assert table(first, "*") == table(second, "*")
    assert one.digest == two.digest
    assert len(one.digest) == 64
    os.utime(tmp_path / "s" / "h" / "a.log", (0, 0))
    assert ingest(duckdb.connect(), [tmp_path / "s"]).digest == one.digest
    (tmp_path / "s" / "h" / "b.log").rename(tmp_path / "s" / "h" / "c.log")
    renamed = ingest(duckdb.connect(), [tmp_path / "s"]).digest
    (tmp_path / "s" / "h" / "c.log").write_text("2024-01-02T03:04:06Z z\n")
    changed = ingest(duckdb.connect(), [tmp_path / "s"]).digest
    assert len({one.digest, renamed, changed}) == 3


@pytest.mark.parametrize("setting", [True, False])
def test_connection_settings_and_temp_tables_are_left_alone(tmp_path: Path, setting: bool) -> None:
    write(tmp_path / "a.log", "2024-01-02T03:04:05Z x\n  cont\n")
    con = duckdb.connect()
    con.execute(f"SET preserve_insertion_order = {setting}")
    ingest(con, [tmp_path / "a.log"])
    value = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    assert value == (setting,)
    assert table(con, "count(*)", "duckdb_tables()") == [(2,)]  # records and files


def test_same_input_twice_and_a_gz_name_that_is_not_gzip(tmp_path: Path) -> None:
    write(tmp_path / "s" / "plain.log.gz", "2024-01-02T03:04:05Z not compressed\n")
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s", tmp_path / "s"])
    assert table(con, "_raw, _sourcename") == [
        ("2024-01-02T03:04:05Z not compressed", "plain.log.gz"),
        ("2024-01-02T03:04:05Z not compressed", "plain.log.gz"),
    ]
    assert info.problems == {}


def test_a_failed_ingest_leaves_the_previous_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.log", "2024-01-02T03:04:05Z x\n")
    con = duckdb.connect()
    ingest(con, [tmp_path / "a.log"])
    monkeypatch.setattr(sql, "parse_sql", lambda *key, **kw: "SELECT nonsense(")
    with pytest.raises(SnapshotError, match=r"cannot parse a\.log as plain: Parser Error"):
        ingest(con, [tmp_path / "a.log"])
    assert table(con, "_raw") == [("2024-01-02T03:04:05Z x",)]
    assert sorted(table(con, "table_name", "duckdb_tables()")) == [
        ("logs__files",),
        ("logs__records",),
    ]


def test_ingest_inside_an_open_transaction(tmp_path: Path) -> None:
    write(tmp_path / "a.log", "2024-01-02T03:04:05Z x\n")
    con = duckdb.connect()
    con.execute("BEGIN TRANSACTION")
    ingest(con, [tmp_path / "a.log"])
    con.execute("ROLLBACK")
    assert table(con, "count(*)", "duckdb_tables()") == [(0,)]
