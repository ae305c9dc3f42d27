"""Small files are inserted many at a time; the table and every count are those of loading them
one by one, whatever the files hold."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.snapshot import batch, ingest
from reportgen.snapshot.model import SnapshotInfo

MTIME = 1_767_326_400  # 2026-01-02T04:00:00Z


def plain(pod: int, count: int = 20) -> list[str]:
    return [f"2026-01-02T03:{i % 60:02d}:00.{pod:06d}Z stdout F pod {pod} line {i}"
            for i in range(count)]  # fmt: skip


def syslog(host: int) -> list[str]:
    return [f"Jan  2 03:{i:02d}:00 web-{host} app[1]: line {i}" for i in range(10)]


def files() -> dict[str, bytes]:
    made: dict[str, bytes] = {}
    for pod in range(40):
        made[f"pods/a/pod-{pod:02d}.log"] = ("\n".join(plain(pod)) + "\n").encode()
    # Odd files among them: each is taken back from its batch and loaded alone.
    made["pods/a/pod-05.log"] = ("\n".join([*plain(5), "", *plain(5)]) + "\n").encode()
    made["pods/a/pod-09.log"] = ("\n".join([*plain(9), "  continued"]) + "\n").encode()
    made["pods/a/pod-13.log"] = (
        "\n".join([*plain(13), "2026-13-45T00:00:00Z bad"]) + "\n"
    ).encode()
    made["pods/a/pod-17.log"] = ("\n".join(plain(17)) + "\n" + "x" * 300 + "\n").encode()
    made["pods/a/pod-21.log"] = ("\r\n".join(plain(21)) + "\r\n").encode()  # read as text
    made["pods/a/pod-22.log"] = "\n".join(plain(22)).encode()  # no final line end
    made["pods/a/pod-23.log"] = b""
    made["pods/a/pod-24.log"] = b"\0\x01\x02\x03" * 64
    made["pods/a/pod-25.log.gz"] = gzip.compress(("\n".join(plain(25)) + "\n").encode())
    made["pods/a/pod-26.log"] = ("\n".join(plain(26, 1)) + "\n").encode()  # one line
    for host in range(6):  # another format: a batch of its own
        made[f"pods/b/syslog-{host}"] = ("\n".join(syslog(host)) + "\n").encode()
    made["pods/c/pod-99.log"] = ("\n".join(plain(99)) + "\n").encode()
    return made


def snapshot(root: Path) -> Path:
    for name, data in files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (MTIME, MTIME))
    (root / "sources.yaml").write_text('max_line_chars: 200\nsources:\n  - files: "pods/*/*"\n')
    return root


def load(root: Path) -> tuple[list[tuple[Any, ...]], SnapshotInfo]:
    con = duckdb.connect()
    info = ingest(con, [root])
    rows = con.execute("SELECT * FROM logs").fetchall()
    return rows, info


def test_batched_files_load_as_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = snapshot(tmp_path / "s")
    batches: list[tuple[list[int | str], int]] = []
    insert = batch.insert_batch

    def spy(cur: Any, records: str, items: list[batch.Small], scratch: Path) -> Any:
        loaded = insert(cur, records, items, scratch)
        names = [item.plan.name.split("/")[-1] for item in items]
        batches.append(([int(name[4:6]) if "pod" in name else name for name in names], len(loaded)))
        return loaded

    monkeypatch.setattr(batch, "insert_batch", spy)
    together, together_info = load(root)
    # Files whose head is not all records (05, 09, 17, 24), read as text (21), empty (23) or
    # alone between them (22) are loaded one by one; pod-13's bad time shows only in its batch,
    # which keeps the files before it and loads it and those after it one by one.
    assert batches == [
        ([0, 1, 2, 3, 4], 5),
        ([6, 7, 8], 3),
        ([10, 11, 12, 13, 14, 15, 16], 3),
        ([18, 19, 20], 3),
        ([25, 25, *range(26, 40)], 16),
        (["syslog-0", "syslog-1", "syslog-2", "syslog-3", "syslog-4", "syslog-5"], 6),
    ]

    monkeypatch.setattr(batch, "FILE_BYTES", 0)
    batches.clear()
    alone, alone_info = load(root)
    assert batches == []
    assert together == alone
    assert together_info == alone_info
    problems = {file.name: file.problems for file in together_info.files if file.problems}
    assert problems == {
        "pods/a/pod-05.log": {"blank_line": 1},
        "pods/a/pod-13.log": {"bad_timestamp": 1},
        "pods/a/pod-17.log": {"bad_timestamp": 1, "long_line": 1},
        "pods/a/pod-23.log": {"empty_file": 1},
        "pods/a/pod-24.log": {"binary_file": 1},
    }


def test_batched_lines_keep_their_numbers_and_order(tmp_path: Path) -> None:
    rows, info = load(snapshot(tmp_path / "s"))
    pod = [(row[2], row[9]) for row in rows if row[5] == "pods/a/pod-03.log"]
    assert pod == [(line, number) for number, line in enumerate(plain(3), start=1)]
    names = [row[5] for row in rows]
    assert names == sorted(names, key=lambda name: sorted(set(names)).index(name))
    counts = {file.name: (file.lines, file.records) for file in info.files}
    assert counts["pods/a/pod-22.log"] == (20, 20)
    assert counts["pods/a/pod-26.log"] == (1, 1)
    assert counts["pods/a/pod-25.log.gz"] == (20, 20)
    assert counts["pods/a/pod-09.log"] == (21, 20)
