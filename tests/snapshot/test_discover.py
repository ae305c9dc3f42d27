"""Inputs: folders, tar archives (and their attacks), single files, gz and rotated files."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from reportgen.errors import SnapshotError
from reportgen.snapshot import ingest

MTIME = datetime(2022, 5, 4, tzinfo=UTC).timestamp()
DEFENDER = " INFO 2022-05-03T13:12:{second:02d}.000 defender.go:1  line {second}\n"


def golog(*seconds: int) -> str:
    return "".join(DEFENDER.format(second=second) for second in seconds)


def make_tree(root: Path) -> Path:
    """A snapshot folder with a current log, rotated and gzipped logs, hidden and empty files."""
    logs = root / "prod-web-1" / "var" / "lib" / "twistlock" / "log"
    logs.mkdir(parents=True)
    (logs / "defender.log").write_text(golog(3, 4))
    (logs / "defender.log.1").write_text(golog(2))
    (logs / "defender.log.2.gz").write_bytes(gzip.compress(golog(0, 1).encode()))
    (logs / ".defender.log.swp").write_text("hidden")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("hidden folder")
    (root / "prod-web-1" / "empty.log").write_text("")
    (root / "sources.yaml").write_text("sources: []\n")
    for path in root.rglob("*"):
        os.utime(path, (MTIME, MTIME))
    return root


def names(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str]]:
    query = "SELECT _sourcename, _messagecount, _source FROM logs"
    return con.execute(query).fetchall()


EXPECTED = [
    ("prod-web-1/var/lib/twistlock/log/defender.log", 1, "defender.log"),
    ("prod-web-1/var/lib/twistlock/log/defender.log", 2, "defender.log"),
    ("prod-web-1/var/lib/twistlock/log/defender.log.1", 1, "defender.log.1"),
    ("prod-web-1/var/lib/twistlock/log/defender.log.2.gz", 1, "defender.log.2.gz"),
    ("prod-web-1/var/lib/twistlock/log/defender.log.2.gz", 2, "defender.log.2.gz"),
]


def test_folder_with_rotated_gz_hidden_and_empty_files(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "snap")
    con = duckdb.connect()
    info = ingest(con, [root])
    assert names(con) == EXPECTED
    assert [(f.name, f.format, f.lines, f.records) for f in info.files] == [
        ("prod-web-1/empty.log", "", 0, 0),
        ("prod-web-1/var/lib/twistlock/log/defender.log", "golog", 2, 2),
        ("prod-web-1/var/lib/twistlock/log/defender.log.1", "golog", 1, 1),
        ("prod-web-1/var/lib/twistlock/log/defender.log.2.gz", "golog", 2, 2),
    ]
    gz_file = root / "prod-web-1" / "var" / "lib" / "twistlock" / "log" / "defender.log.2.gz"
    assert info.files[3].bytes == gz_file.stat().st_size
    assert info.problems == {"empty_file": 1}
    assert info.rows == 5
    assert info.roots == [root]
    assert info.start == datetime(2022, 5, 3, 13, 12, 0, tzinfo=UTC)
    hosts = con.execute("SELECT DISTINCT _sourcehost, _sourcecategory, _collector FROM logs")
    assert hosts.fetchall() == [("prod-web-1", "prod-web-1/var/lib/twistlock/log", None)]
    receipt = con.execute("SELECT DISTINCT _receipttime FROM logs").fetchall()
    assert receipt == [(datetime(2022, 5, 4, tzinfo=UTC),)]


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tgz"])
def test_tar_archive_gives_the_same_table_and_digest(tmp_path: Path, suffix: str) -> None:
    root = make_tree(tmp_path / "snap")
    archive = tmp_path / f"snap{suffix}"
    with tarfile.open(archive, "w:gz" if suffix != ".tar" else "w") as tar:
        for path in sorted(root.iterdir()):
            tar.add(path, arcname=path.name)
    from_folder, from_tar = duckdb.connect(), duckdb.connect()
    folder_info = ingest(from_folder, [root])
    tar_info = ingest(from_tar, [archive])
    assert names(from_tar) == EXPECTED
    assert from_tar.execute("SELECT * FROM logs").fetchall() == (
        from_folder.execute("SELECT * FROM logs").fetchall()
    )
    assert tar_info.digest == folder_info.digest
    assert tar_info.files == folder_info.files


def test_single_file_and_several_inputs(tmp_path: Path) -> None:
    single = tmp_path / "console.log"
    single.write_text(golog(9))
    root = make_tree(tmp_path / "snap")
    con = duckdb.connect()
    info = ingest(con, [root, single])
    assert [f.name for f in info.files][:2] == ["console.log", "prod-web-1/empty.log"]
    first = con.execute(
        "SELECT _sourcename, _sourcehost, _sourcecategory, _source FROM logs LIMIT 1"
    ).fetchone()
    assert first == ("console.log", "console", "", "console.log")
    assert info.rows == 6


def add_member(tar: tarfile.TarFile, name: str, kind: bytes = tarfile.REGTYPE) -> None:
    member = tarfile.TarInfo(name)
    member.type = kind
    data = b"2024-01-02T03:04:05Z evil\n"
    if kind == tarfile.REGTYPE:
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    else:
        member.linkname = "/etc/passwd"
        tar.addfile(member)


@pytest.mark.parametrize(
    ("member", "kind", "reason"),
    [
        ("../escape.log", tarfile.REGTYPE, "has a '..' component"),
        ("../../../escape.log", tarfile.REGTYPE, "has a '..' component"),
        ("logs/../../escape.log", tarfile.REGTYPE, "has a '..' component"),
        ("/tmp/escape.log", tarfile.REGTYPE, "has an absolute path"),
        ("logs/passwd", tarfile.SYMTYPE, "is a link"),
        ("logs/hard", tarfile.LNKTYPE, "is a link"),
        ("logs/dev", tarfile.CHRTYPE, "is not a regular file"),
    ],
)
def test_unsafe_tar_members_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, member: str, kind: bytes, reason: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # the extraction happens in here
    archive = tmp_path / "in" / "evil.tar"
    archive.parent.mkdir()
    with tarfile.open(archive, "w") as tar:
        add_member(tar, "logs/good.log")
        add_member(tar, member, kind)
    con = duckdb.connect()
    with pytest.raises(SnapshotError) as caught:
        ingest(con, [archive])
    assert str(caught.value) == f"{archive}: member '{member}' {reason}; refusing to extract"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["evil.tar", "in", "work"]


def test_missing_input(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="no such file or directory"):
        ingest(duckdb.connect(), [tmp_path / "nope"])


def test_truncated_gz_keeps_what_it_can(tmp_path: Path) -> None:
    data = gzip.compress(golog(*range(40)).encode())
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "d.log.1.gz").write_bytes(data[: len(data) // 2])
    con = duckdb.connect()
    info = ingest(con, [tmp_path / "s"])
    assert info.problems.get("bad_gzip") == 1
    assert 0 < info.rows < 40
