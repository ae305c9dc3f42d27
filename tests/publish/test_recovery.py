"""A publish killed at any step (SIGKILL, a real one) loses nothing: the next run completes a
committed publish or rolls back an uncommitted one, and no leftover stays in the site."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reportgen.publish.commit import JOURNAL, STOP_AT, recover
from tests.publish.conftest import soup_of

DAYS = ("--date", "2026-11-19", "--date", "2026-11-20")


def board(folder: Path, name: str, version: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        f"title: {name} {version}\npanels:\n"
        "  - {id: total, title: Total, type: single_value, query: '* | count'}\n"
        "  - {id: hosts, title: Hosts, type: table, query: '* | count by _sourcehost'}\n"
    )
    return path


def snapshot_of(root: Path) -> dict[str, str]:
    """Every file under `root` (hidden ones included) -> its digest; the timings of the
    summaries, which differ between two runs of the same publish, are left out."""
    found = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.name == "summary.json":
            document = json.loads(data)
            for panel in document["panels"]:
                panel.pop("elapsed_ms")
            data = json.dumps(document, sort_keys=True).encode()
        found[path.relative_to(root).as_posix()] = hashlib.sha256(data).hexdigest()
    return found


def publish_argv(boards: list[Path], snapshot: Path, site: Path) -> list[str]:
    return [
        "publish", *map(str, boards), "--logs", str(snapshot), "--site", str(site), *DAYS,
        "--retention-days", "30",
    ]  # fmt: skip


def run_killed_at(step: int, argv: list[str], env: dict[str, str], log: Path) -> bool:
    """Run `reportgen ARGV` until it stops itself at `step`, then kill it with SIGKILL. False
    when it finished first (there is no such step)."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "reportgen", *argv],
            env={**env, STOP_AT: str(step)}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _, status = os.waitpid(process.pid, os.WUNTRACED)
        if os.WIFSTOPPED(status):
            os.kill(process.pid, signal.SIGKILL)
            os.waitpid(process.pid, 0)
            process.returncode = -signal.SIGKILL
            return True
        process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0, log.read_text()
    return False


