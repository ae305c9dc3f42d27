"""Groups of files, each one transaction, committed in file order whatever order they finish in."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.errors import SnapshotError
from reportgen.snapshot import ingest, load, sql
from reportgen.snapshot.commits import InOrder
from reportgen.snapshot.load import file_groups
from reportgen.snapshot.model import SnapshotInfo
from reportgen.snapshot.plan import FilePlan

pytestmark = pytest.mark.usefixtures("file_paths")

MTIME = datetime(2022, 5, 4, 12, 0, tzinfo=UTC)
GOLOG = " INFO 2022-05-03T13:12:{:02}.000 a.go:1  line {}\n  continued\n"


def plan(fid: int, size: int, gz: bool = False) -> FilePlan:
    return FilePlan(
        fid=fid, name=f"{fid}.log", path=Path(f"{fid}.log"), gz=gz, size=size, format="auto",
        tz="UTC", mtime=MTIME, limit=MTIME.replace(tzinfo=None), host=None, default_host="h",
        category="", source="s", collector=None,
    )  # fmt: skip


def test_groups_are_runs_of_consecutive_files_of_at_least_group_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(load, "GROUP_BYTES", 100)
    plans = [plan(fid, size) for fid, size in enumerate([60, 50, 200, 10, 10, 90, 5])]
    groups = file_groups(plans)
    assert [[p.fid for p in group] for group in groups] == [[0, 1], [2], [3, 4, 5], [6]]
    assert file_groups([]) == []
    # A .gz file counts what it is likely to decompress to.
    packed = [plan(0, 20, gz=True), plan(1, 30), plan(2, 5)]
    assert [[p.fid for p in group] for group in file_groups(packed)] == [[0], [1, 2]]


def snapshot(root: Path) -> Path:
    # Files of very different sizes, so the two workers finish their groups out of order.
    for index, lines in enumerate([3000, 5, 1, 2000, 40, 7, 600, 1]):
        path = root / "s" / f"host-{index}" / "defender.log"
        path.parent.mkdir(parents=True)
        path.write_text("".join(GOLOG.format(n % 60, n) for n in range(lines)))
        os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return root / "s"


def rows(con: duckdb.DuckDBPyConnection) -> list[Any]:
    return con.execute("SELECT *, rowid FROM logs__records").fetchall()


def loaded(root: Path) -> tuple[duckdb.DuckDBPyConnection, SnapshotInfo]:
    """The snapshot ingested into a new database, and what the ingest said of it."""
    con = duckdb.connect()
    return con, ingest(con, [root])


def test_many_groups_give_the_table_of_one_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = snapshot(tmp_path)
    whole, one = loaded(root)
    monkeypatch.setattr(load, "GROUP_BYTES", 1)  # every file a group of its own
    monkeypatch.setattr(load, "COMMIT_BYTES", 1)  # the first group commits every chunk
    monkeypatch.setattr(load, "PENDING_BYTES", 1)  # and finished groups wait for their turn
    split, many = loaded(root)
    assert rows(split) == rows(whole)
    assert len(rows(whole)) == 3000 + 5 + 1 + 2000 + 40 + 7 + 600 + 1
    assert many == one


def test_a_big_group_taken_first_gives_the_same_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = snapshot(tmp_path)
    whole, one = loaded(root)
    monkeypatch.setattr(load, "GROUP_BYTES", 1)  # every file a group of its own
    big = (root / "host-6" / "defender.log").stat().st_size
    monkeypatch.setattr(load, "BIG_GROUP", big)  # host-0, host-3 and host-6 are big
    taken: list[int] = []
    pick = load._pick

    def recorded(todo: list[load.Todo], order: InOrder) -> int:
        position = pick(todo, order)
        taken.append(todo[position].index)
        return position

    monkeypatch.setattr(load, "_pick", recorded)
    split, taken_first = loaded(root)
    assert taken_first == one
    assert rows(split) == rows(whole)
    assert taken[:3] == [0, 3, 6]  # the big files first, then the rest
    assert sorted(taken) == list(range(8))


def test_a_worker_takes_a_big_group_first_when_its_rows_have_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(load, "BIG_GROUP", 100)
    monkeypatch.setattr(load, "LOOKAHEAD", 2)
    sizes = [10, 20, 30, 150, 400]
    todo = [load.Todo(index, [plan(index, size)], size) for index, size in enumerate(sizes)]
    order = InOrder(pending_bytes=200)
    assert load._pick(todo, order) == 3  # big, and fits in the room for finished groups
    order = InOrder(pending_bytes=120)
    assert load._pick(todo, order) == 1  # too big to wait: the larger of the next two
    cur = duckdb.connect().cursor()
    cur.begin()
    order.finish(7, cur, 121)  # finished groups crowded: the first
    assert load._pick(todo, order) == 0
    order.stop()


def test_a_failed_group_rolls_back_the_finished_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = snapshot(tmp_path)
    (root / "host-5" / "defender.log").write_text("2024-01-02T03:04:05Z plain\n")
    monkeypatch.setattr(load, "GROUP_BYTES", 1)
    parse = sql.parse_sql

    def failing(format_name: str, *args: Any, **options: Any) -> str:
        return (
            "SELECT nonsense(" if format_name == "plain" else parse(format_name, *args, **options)
        )

    monkeypatch.setattr(sql, "parse_sql", failing)
    con = duckdb.connect()
    with pytest.raises(SnapshotError, match=r"cannot parse host-5/defender\.log as plain"):
        ingest(con, [root])
    assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == []


def test_groups_finishing_out_of_order_are_committed_in_order() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER)")
    order = InOrder(pending_bytes=15)
    cursors = [con.cursor() for _ in range(3)]
    for index, cur in enumerate(cursors):
        cur.begin()
        cur.execute("INSERT INTO t VALUES (?)", [index])
    order.finish(2, cursors[2], 10)
    order.finish(1, cursors[1], 10)
    assert con.execute("SELECT n FROM t").fetchall() == []  # waiting for group 0
    assert not order.is_next(1)
    assert order.crowded()
    order.wait_for_room(0)  # group 0 is not started: no waiting, start it
    order.finish(0, cursors[0], 10)
    order.join(3)
    assert con.execute("SELECT n, rowid FROM t").fetchall() == [(0, 0), (1, 1), (2, 2)]
    assert order.is_next(3)
    assert not order.crowded()


def test_a_failed_commit_is_raised_and_the_groups_after_it_are_rolled_back() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (n INTEGER)")
    order = InOrder(pending_bytes=100)
    later = con.cursor()
    later.begin()
    later.execute("INSERT INTO t VALUES (1)")
    order.finish(1, later, 1)
    broken = con.cursor()
    broken.close()  # its commit fails
    order.finish(0, broken, 1)
    with pytest.raises(duckdb.ConnectionException, match="closed"):
        order.join(2)
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
