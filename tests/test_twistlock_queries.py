"""The five dashboard queries of the Twistlock integration (spec §12), verbatim, end to end:
hand-written log files -> real ingestion -> real DuckDB. Expected rows are written by hand from
the planted lines below, never computed by the code under test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.engine import run_query
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.snapshot import ingest
from reportgen.timerange import Window

CTO = "cto-stable-ubuntu.c.cto-sandbox.internal"

SOURCES = """\
sources:
  - files: "lab/**"
    category: twistlock/example
  - files: "*/var/lib/twistlock/log/*"
    category: twistlock_logs
"""

CTO_LOG = """\
 WARN 2026-11-20T10:01:00.000 defender.go:1234 Process violation in container /web: /bin/nc launched from /bin/sh. Full command: nc -l 4444
 WARN 2026-11-20T10:03:00.000 defender.go:1234 Process violation in container /web: /usr/bin/sync launched from /bin/sh
 WARN 2026-11-20T10:06:00.000 defender.go:1234 Process violation in container /web: /usr/bin/ncat launched from /bin/sh
 INFO 2026-11-20T10:07:00.000 defender.go:100 nc probe finished
 WARN 2026-11-20T10:08:00.000 defender.go:1240 Network violation in container /web: nc connected to 203.0.113.7
"""

WEB_LOG = """\
 WARN 2026-11-20T10:04:00.000 defender.go:1234 Process violation in container /api: /bin/nc launched from /bin/bash
 WARN 2026-11-20T10:06:30.000 defender.go:1234 Process violation in container /api: /usr/bin/curl launched
 WARN 2026-11-20T10:11:00.000 defender.go:1234 Process violation in container /api: /usr/bin/wget launched
 INFO 2026-11-20T10:12:00.000 policy.go:12 Process model updated after violation review
"""

LAB_LOG = """\
 WARN 2026-11-18T09:00:00.000 defender.go:1234 Process violation in container /a: /bin/bash launched
 WARN 2026-11-18T23:59:59.999 defender.go:1240 Network violation in container /a: Outbound connection to an unexpected port: 4444
 WARN 2026-11-19T00:00:00.000 fs.go:77 Filesystem violation in container /a: /usr/bin/vi wrote to SSH configuration file /etc/ssh/sshd_config
 WARN 2026-11-19T08:00:00.000 access.go:210 The command docker_exec denied for user alice by rule 'no-exec'
 WARN 2026-11-19T08:05:00.000 access.go:210 The command container_create denied for user Bob by rule 'devs'
 WARN 2026-11-19T08:10:00.000 access.go:210 The command container_list denied for user admin by rule Deny
 WARN 2026-11-19T08:15:00.000 defender.go:1250 Outbound connection to 198.51.100.1 is explicitly denied by a runtime rule
 WARN 2026-11-19T08:20:00.000 access.go:210 The command image_pull denied for user alice by rule 'no-pull'
 WARN 2026-11-19T08:25:00.000 access.go:210 The command docker_exec DENIED for user carol by rule 'x'
 WARN 2026-11-20T08:00:00.000 defender.go:1234 Process violation in container /b: /bin/nc launched
 WARN 2026-11-20T09:00:00.000 defender.go:1234 Process violation in container /b: /usr/bin/python3 launched
 INFO 2026-11-20T09:30:00.000 policy.go:12 Runtime violation report uploaded
 INFO 2026-11-20T10:00:00.000 defender.go:50 violations counter reset
