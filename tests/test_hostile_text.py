"""Text from the snapshot on a terminal and names that are not UTF-8: escape sequences in file
names or log lines are written out, never sent to the terminal; odd bytes in a file name do not
stop a build. And a journal planted in a site cannot steer renames out of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import UsageError
from reportgen.publish.commit import JOURNAL, recover

ESCAPES = "\x1b]0;PWNED\x07\x1b[31m"
SHOWN = "\\x1b]0;PWNED\\x07\\x1b[31m"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    (root / "h").mkdir(parents=True)
    (root / "h" / f"evil{ESCAPES}.log").write_text("")
    (root / "h" / "app.log").write_text(f"2026-11-20T10:00:00Z web-1 app[1]: hi {ESCAPES}there\n")
    with open(bytes(root / "h") + b"/bad\xff.log", "wb") as odd:  # not UTF-8
        odd.write(b"2026-11-20T10:00:01Z web-1 app[1]: odd name\n")
    return root


def test_escape_sequences_never_reach_the_terminal(hostile: Path, tmp_path: Path, cli: Any) -> None:
    ran = cli("build", "dashboards/twistlock-overview.yaml", "--logs", hostile, "--out", tmp_path)
    assert ran.code == 0, ran.err
    assert ran.err == f"warning: h/evil{SHOWN}.log: empty; skipped\n"
    ran = cli("snapshot", "inspect", "--logs", hostile)
    assert "\x1b" not in ran.out and f"h/evil{SHOWN}.log" in ran.out
    ran = cli("query", "* | fields _raw | sort by _raw asc", "--logs", hostile)
    assert "\x1b" not in ran.out
    assert f"2026-11-20T10:00:00Z web-1 app[1]: hi {SHOWN}there" in ran.out
    ran = cli("query", "* | fields _raw", "--logs", hostile, "--output", "json")
    raws = sorted(row["_raw"] for row in ran.json())  # data formats keep the text as it is
    assert raws[0] == f"2026-11-20T10:00:00Z web-1 app[1]: hi {ESCAPES}there"


def test_a_file_name_that_is_not_utf8_is_read(hostile: Path, cli: Any) -> None:
    ran = cli("query", "* | count by _sourcename | sort by _sourcename asc", "--logs", hostile,
              "--output", "json")  # fmt: skip
    assert (ran.code, ran.json()) == (
        0,
        [
            {"_sourcename": "h/app.log", "_count": 1},
            {"_sourcename": "h/bad\ufffd.log", "_count": 1},
        ],
    )


@pytest.mark.parametrize("how", ["dot-dot", "absolute", "not a run"])
def test_a_planted_journal_moves_nothing(tmp_path: Path, how: str) -> None:
    # The victims live in this test's own folder: were the check ever lost, a planted journal
    # must not be able to move anything but them.
    site = tmp_path / "deep" / "site"
    site.mkdir(parents=True)
    victim = tmp_path / "victim"
    (victim / "2026-11-20").mkdir(parents=True)
    (victim / "2026-11-20" / "keep.txt").write_text("keep")
    (site / ".staging-1" / "run-0").mkdir(parents=True)
    moves = {
        "dot-dot": {"staged": ".staging-1/run-0", "final": "../../victim/2026-11-20",
                    "aside": "../../victim/.old-2026-11-20-aa"},
        "absolute": {"staged": str(victim / "2026-11-20"), "final": "a/2026-11-20",
                     "aside": "a/.old-2026-11-20-aa"},
        "not a run": {"staged": ".staging-1/run-0", "final": "a/index.html",
                      "aside": "a/.old-index.html-aa"},
    }  # fmt: skip
    journal = {"staging": ".staging-1", "moves": [moves[how]], "targets": [[".", None]],
               "dashboards": ["a"], "newest": "2026-11-20", "retention_days": None}  # fmt: skip
    (site / JOURNAL).write_text(json.dumps(journal))
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    with pytest.raises(UsageError, match="cannot read the journal of an interrupted publish"):
        recover(site)
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
