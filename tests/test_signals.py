"""Ctrl-C and SIGTERM stop a command with one line and exit 130 or 143, and its temporary
folders (/tmp/reportgen-*) are removed: the signals are sent for real to a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen.sample import write_sample


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot that takes a while to ingest."""
    root = tmp_path_factory.mktemp("big")
    write_sample(root, lines=200_000, seed=11)
    return root


def stop_while_ingesting(big: Path, tmp_path: Path, signum: int) -> tuple[int, str, list[str]]:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    command = [
        sys.executable, "-m", "reportgen", "build", "dashboards/twistlock-overview.yaml",
        "--logs", str(big), "--no-cache", "--out", str(tmp_path / "out"),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    # Ingestion has begun once its private folder exists; wait for it, however long that takes.
    while not any(temp.glob("reportgen-snapshot-*")) and process.poll() is None:
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(signum)
    _, err = process.communicate()
    return process.returncode, err, sorted(p.name for p in temp.iterdir())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGTERM, 143, "reportgen: terminated\n"),
        (signal.SIGINT, 130, "reportgen: interrupted (Ctrl-C)\n"),
    ],
)
def test_a_signal_stops_a_build_cleanly(
    big: Path, tmp_path: Path, signum: int, code: int, line: str
) -> None:
    returncode, err, left = stop_while_ingesting(big, tmp_path, signum)
    assert (returncode, err, left) == (code, line, [])
    assert not (tmp_path / "out").exists()
