"""Read only what the queries can reach (issue 13): files no scope can match are not read."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from reportgen.engine.prune import keep_files, matches
from reportgen.query import parse_query
from reportgen.query.restrict import effective_scope
from reportgen.snapshot.cache import open_snapshot
from reportgen.snapshot.ingest import plan_snapshot

pytestmark = pytest.mark.usefixtures("file_paths")

SOURCES = """\
sources:
  - files: "web-1/defender.log"
    category: twistlock_logs
    collector: twistlock
    host: web-1
  - files: "*/syslog"
    category: prod/syslog
"""


def snapshot(root: Path) -> Path:
    (root / "web-1").mkdir(parents=True)
    (root / "db-2").mkdir()
    (root / "web-1" / "defender.log").write_text(
        " INFO 2026-11-20T10:00:00.000 a.go:1  Process violation one\n"
        " INFO 2026-11-20T10:00:01.000 a.go:1  two\n"
    )
    (root / "web-1" / "syslog").write_text("Nov 20 10:00:02 web-1 app[1]: Process violation\n")
    (root / "db-2" / "syslog").write_text("Nov 20 10:00:03 db-2 app[1]: hello\n")
    (root / "sources.yaml").write_text(SOURCES)
    for path in root.rglob("*"):
        os.utime(path, (1_795_000_000, 1_795_000_000))
    return root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return snapshot(tmp_path / "s")


def verdicts(root: Path, query: str, tmp_path: Path) -> dict[str, bool | None]:
    planned = plan_snapshot([root], None, tmp_path / "work")
    scope = effective_scope(parse_query(query))
    return {plan.name: matches(scope, plan) for plan in planned.plans}


def test_metadata_known_before_reading_decides_and_the_rest_is_unknown(
    root: Path, tmp_path: Path
) -> None:
    (tmp_path / "work").mkdir()
    assert verdicts(root, "_sourceCategory=twistlock_logs", tmp_path) == {
        "db-2/syslog": False, "web-1/defender.log": True, "web-1/syslog": False,
    }  # fmt: skip
    assert verdicts(root, "_sourceCategory=prod/* violation", tmp_path) == {
        "db-2/syslog": None, "web-1/defender.log": False, "web-1/syslog": None,
    }  # fmt: skip
    # A host from sources.yaml is known; one from a syslog header is not.
    assert verdicts(root, '_sourceHost="WEB-1"', tmp_path) == {
        "db-2/syslog": None, "web-1/defender.log": True, "web-1/syslog": None,
    }  # fmt: skip
    assert verdicts(root, "!_collector=twistlock OR _sourceName=db-2/*", tmp_path) == {
        "db-2/syslog": True, "web-1/defender.log": False, "web-1/syslog": True,
    }  # fmt: skip
    assert keep_files([effective_scope(parse_query("_source=x | count"))]) is not None
    assert keep_files([effective_scope(parse_query("error | count"))]) is None
    assert keep_files([effective_scope(parse_query("* | count"))]) is None


def count(root: Path, query: str, cache: Path | None) -> tuple[int, list[str], bool]:
    keep = keep_files([effective_scope(parse_query(query))])
    opened = open_snapshot([root], None, cache, keep=keep)
    try:
        row = opened.con.execute("SELECT count(*) FROM logs").fetchone()
        pruned = [item.name for item in opened.info.files if item.format == "pruned"]
        return (row[0] if row else 0), pruned, opened.cached
    finally:
        opened.close()


@pytest.mark.parametrize("cached", [False, True])
def test_a_wider_query_after_a_pruned_one_sees_every_file(
    root: Path, tmp_path: Path, cached: bool
) -> None:
    cache = tmp_path / "cache" if cached else None
    narrow = "_sourceCategory=twistlock_logs"
    assert count(root, narrow, cache) == (2, ["db-2/syslog", "web-1/syslog"], False)
    syslogs = count(root, "_sourceCategory=prod/syslog", cache)
    assert syslogs == (2, ["web-1/defender.log"], False)
    # Every file is in the cache now; pruned files are kept there for the next wider query.
    assert count(root, "violation", cache) == (4, [], cached)
    assert count(root, narrow, cache) == (2, ["db-2/syslog", "web-1/syslog"], cached)
    assert count(root, "violation", cache) == (4, [], cached)


def test_query_explain_lists_the_pruned_files_and_results_do_not_change(
    root: Path, cli: Any
) -> None:
    # Only with --at (the default instant is the latest message of every file) and a range that
    # does not start at the first message (`all`, the default, would).
    unpruned = cli("query", "_sourceCategory=prod/syslog | count", "--logs", root, "--explain")
    assert unpruned.out.endswith("\n== files ==\nread: 3 files\npruned: none\n")
    whole = ("--at", "2026-11-20T11:00:00Z", "--range", "all")
    ran = cli("query", "_sourceCategory=prod/syslog | count", "--logs", root, "--explain", *whole)
    assert ran.out.endswith("\n== files ==\nread: 3 files\npruned: none\n")
    at = ("--at", "2026-11-20T11:00:00Z", "--range", "-400d")
    ran = cli("query", "_sourceCategory=prod/syslog | count", "--logs", root, "--explain", *at)
    assert ran.code == 0, ran.err
    assert ran.out.endswith(
        "\n== files ==\nread: 2 files\npruned (no record can match the scope):\n"
        "  web-1/defender.log\n"
    )
    pruned = cli("query", "_sourceCategory=prod/syslog | count", "--logs", root, "-o", "csv", *at)
    full = cli("query", "_sourceCategory=prod/syslog OR error | count", "--logs", root,
               "-o", "csv", *at)  # fmt: skip
    assert pruned.out == full.out == "_count\n2\n"


def test_a_field_test_in_the_scope_depends_on_the_lines(root: Path, tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    # `user=alice` tests a field of the lines (a field extraction rule's), not metadata.
    assert verdicts(root, "_sourceCategory=prod/syslog user=alice", tmp_path) == {
        "db-2/syslog": None, "web-1/defender.log": False, "web-1/syslog": None,
    }  # fmt: skip


@pytest.mark.parametrize(("time_range", "read"), [("-400d", 2), ("all", 3)])
def test_a_build_prunes_unless_a_range_starts_at_the_first_message(
    root: Path, tmp_path: Path, cli: Any, time_range: str, read: int
) -> None:
    board = tmp_path / "board.yaml"
    board.write_text(
        f"title: B\ntime_range: {time_range}\npanels:\n"
        "  - id: n\n    title: N\n    type: single_value\n"
        "    query: '_sourceCategory=prod/syslog | count'\n"
    )
    out = tmp_path / "out"
    ran = cli("build", board, "--logs", root, "--at", "2026-11-20T11:00:00Z", "--out", out)
    assert ran.code == 0, ran.err
    summary = json.loads((out / "board.json").read_text())
    formats = {item["name"]: item["format"] for item in summary["snapshot"]["files"]}
    assert sum(1 for value in formats.values() if value != "pruned") == read
    assert summary["panels"][0]["value"] == 2
