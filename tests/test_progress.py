"""Progress per dashboard and panel on a terminal (a real pseudo-terminal here), nothing in CI
or in a pipe, as ingestion does."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

BOARD = (
    "title: T\npanels:\n"
    "  - {id: total, title: Total, type: single_value, query: '* | count'}\n"
    "  - {id: hosts, title: Hosts, type: table, query: '* | count by _sourcehost'}\n"
)


def build_on(terminal: bool, ci: bool, snapshot: Path, tmp_path: Path) -> tuple[int, str]:
    """`reportgen build` of two dashboards with stderr on a pseudo-terminal or a pipe; the
    exit code and what stderr received."""
    boards = []
    for name in ("one", "two"):
        boards.append(tmp_path / f"{name}.yaml")
        boards[-1].write_text(BOARD)
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    command = [
        sys.executable, "-m", "reportgen", "build", *map(str, boards), "--logs", str(snapshot),
        "--out", str(tmp_path / "out"), "--format", "html,pdf",
    ]  # fmt: skip
    if not terminal:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        return done.returncode, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process is gone
            break
        if not chunk:
            break
        received += chunk
    os.close(leader)
    return process.wait(), received.decode()


@pytest.mark.slow
def test_progress_on_a_terminal(sample_snapshot: Path, tmp_path: Path) -> None:
    code, shown = build_on(True, False, sample_snapshot, tmp_path)
    assert code == 0, shown
    drawn = [text for text in re.split(r"\r|\x1b\[K", shown) if text.startswith("[")]
    for board in ("[1/2] one", "[2/2] two"):
        assert [f"{board}: panel 1/2 total", f"{board}: panel 2/2 hosts"] == [
            text for text in drawn if text.startswith(f"{board}: panel")
        ]
        assert f"{board}: rendering HTML" in drawn and f"{board}: rendering PDF" in drawn
    assert shown.endswith("\r\x1b[K")  # the line is cleared at the end


@pytest.mark.slow
@pytest.mark.parametrize(("terminal", "ci"), [(False, False), (True, True)])
def test_no_progress_in_a_pipe_or_in_ci(
    sample_snapshot: Path, tmp_path: Path, terminal: bool, ci: bool
) -> None:
    code, shown = build_on(terminal, ci, sample_snapshot, tmp_path)
    assert (code, shown) == (0, "")