@pytest.fixture(scope="module")
def setup(sample_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A site with both dashboards published for the 19th (version 1), and the publish of the
    19th again and the 20th (version 2) that the tests interrupt."""
    from reportgen.cli import run

    work = tmp_path_factory.mktemp("recovery")
    (work / "v1").mkdir()
    (work / "v2").mkdir()
    old = [board(work / "v1", name, "v1") for name in ("alpha", "beta")]
    new = [board(work / "v2", name, "v2") for name in ("alpha", "beta")]
    base = work / "base"
    argv = ["publish", *map(str, old), "--logs", str(sample_snapshot), "--site", str(base)]
    assert run([*argv, "--date", "2026-11-19"]) == 0
    after = work / "after"
    shutil.copytree(base, after)
    assert run(publish_argv(new, sample_snapshot, after)) == 0
    # A process killed by SIGKILL cannot remove its temporary folders: keep them in here.
    (work / "tmp").mkdir()
    env = {
        **os.environ,
        "REPORTGEN_CACHE": os.environ["REPORTGEN_CACHE"],
        "TMPDIR": str(work / "tmp"),
    }
    return {
        "work": work, "base": base, "new": new, "env": env, "snapshot": sample_snapshot,
        "before": snapshot_of(base), "after": snapshot_of(after),
    }  # fmt: skip


def assert_whole(site: Path) -> None:
    """No leftover, and every link of the index leads to a file."""
    hidden = [p.name for p in site.rglob(".*")]
    assert hidden == [], hidden
    for link in soup_of(site / "index.html").select("a[href]"):
        assert (site / link["href"]).is_file(), link["href"]
    for name in ("alpha", "beta"):
        assert (site / name / "latest" / "index.html").is_file()


@pytest.mark.slow
def test_a_publish_killed_at_every_step_is_completed_or_rolled_back(
    setup: dict[str, Any], tmp_path: Path
) -> None:
    outcomes = []
    step = 0
    while True:
        step += 1
        site = tmp_path / f"site-{step}"
        shutil.copytree(setup["base"], site)
        argv = publish_argv(setup["new"], setup["snapshot"], site)
        if not run_killed_at(step, argv, setup["env"], tmp_path / f"log-{step}"):
            break
        committed = (site / JOURNAL).exists()
        recover(site)  # what the next publish into the site does first
        state = snapshot_of(site)
        assert state == (setup["after"] if committed else setup["before"]), step
        assert_whole(site)
        outcomes.append("completed" if committed else "rolled back")
        shutil.rmtree(site)
    # Killed while staging (4 runs) and before the journal: rolled back; after it, completed.
    assert outcomes == ["rolled back"] * 5 + ["completed"] * 16


@pytest.mark.slow
def test_the_next_publish_completes_an_interrupted_one(
    setup: dict[str, Any], tmp_path: Path, cli: Any
) -> None:
    site = tmp_path / "site"
    shutil.copytree(setup["base"], site)
    argv = publish_argv(setup["new"], setup["snapshot"], site)
    assert run_killed_at(8, argv, setup["env"], tmp_path / "log")  # between two renames
    assert (site / JOURNAL).exists()
    # Stopped with alpha's new 19th in place, its old one aside, beta's 19th old, no 20th.
    assert [p.name[:15] for p in (site / "alpha").glob(".old-*")] == [".old-2026-11-19"]
    assert not (site / "beta/2026-11-20").exists()
    ran = cli(
        "publish", *setup["new"], "--logs", setup["snapshot"], "--site", site,
        "--date", "2026-11-21",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.err.splitlines()[0] == (
        f"note: completed an interrupted publish of {site} (alpha/2026-11-19, beta/2026-11-19, "
        "alpha/2026-11-20, beta/2026-11-20)"
    )
    assert_whole(site)
    for name in ("alpha", "beta"):
        runs = sorted(p.name for p in (site / name).iterdir() if p.name[0].isdigit())
        assert runs == ["2026-11-19", "2026-11-20", "2026-11-21"]
        summary = json.loads((site / name / "2026-11-19" / "summary.json").read_text())
        assert summary["title"] == f"{name} v2"


def test_leftovers_of_a_publish_without_journal_are_repaired(
    setup: dict[str, Any], tmp_path: Path
) -> None:
    """A run renamed aside by a crash of an older reportgen (no journal) goes back in place."""
    site = tmp_path / "site"
    shutil.copytree(setup["base"], site)
    os.replace(site / "alpha/2026-11-19", site / "alpha/.old-2026-11-19-0a1b2c3d")
    os.replace(site / "alpha/latest", site / "alpha/.old-latest-99aa88bb")
    (site / ".staging-123-abcdef01").mkdir()
    (site / ".staging-123-abcdef01" / "run-0").mkdir()
    assert recover(site) == f"removed the leftovers of an interrupted publish in {site}"
    assert snapshot_of(site) == setup["before"]
    assert recover(site) is None


def run_signalled_at(
    step: int, signum: int, argv: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run `reportgen ARGV` until it stops itself at `step`, then send it `signum` (and let it
    go on, so that it handles the signal)."""
    temp = Path(env["TMPDIR"])
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", *argv],
        env={**env, STOP_AT: str(step)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    _, status = os.waitpid(process.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status)
    os.kill(process.pid, signum)
    os.kill(process.pid, signal.SIGCONT)
    out, err = process.communicate()
    assert not list(temp.iterdir())  # no /tmp/reportgen-* left
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("step", "signum", "code", "expected"),
    [
        (2, signal.SIGTERM, 143, "before"),  # while staging: rolled back
        (9, signal.SIGTERM, 143, "after"),  # between two renames: finished before exiting
        (9, signal.SIGINT, 130, "after"),
    ],
)
def test_a_signalled_publish_leaves_a_whole_site(
    setup: dict[str, Any], tmp_path: Path, step: int, signum: int, code: int, expected: str
) -> None:
    site = tmp_path / "site"
    shutil.copytree(setup["base"], site)
    (tmp_path / "tmp").mkdir()
    env = {**setup["env"], "TMPDIR": str(tmp_path / "tmp")}
    done = run_signalled_at(step, signum, publish_argv(setup["new"], setup["snapshot"], site), env)
    name = "terminated" if signum == signal.SIGTERM else "interrupted (Ctrl-C)"
    assert (done.returncode, done.stderr) == (code, f"reportgen: {name}\n")
    assert snapshot_of(site) == setup[expected]
    assert_whole(site)