"""

WINDOW = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC), "UTC")


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root: Path = tmp_path_factory.mktemp("snap")
    (root / "sources.yaml").write_text(SOURCES)
    for host, text in ((CTO, CTO_LOG), ("prod-web-1", WEB_LOG)):
        folder = root / host / "var/lib/twistlock/log"
        folder.mkdir(parents=True)
        (folder / "defender.log").write_text(text)
    (root / "lab").mkdir()
    (root / "lab" / "defender.log").write_text(LAB_LOG)
    connection = duckdb.connect()
    ingest(connection, [root])
    return connection


def rows(con: duckdb.DuckDBPyConnection, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = run_query(DuckDBEngine(con), query, WINDOW)
    return result.names, result.rows


def test_s1_netcat_on_one_host_is_a_token_match(con: duckdb.DuckDBPyConnection) -> None:
    query = f'(_sourceCategory=twistlock_logs (Process violation)) AND _sourcehost = "{CTO}" AND nc'
    result = run_query(DuckDBEngine(con), query, WINDOW)
    assert result.kind == "messages"
    records = result.records()
    # sync, ncat: not the token nc; the 10:07 line has no "Process violation"; the 10:08 line is
    # a Network violation; prod-web-1's nc line is on another host.
    assert [(r["_messagetime"], r["_raw"], r["_sourcehost"]) for r in records] == [
        (ms("2026-11-20T10:01:00"), CTO_LOG.splitlines()[0], CTO),
    ]


def test_s2_process_violations_per_host_transposed(con: duckdb.DuckDBPyConnection) -> None:
    names, data = rows(
        con,
        "_sourceCategory=twistlock_logs (Process violation)| timeslice 5m "
        "| count as count by _timeslice, _sourceHost| transpose row _timeslice column _sourceHost",
    )
    assert names == ["_timeslice", CTO, "prod-web-1"]
    assert data == [
        (ms("2026-11-20T10:00:00"), 2, 1),
        (ms("2026-11-20T10:05:00"), 1, 1),
        # "Process model updated after violation review": both tokens, not a phrase.
        (ms("2026-11-20T10:10:00"), None, 2),
    ]


def test_s3_violations_per_day_newest_first(con: duckdb.DuckDBPyConnection) -> None:
    names, data = rows(
        con,
        "_sourceCategory=twistlock/example (violation) | timeslice 24h | count by _timeslice "
        "| order by _timeslice desc",
    )
    assert names == ["_timeslice", "_count"]
    # "violations" is another token than "violation".
    assert data == [
        (ms("2026-11-20T00:00:00"), 3),
        (ms("2026-11-19T00:00:00"), 1),
        (ms("2026-11-18T00:00:00"), 2),
    ]


def test_s4_denied_commands_by_user(con: duckdb.DuckDBPyConnection) -> None:
    names, data = rows(
        con,
        '_sourceCategory="twistlock/example" (Denied)|parse "The command * * for user * by rule '
        "*'\" as command, action, user, rulename | count by user | order by user asc",
    )
    assert names == ["user", "_count"]
    # admin's line has no quote after "by rule", the runtime-rule line does not match the
    # pattern: both dropped. Ascending by code point: upper case first.
    assert data == [("Bob", 1), ("alice", 2), ("carol", 1)]


def test_s4_with_the_blogs_typographic_quotes(con: duckdb.DuckDBPyConnection) -> None:
    result = run_query(
        DuckDBEngine(con),
        "_sourceCategory=“twistlock/example” (Denied)|parse “The command * * for user * by rule "
        "*’” as command, action, user, rulename | count by user | order by user asc",
        WINDOW,
    )
    assert result.rows == [("Bob", 1), ("alice", 2), ("carol", 1)]
    assert result.warnings


def test_s5_violation_types(con: duckdb.DuckDBPyConnection) -> None:
    names, data = rows(
        con,
        '_sourceCategory="twistlock/example" (violation) | parse ".go:* * violation " as '
        "linenumber, violation_type | count by violation_type | order by _count desc",
    )
    assert names == ["violation_type", "_count"]
    assert data == [("Process", 3), ("Filesystem", 1), ("Network", 1), ("Runtime", 1)]


def test_rulename_is_empty_when_the_rule_is_quoted(con: duckdb.DuckDBPyConnection) -> None:
    names, data = rows(
        con,
        '_sourceCategory="twistlock/example" (Denied)|parse "The command * * for user * by rule '
        "*'\" as command, action, user, rulename | count by command, action, rulename",
    )
    assert names == ["command", "action", "rulename", "_count"]
    assert data == [
        ("container_create", "denied", "", 1),
        ("docker_exec", "DENIED", "", 1),
        ("docker_exec", "denied", "", 1),
        ("image_pull", "denied", "", 1),
    ]
