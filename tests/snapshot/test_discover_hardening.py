"""Snapshots as people make them and as attackers make them: a tarball of a folder, duplicate
tar members, hard and symbolic links out of the snapshot, unreadable files and folders."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.sample import write_sample
from reportgen.snapshot import ingest
from reportgen.snapshot.report import problem_warnings

LINE = "2026-01-02T03:04:{:02d}Z web-1 app[1]: hello {}\n"


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sample snapshot (with its sources.yaml) in a folder named as in the issue."""
    root = tmp_path_factory.mktemp("tmp") / "nc-sample"
    write_sample(root, lines=600, hosts=2, seed=5)
    return root


def table(paths: list[Path]) -> tuple[list[tuple[Any, ...]], Any]:
    con = duckdb.connect()
    info = ingest(con, paths)
    rows = con.execute("SELECT * EXCLUDE (_receipttime) FROM logs ORDER BY ALL").fetchall()
    return rows, info


@pytest.mark.parametrize("how", ["tar -C parent folder", "tar -C folder ."])
def test_a_tarball_of_a_folder_reads_as_the_folder(snap: Path, tmp_path: Path, how: str) -> None:
    archive = tmp_path / "logs.tgz"
    if how == "tar -C parent folder":
        command = ["tar", "czf", str(archive), "-C", str(snap.parent), snap.name]
    else:
        command = ["tar", "czf", str(archive), "-C", str(snap), "."]
    subprocess.run(command, check=True)
    folder_rows, folder_info = table([snap])
    tar_rows, tar_info = table([archive])
    assert tar_rows == folder_rows
    assert tar_info.files == folder_info.files
    assert "sources.yaml" not in [f.name for f in tar_info.files]
    assert {row[3] for row in tar_rows} == {"prod/twistlock", "twistlock_logs"}  # sources.yaml
    assert tar_info.digest == folder_info.digest


def test_a_tarball_with_two_top_folders_keeps_them(tmp_path: Path) -> None:
    archive = tmp_path / "two.tar"
    with tarfile.open(archive, "w") as tar:
        for host in ("web-1", "web-2"):
            add(tar, f"{host}/syslog", LINE.format(1, host))
    _, info = table([archive])
    assert [f.name for f in info.files] == ["web-1/syslog", "web-2/syslog"]


def add(tar: tarfile.TarFile, name: str, text: str) -> None:
    member = tarfile.TarInfo(name)
    data = text.encode()
    member.size = len(data)
    tar.addfile(member, io.BytesIO(data))


def test_duplicate_tar_members_say_which_was_kept(tmp_path: Path) -> None:
    archive = tmp_path / "dup.tar"
    with tarfile.open(archive, "w") as tar:
        add(tar, "logs/app.log", LINE.format(1, "first"))
        add(tar, "logs/other.log", LINE.format(2, "other"))
        add(tar, "logs/app.log", LINE.format(3, "second") + LINE.format(4, "second"))
    con = duckdb.connect()
    info = ingest(con, [archive])
    raws = [r[0] for r in con.execute("SELECT _raw FROM logs ORDER BY _messagetime").fetchall()]
    assert [raw.split()[-1] for raw in raws] == ["other", "second", "second"]
    assert [(f.name, f.records, f.problems) for f in info.files] == [
        ("app.log", 0, {"duplicate": 1}),
        ("app.log", 2, {}),
        ("other.log", 1, {}),
    ]
    assert problem_warnings(info) == [
        "app.log: an earlier tar member of the same name; dropped, the last one was read"
    ]


