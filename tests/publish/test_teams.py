"""Per-team reports: a team's outputs hold nothing outside its scope (the leak test), the
restriction API, and the site config's errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reportgen.engine import run_query
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.errors import QuerySyntaxError
from reportgen.query import parse_query, parse_scope_text, restrict
from reportgen.snapshot import ingest
from reportgen.timerange import Window
from tests.publish.conftest import soup_of

MARKER = "zzleak42"
SOURCES = """\
sources:
  - files: "payments-1/*.log"
    category: prod/payments/api
  - files: "zzleak42-search/*.log"
    category: prod/search/api
"""
PAYMENTS = [
    "2026-11-20T09:00:00Z violation user=alice action=pay",
    "2026-11-20T10:00:00Z violation user=bob action=refund",
    "2026-11-20T10:20:00Z audit user=alice action=login",
]
SEARCH = [
    "2026-11-20T10:30:00Z violation user=ZZLEAK42 action=find zzleak42",
    "2026-11-20T11:30:00Z violation user=carol action=zzleak42-query",
]
DASHBOARD = """\
title: Team board
time_range: all
panels:
  - {id: count, title: Violations, type: single_value, query: violation | count}
  - id: messages
    title: Messages
    type: messages
    # With the team scope pasted in front as text this would read (team AND prod/*) OR violation.
    query: _sourceCategory=prod/* OR violation
  - id: users
    title: Users
    type: bar
    query: |
      violation // every violation
      | parse "user=* " as user
      | count by user
  - {id: hosts, title: Hosts, type: table, query: '* | count by _sourceHost, _sourceName'}
  - id: per-host
    title: Per host
    type: column
    query: '* | timeslice 1h | count by _timeslice, _sourceHost | transpose row _timeslice column _sourceHost'
"""
SITE = """\
teams:
  - name: payments
    scope: _sourceCategory=prod/payments/*
    recipients: [payments@example.com]
  - name: search
    scope: _sourceCategory=prod/search/*
"""


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    snapshot = tmp_path / "snap"
    for folder, lines in (("payments-1", PAYMENTS), ("zzleak42-search", SEARCH)):
        (snapshot / folder).mkdir(parents=True)
        (snapshot / folder / "app.log").write_text("\n".join(lines) + "\n")
    (snapshot / "sources.yaml").write_text(SOURCES)
    board = tmp_path / "teamboard.yaml"
    board.write_text(DASHBOARD)
    site_yaml = tmp_path / "site.yaml"
    site_yaml.write_text(SITE)
    return {"snapshot": snapshot, "board": board, "site_yaml": site_yaml, "site": tmp_path / "site"}


def files_mentioning(root: Path, marker: str) -> list[str]:
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and marker in path.read_bytes().decode("utf-8").lower()
    )


def test_a_team_sees_nothing_outside_its_scope(world: dict[str, Path], cli: Any) -> None:
    site = world["site"]
    ran = cli(
        "publish",
        world["board"],
        "--logs",
        world["snapshot"],
        "--site",
        site,
        "--date",
        "2026-11-20",
        "--teams",
        world["site_yaml"],
        "--team",
        "payments",
    )
    assert ran.code == 0, ran.err
    assert ran.out == f"published {site}/teams/payments/teamboard/2026-11-20\n"
    run = site / "teams" / "payments" / "teamboard" / "2026-11-20"
    assert sorted(p.name for p in run.iterdir()) == [
        "count.csv",
        "hosts.csv",
        "index.html",
        "messages.csv",
        "per-host.csv",
        "summary.json",
        "users.csv",
    ]
    assert files_mentioning(site, MARKER) == []
    summary = json.loads((run / "summary.json").read_text())
    assert summary["team"] == {"name": "payments", "scope": "_sourceCategory=prod/payments/*"}
    assert summary["snapshot"]["rows"] == 3
    assert summary["panels"][0]["value"] == 2
    assert (run / "users.csv").read_text() == "user,_count\nalice,1\nbob,1\n"
    assert (
        run / "hosts.csv"
    ).read_text() == "_sourceHost,_sourceName,_count\npayments-1,payments-1/app.log,3\n"
    soup = soup_of(run / "index.html")
    raws = [pre.get_text() for pre in soup.select("#panel-messages td.cell-raw pre")]
    assert raws == list(reversed(PAYMENTS))
    assert soup.select_one(".rows-ingested").get_text() == "3"
    # Only the team's part of the site exists; its own index lists its dashboard.
    assert sorted(p.name for p in site.iterdir()) == ["teams"]
    index = soup_of(site / "teams" / "payments" / "index.html")
    assert index.select_one("a.latest")["href"] == "teamboard/latest/index.html"


def test_the_leak_test_can_fail(world: dict[str, Path], cli: Any) -> None:
    """Unscoped and other-team outputs do hold the marker, in every place the test looks."""
    site = world["site"]
    ran = cli(
        "publish",
        world["board"],
        "--logs",
        world["snapshot"],
        "--site",
        site,
        "--date",
        "2026-11-20",
        "--teams",
        world["site_yaml"],
    )
    assert ran.code == 0, ran.err
    for root in ("teamboard/2026-11-20", "teams/search/teamboard/2026-11-20"):
        found = files_mentioning(site / root, MARKER)
        assert found == [
            "hosts.csv",
            "index.html",
            "messages.csv",
            "per-host.csv",
            "summary.json",
            "users.csv",
        ]
    assert files_mentioning(site / "teams" / "payments", MARKER) == []
    specs = soup_of(site / "teamboard" / "2026-11-20" / "index.html").select(
        'script[type="application/json"][data-chart]'
    )
    assert any(MARKER in spec.get_text().lower() for spec in specs)  # the inlined chart data
    teams = soup_of(site / "index.html").select("ul#teams a")
    assert [a["href"] for a in teams] == ["teams/payments/index.html", "teams/search/index.html"]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    snapshot = tmp_path_factory.mktemp("snap")
    for folder, lines in (("payments-1", PAYMENTS), ("zzleak42-search", SEARCH)):
        (snapshot / folder).mkdir()
        (snapshot / folder / "app.log").write_text("\n".join(lines) + "\n")
    (snapshot / "sources.yaml").write_text(SOURCES)
    connection = duckdb.connect()
    ingest(connection, [snapshot])
    return connection


def count(con: duckdb.DuckDBPyConnection, query: Any) -> Any:
    from datetime import UTC, datetime

    window = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC), "UTC")
    return run_query(DuckDBEngine(con), query, window)


PAYMENTS_SCOPE = "_sourceCategory=prod/payments/*"


@pytest.mark.parametrize(
    ("text", "unscoped", "scoped"),
    [
        ("_sourceCategory=prod/* OR violation | count", 5, 3),
        ("violation OR audit | count", 5, 3),
        ("violation // a comment\n| count", 4, 2),
        ("/* the | pipe */ violation | count", 4, 2),
        ("NOT audit | count", 4, 2),
        ("* | count", 5, 3),
    ],
)
def test_restrict_ands_parsed_scopes(
    con: duckdb.DuckDBPyConnection, text: str, unscoped: int, scoped: int
) -> None:
    assert count(con, text).rows == [(unscoped,)]
    team = parse_scope_text(PAYMENTS_SCOPE)
    assert count(con, restrict(parse_query(text), team)).rows == [(scoped,)]


