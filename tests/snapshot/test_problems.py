"""Bad input never stops a build and is never silent: warnings, summary JSON, footer, inspect."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from bs4 import BeautifulSoup

from reportgen.snapshot import ingest, textio

pytestmark = pytest.mark.usefixtures("file_paths")

DASHBOARD = """\
title: Problems
time_range: all
panels:
  - id: total
    title: Records
    type: single_value
    query: "* | count"
"""
GOOD = "".join(f"2026-01-02T03:04:{second:02d}Z line {second}\n" for second in range(40))


def messy_snapshot(root: Path) -> Path:
    (root / "h").mkdir(parents=True)
    # Level 0 stores the text after a 10-byte header and a 5-byte block header: cut after the
    # first ten lines (28 bytes each).
    data = gzip.compress(GOOD.encode(), compresslevel=0)
    (root / "h" / "cut.log.1.gz").write_bytes(data[: 15 + 280])
    (root / "h" / "bytes.bin").write_bytes(bytes(range(256)) * 64)
    (root / "h" / "empty.log").write_bytes(b"")
    (root / "h" / "latin1.log").write_bytes(b"2026-01-02T03:05:00Z caf\xe9\n")
    (root / "h" / "huge.log").write_text("2026-01-02T03:06:00Z " + "x" * (10 << 20) + "\n")
    (root / "h" / "ok.log").write_text("2026-01-02T03:07:00Z fine\n\n")
    return root


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return messy_snapshot(tmp_path_factory.mktemp("messy") / "snap")


def test_build_warns_per_file_and_reports_problems(messy: Path, tmp_path: Path, cli: Any) -> None:
    dashboard = tmp_path / "problems.yaml"
    dashboard.write_text(DASHBOARD)
    ran = cli("build", dashboard, "--logs", messy, "--out", tmp_path / "out")
    assert ran.code == 0
    assert ran.err.splitlines() == [
        "warning: h/bytes.bin: looks binary; skipped",
        "warning: h/cut.log.1.gz: truncated or corrupt gzip; kept what could be read",
        "warning: h/empty.log: empty; skipped",
        "warning: h/huge.log: 1 line(s) longer than max_line_chars; truncated",
        "warning: h/latin1.log: 1 line(s) not valid UTF-8; bad bytes replaced by U+FFFD",
    ]
    summary = json.loads((tmp_path / "out" / "problems.json").read_text())
    files = {item["name"]: item for item in summary["snapshot"]["files"]}
    assert files == {
        "h/cut.log.1.gz": {"name": "h/cut.log.1.gz", "format": "plain", "bytes": 295,
                           "lines": 10, "records": 10, "problems": {"bad_gzip": 1}},
        "h/bytes.bin": {"name": "h/bytes.bin", "format": "", "bytes": 16384, "lines": 0,
                        "records": 0, "problems": {"binary_file": 1}},
        "h/empty.log": {"name": "h/empty.log", "format": "", "bytes": 0, "lines": 0,
                        "records": 0, "problems": {"empty_file": 1}},
        "h/huge.log": {"name": "h/huge.log", "format": "plain", "bytes": 21 + (10 << 20) + 1,
                       "lines": 1, "records": 1, "problems": {"long_line": 1}},
        "h/latin1.log": {"name": "h/latin1.log", "format": "plain", "bytes": 26, "lines": 1,
                         "records": 1, "problems": {"invalid_utf8": 1}},
        "h/ok.log": {"name": "h/ok.log", "format": "plain", "bytes": 27, "lines": 2,
                     "records": 1, "problems": {"blank_line": 1}},
    }  # fmt: skip
    assert summary["snapshot"]["problems"] == {
        "bad_gzip": 1, "binary_file": 1, "blank_line": 1, "empty_file": 1, "invalid_utf8": 1,
        "long_line": 1,
    }  # fmt: skip
    assert summary["panels"][0]["value"] == 13
    soup = BeautifulSoup((tmp_path / "out" / "problems.html").read_text(), "html.parser")
    footer = [li.get_text(" ", strip=True) for li in soup.select(".ingest-problems li")]
    assert footer == [
        "bad_gzip : 1", "binary_file : 1", "blank_line : 1", "empty_file : 1",
        "invalid_utf8 : 1", "long_line : 1",
    ]  # fmt: skip


def test_the_long_line_keeps_its_first_mebibyte(messy: Path) -> None:
    con = duckdb.connect()
    ingest(con, [messy / "h" / "huge.log"])
    assert con.execute("SELECT strlen(_raw), _raw[-3:] FROM logs").fetchall() == [(1 << 20, "xxx")]


def test_decompressed_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "MAX_FILE_BYTES", 100)
    (tmp_path / "bomb.log.gz").write_bytes(gzip.compress(GOOD.encode()))
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "bomb.log.gz"])
    assert info.problems == {"too_large": 1}
    assert con.execute("SELECT _raw FROM logs").fetchall() == [
        ("2026-01-02T03:04:00Z line 0",),
        ("2026-01-02T03:04:01Z line 1",),
        ("2026-01-02T03:04:02Z line 2",),
    ]


def test_inspect_json_and_table(messy: Path, cli: Any) -> None:
    ran = cli("snapshot", "inspect", "--logs", messy / "h" / "ok.log", "--logs", messy,
              "--output", "json")  # fmt: skip
    assert ran.code == 0
    document = ran.json()
    assert document["rows"] == 14
    ok = document["files"][-1]
    assert [f["name"] for f in document["files"]] == [
        "h/bytes.bin", "h/cut.log.1.gz", "h/empty.log", "h/huge.log", "h/latin1.log", "h/ok.log",
        "ok.log",
    ]  # fmt: skip
    assert ok == {
        "name": "ok.log", "format": "plain", "bytes": 27, "lines": 2, "records": 1,
        "start": "2026-01-02T03:07:00.000Z", "end": "2026-01-02T03:07:00.000Z",
        "hosts": ["ok"], "categories": [], "problems": {"blank_line": 1},
    }  # fmt: skip
    table = cli("snapshot", "inspect", "--logs", messy / "h" / "ok.log").out.splitlines()
    assert table == [
        "file    format  lines  records  start                     end                       "
        "hosts  categories  problems",
        "ok.log  plain       2        1  2026-01-02T03:07:00.000Z  2026-01-02T03:07:00.000Z  "
        "ok     -           blank_line=1",
        "1 files, 1 records, 2026-01-02T03:07:00.000Z to 2026-01-02T03:07:00.000Z; problems: "
        "blank_line=1",
    ]


def test_inspect_a_tarball_and_a_single_gz_file(tmp_path: Path, cli: Any) -> None:
    import tarfile

    source = tmp_path / "src"
    (source / "web-1").mkdir(parents=True)
    (source / "web-1" / "syslog").write_text("Jan  2 03:04:05 web-1 app[1]: hello\n")
    archive = tmp_path / "snap.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname="snap")  # tar czf snap.tgz -C tmp snap: one top-level folder
    single = tmp_path / "defender.log.2.gz"
    single.write_bytes(gzip.compress(b" INFO 2026-01-02T03:04:06.000 a.go:1  hi\n"))
    ran = cli("snapshot", "inspect", "--logs", archive, "--logs", single, "-o", "json")
    assert ran.code == 0, ran.err
    files = [(f["name"], f["format"], f["records"], f["hosts"]) for f in ran.json()["files"]]
    assert files == [
        ("defender.log.2.gz", "golog", 1, ["defender"]),
        ("web-1/syslog", "rfc3164", 1, ["web-1"]),
    ]


def test_a_bad_first_time_takes_the_next_one_and_says_so(tmp_path: Path) -> None:
    # Issue 11: the file's mtime (now) used to move the default --at to today.
    from reportgen.session import open_session
    from reportgen.snapshot.report import problem_warnings

    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.log").write_text(
        "garbage before any time\n2026-01-02T03:04:05Z first readable\n"
    )
    session = open_session([tmp_path / "s"], cache=False)
    try:
        assert session.at.isoformat() == "2026-01-02T03:05:00+00:00"
        assert problem_warnings(session.snapshot) == [
            "a.log: 1 record(s) without a readable time; took the previous record's "
            "(the next one's before the first readable time)"
        ]
    finally:
        session.close()