def test_links_out_of_the_snapshot_are_refused_alike(tmp_path: Path) -> None:
    outside = tmp_path / "secret.log"
    outside.write_text(LINE.format(9, "SECRET"))
    root = tmp_path / "snap"
    (root / "h").mkdir(parents=True)
    (root / "h" / "ok.log").write_text(LINE.format(1, "ok"))
    os.link(outside, root / "h" / "hard.log")
    (root / "h" / "soft.log").symlink_to(outside)
    (root / "h" / "twin.log").write_text(LINE.format(2, "twin"))
    os.link(root / "h" / "twin.log", root / "h" / "twin-again.log")  # both names inside: read
    (root / "h" / "loop-a").symlink_to(root / "h" / "loop-b")
    (root / "h" / "loop-b").symlink_to(root / "h" / "loop-a")
    (root / "h" / "dangling.log").symlink_to(root / "h" / "nowhere")
    (root / "linked-dir").symlink_to(root / "h")
    con = duckdb.connect()
    info = ingest(con, [root])
    raws = {r[0] for r in con.execute("SELECT _raw FROM logs").fetchall()}
    assert not any("SECRET" in raw for raw in raws)
    assert [(f.name, f.records, f.problems) for f in info.files] == [
        ("h/dangling.log", 0, {"not_regular": 1}),
        ("h/hard.log", 0, {"outside_root": 1}),
        ("h/loop-a", 0, {"not_regular": 1}),
        ("h/loop-b", 0, {"not_regular": 1}),
        ("h/ok.log", 1, {}),
        ("h/soft.log", 0, {"outside_root": 1}),
        ("h/twin-again.log", 1, {}),
        ("h/twin.log", 1, {}),
        ("linked-dir/", 0, {"not_regular": 1}),
    ]
    assert info.problems == {"not_regular": 4, "outside_root": 2}


def test_a_sources_file_linked_out_of_the_snapshot_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "shadow"
    outside.write_text("root:$6$secret-hash:19000:0:99999:7:::\n")
    root = tmp_path / "snap"
    root.mkdir()
    (root / "app.log").write_text(LINE.format(1, "ok"))
    (root / "sources.yaml").symlink_to(outside)
    _, info = table([root])
    assert [(f.name, f.problems) for f in info.files] == [
        ("app.log", {}),
        ("sources.yaml", {"outside_root": 1}),
    ]


def run_unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`reportgen ARGS` in a process that file permissions apply to. Root reads any file
    whatever its mode (CAP_DAC_OVERRIDE), and CI runs the tests as root: there the command runs
    without the two capabilities that bypass permissions (setpriv, util-linux), so a mode of
    000 really stops it, as it stops any other user."""
    command = [sys.executable, "-m", "reportgen", *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", *command]
    env = {**os.environ, "REPORTGEN_CACHE": str(cwd / "cache")}
    env.pop("CI", None)
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False)


def test_unreadable_files_and_folders_are_problems_not_crashes(tmp_path: Path) -> None:
    root = tmp_path / "snap"
    (root / "h" / "locked").mkdir(parents=True)
    (root / "h" / "ok.log").write_text(LINE.format(1, "ok"))
    (root / "h" / "secret.log").write_text(LINE.format(2, "secret"))
    (root / "h" / "locked" / "inside.log").write_text(LINE.format(3, "inside"))
    (root / "h" / "secret.log").chmod(0o000)
    (root / "h" / "locked").chmod(0o000)
    done = run_unprivileged(
        "snapshot", "inspect", "--logs", str(root), "--output", "json", "--no-cache",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [(f["name"], f["records"], f["problems"]) for f in report["files"]] == [
        ("h/locked/", 0, {"unreadable": 1}),
        ("h/ok.log", 1, {}),
        ("h/secret.log", 0, {"unreadable": 1}),
    ]
    assert report["problems"] == {"unreadable": 2}
    board = tmp_path / "b.yaml"
    board.write_text(
        "title: B\npanels:\n  - {id: n, title: N, type: single_value, query: '* | count'}\n"
    )
    done = run_unprivileged(
        "build", str(board), "--logs", str(root), "--out", str(tmp_path / "out"),
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "warning: h/locked/: cannot be read (permission denied); skipped",
        "warning: h/secret.log: cannot be read (permission denied); skipped",
    ]
    (root / "h" / "locked").chmod(0o755)  # let pytest remove it


def test_a_device_given_as_the_snapshot_is_not_read() -> None:
    _, info = table([Path("/dev/zero")])
    assert [(f.name, f.problems) for f in info.files] == [("zero", {"not_regular": 1})]