def test_pasting_the_scope_as_text_would_leak(con: duckdb.DuckDBPyConnection) -> None:
    pasted = f"{PAYMENTS_SCOPE} _sourceCategory=prod/* OR violation | count"
    assert count(con, pasted).rows == [(5,)]  # (team AND prod/*) OR violation: search leaks in


def test_restriction_keeps_the_query_spelling_and_stacks(con: duckdb.DuckDBPyConnection) -> None:
    query = parse_query("violation | count by _sourceHost")
    scoped = restrict(
        restrict(query, parse_scope_text("_sourcecategory=prod/*")),
        parse_scope_text(PAYMENTS_SCOPE),
    )
    result = count(con, scoped)
    assert result.names == ["_sourceHost", "_count"]
    assert result.rows == [("payments-1", 2)]
    assert query.restriction is None  # the original query is unchanged


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (
            "x | count",
            "a scope cannot contain '|' (only a search expression, no operators) at column 3",
        ),
        ("(a", "unclosed '(' at column 1"),
        (
            "_sourcecategroy=x",
            "'_sourcecategroy' is not a metadata field; '_sourcecategroy=x' is searched as the "
            "keyword phrase '_sourcecategroy=x'",
        ),
    ],
)
def test_bad_scopes(scope: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_scope_text(scope)
    assert caught.value.message == message


def test_site_config_errors_name_file_line_col(
    tmp_path: Path, cli: Any, world: dict[str, Path]
) -> None:
    config = tmp_path / "bad-site.yaml"
    config.write_text(
        "teams:\n  - name: payments\n    scope: _sourceCategory=prod/payments/* (x\n    recipents: []\n"
    )
    ran = cli(
        "publish",
        world["board"],
        "--logs",
        world["snapshot"],
        "--site",
        world["site"],
        "--teams",
        config,
    )
    assert ran.code == 2
    assert ran.err == (
        f"error: {config}:4:5: unknown key 'recipents'; did you mean 'recipients'?\n"
        "      recipents: []\n"
        "      ^~~~~~~~~\n"
    )
    config.write_text("teams:\n  - name: payments\n    scope: _sourceCategory=prod/payments/* (x\n")
    ran = cli(
        "publish",
        world["board"],
        "--logs",
        world["snapshot"],
        "--site",
        world["site"],
        "--teams",
        config,
    )
    assert ran.err == (
        f"error: {config}:3:44: teams[0].scope: unclosed '(' at column 33\n"
        "  _sourceCategory=prod/payments/* (x\n"
        "                                  ^\n"
    )
    ran = cli(
        "publish",
        world["board"],
        "--logs",
        world["snapshot"],
        "--site",
        world["site"],
        "--teams",
        world["site_yaml"],
        "--team",
        "payment",
    )
    assert (
        ran.err
        == f"error: no team 'payment' in {world['site_yaml']} (--team); did you mean 'payments'?\n"
    )
    ran = cli("publish", world["board"], "--site", world["site"], "--team", "payments")
    assert ran.err == "error: --team needs --teams FILE (the site config listing the teams)\n"
    assert not world["site"].exists()
    mail = ["mail", world["board"], "--logs", world["snapshot"], "--dry-run", "--team", "payments"]
    for extra, message in (
        ([], "--team needs --teams FILE (the site config listing the teams)"),
        (
            ["--teams", world["site"] / "none.yaml"],
            f"no such file: {world['site'] / 'none.yaml'} (--teams)",
        ),
    ):
        for command in (
            mail,
            ["publish", world["board"], "--site", world["site"], "--team", "payments"],
        ):
            ran = cli(*command, *extra)
            assert (ran.code, ran.err) == (2, f"error: {message}\n")
