"""Clean plain files are read whole by the database (`reportgen.snapshot.whole`): the same table,
counts and digest as reading them in chunks, and anything not clean, or not adding up, goes the
chunked way."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.snapshot import batch, chunks, ingest, load, whole
from reportgen.snapshot.model import SnapshotInfo, snapshot_digest

GOLOG = " INFO 2026-01-02T03:{:02d}:{:02d}.{:03d} a.go:1  message {}\n"
SYSLOG = "Jan  2 03:{:02d}:{:02d} web-{} app[1]: message {}\n"


def golog(count: int, start: int = 0, text: str = "") -> str:
    return "".join(
        GOLOG.format(i // 60 % 60, i % 60, i % 1000, f"{i}{text}")
        for i in range(start, start + count)
    )


FILES = {
    "clean/defender.log": golog(2000).encode(),
    "clean/syslog": "".join(SYSLOG.format(i // 60 % 60, i % 60, i % 3, i) for i in range(2000)).encode(),
    "clean/accents.log": golog(2000, text=" café Straße ✓").encode(),
    "clean/no-final-newline.log": golog(2000).encode()[:-1],
    # Names the database would take for compressed files: read as they are.
    "clean/plain.log.gz": golog(2000).encode(),
    "clean/plain.log.zst": golog(2000).encode(),
    # Clean bytes, but a line that is not a whole record with a time: taken back, staged.
    "taken/untimed.log": (golog(1000) + " INFO 2026-13-45T03:04:05.000 a.go:1  bad\n"
                          + golog(1000, 1000)).encode(),
    "taken/continued.log": (golog(2000) + "  panic: at a.go:2\n" + golog(1000, 2000)).encode(),
    # Not clean: read in chunks, repaired and counted.
    "chunked/crlf.log": golog(2000).replace("\n", "\r\n").encode(),
    "chunked/nul.log": golog(1000).encode() + b"\0" * 4096 + b"\n" + golog(1000, 1000).encode(),
    "chunked/invalid.log": golog(1000).encode() + b" INFO 2026-01-02T03:00:00.000 a.go:1  \xff\n"
                           + golog(1000, 1000).encode(),
    "chunked/soh.log": golog(1000, text="\x01x").encode(),
    "chunked/bom.log": b"\xef\xbb\xbf" + golog(2000).encode(),
    "chunked/long.log": (golog(1000) + GOLOG.format(1, 2, 3, "x" * 400) + golog(10)).encode(),
}  # fmt: skip
SOURCES = 'max_line_chars: 300\nsources:\n  - files: "*/*"\n'


def snapshot(root: Path) -> Path:
    for name, data in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (1_767_326_400, 1_767_326_400))  # 2026-01-02T04:00:00Z
    (root / "sources.yaml").write_text(SOURCES)
    return root


def load_all(root: Path) -> tuple[list[tuple[Any, ...]], SnapshotInfo]:
    con = duckdb.connect()
    info = ingest(con, [root])
    return con.execute("SELECT * FROM logs").fetchall(), info


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """Files above 1 KB are not batched; which went whole (True) or were taken back (False)."""
    monkeypatch.setattr(batch, "FILE_BYTES", 1024)
    ways: dict[str, bool] = {}
    insert = chunks.insert_whole

    def spy(cur: Any, records: str, plan: Any, found: whole.Whole) -> Any:
        done = insert(cur, records, plan, found)
        ways[plan.name] = done is not None
        return done

    monkeypatch.setattr(chunks, "insert_whole", spy)
    return ways


def test_whole_files_give_the_table_of_chunked_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spied: dict[str, bool]
) -> None:
    root = snapshot(tmp_path / "s")
    fast, fast_info = load_all(root)
    assert spied == {
        "clean/accents.log": True, "clean/defender.log": True,
        "clean/no-final-newline.log": True, "clean/plain.log.gz": True,
        "clean/plain.log.zst": True, "clean/syslog": True,
        "taken/continued.log": False, "taken/untimed.log": False,
    }  # fmt: skip
    monkeypatch.setattr(load, "WHOLE_BYTES", 0)
    chunked, chunked_info = load_all(root)
    assert fast == chunked
    assert fast_info == chunked_info
    by_name = {file.name: file for file in fast_info.files}
    assert {name: file.problems for name, file in by_name.items() if file.problems} == {
        "chunked/invalid.log": {"invalid_utf8": 1}, "chunked/long.log": {"long_line": 1},
        "chunked/nul.log": {"binary_region": 1}, "taken/untimed.log": {"bad_timestamp": 1},
    }  # fmt: skip
    assert {name: (file.lines, file.records) for name, file in by_name.items()} == {
        "chunked/bom.log": (2000, 2000), "chunked/crlf.log": (2000, 2000),
        "chunked/invalid.log": (2001, 2001), "chunked/long.log": (1011, 1011),
        "chunked/nul.log": (2000, 2000), "chunked/soh.log": (1000, 1000),
        "clean/accents.log": (2000, 2000), "clean/defender.log": (2000, 2000),
        "clean/no-final-newline.log": (2000, 2000), "clean/plain.log.gz": (2000, 2000),
        "clean/plain.log.zst": (2000, 2000), "clean/syslog": (2000, 2000),
        "taken/continued.log": (3001, 3000), "taken/untimed.log": (2001, 2001),
    }  # fmt: skip


def test_a_file_that_changes_after_its_check_is_read_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spied: dict[str, bool]
) -> None:
    # A live log grows, with a bad byte, between the check and the database reading it: the
    # rows are taken back, nothing fails, and the file is read again as it now is.
    root = tmp_path / "s"
    (root / "h").mkdir(parents=True)
    path = root / "h" / "live.log"
    path.write_text(golog(2000))
    checked = whole.check

    def grow(found: Path, bound: int) -> whole.Whole | None:
        result = checked(found, bound)
        with found.open("ab") as out:
            out.write(b" INFO 2026-01-02T04:00:00.000 a.go:1  late \xff\n")
        return result

    monkeypatch.setattr(whole, "check", grow)
    rows, info = load_all(root)
    assert spied == {"h/live.log": False}
    assert len(rows) == 2001 and rows[-1][2] == " INFO 2026-01-02T04:00:00.000 a.go:1  late \ufffd"
    (file,) = info.files
    assert (file.lines, file.records, file.problems) == (2001, 2001, {"invalid_utf8": 1})
    assert info.digest == snapshot_digest(
        [("h/live.log", hashlib.sha256(path.read_bytes()).hexdigest())]
    )


def test_lines_that_do_not_add_up_to_the_file_are_taken_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spied: dict[str, bool]
) -> None:
    root = tmp_path / "s"
    (root / "h").mkdir(parents=True)
    (root / "h" / "a.log").write_text(golog(2000))
    checked = whole.check

    def miscount(found: Path, bound: int) -> whole.Whole | None:
        # As if the database had read a byte less than the file holds (a line skipped).
        result = checked(found, bound)
        assert result is not None
        return whole.Whole(result.sha256, not result.final_newline, result.stat)

    monkeypatch.setattr(whole, "check", miscount)
    rows, info = load_all(root)
    assert spied == {"h/a.log": False}
    assert len(rows) == 2000 and info.files[0].records == 2000


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_check_counts_lines_and_digests_clean_text(tmp_path: Path) -> None:
    data = "one\ntwo ✓\nthree".encode()
    found = whole.check(write(tmp_path / "a", data), 100)
    assert found is not None
    assert found.sha256 == hashlib.sha256(data).hexdigest()
    assert found.final_newline is False
    info = os.stat(tmp_path / "a")
    assert found.stat == (info.st_size, info.st_mtime_ns)
    for name, ended in (("b", b"one\ntwo\n"), ("c", b"\n")):
        found = whole.check(write(tmp_path / name, ended), 100)
        assert found is not None and found.final_newline


@pytest.mark.parametrize(
    "data",
    [
        b"",  # nothing to map
        b"a\0b\n",
        b"a\r\nb\r\n",
        b"a\x01b\n",
        b"\xef\xbb\xbfa\n",
        b"\xff\xfea\0\n\0",
        b"a\xffb\n",
        "a ✓".encode()[:-1],  # a character cut at the end of the file
        b"x" * 11 + b"\n",  # a line longer than the bound
    ],
)
def test_check_refuses_what_is_not_clean(tmp_path: Path, data: bytes) -> None:
    assert whole.check(write(tmp_path / "f", data), 10) is None


def test_check_reads_utf8_across_steps_and_lines_at_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whole, "STEP", 4)
    data = "ab✓\ncd✓ef\n".encode()  # ✓ is three bytes, cut by every step
    found = whole.check(write(tmp_path / "a", data), 7)  # "cd✓ef" is 7 bytes
    assert found is not None and found.final_newline
    assert whole.check(write(tmp_path / "b", data), 6) is None
    assert whole.check(write(tmp_path / "c", b"ab\xe2\x9c\n"), 10) is None
    spanning = write(tmp_path / "d", b"0123456789\nab\n")  # a line over three steps
    assert whole.check(spanning, 9) is None
    found = whole.check(spanning, 10)
    assert found is not None and found.final_newline
    assert whole.check(tmp_path / "missing", 10) is None
