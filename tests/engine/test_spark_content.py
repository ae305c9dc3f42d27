"""The Sumo content of a snapshot (field extraction rules, lookup tables) and the commands of
issues 11-13 on Spark: the same answers as on DuckDB, from a folder or a URI, with `engine:`
in the same sources.yaml as the rules and tables, and every command's new options beside the
engine options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.test_spark_build import spark_args
from tests.spark import SPARK

pytestmark = [SPARK, pytest.mark.slow]

SOURCES = """\
engine: spark
field_extraction_rules:
  - name: logins
    scope: _sourceCategory=auth
    parse: parse "user=* " as user nodrop | parse "port=*" as port nodrop
lookups:
  'path://"/Library/Users/me/owners"': tables/owners.csv
sources:
  - files: "auth/*"
    category: auth
    fields: {cluster: eu-1}
"""
LINES = [
    "2026-11-20T10:00:00Z login user=alice port=22",
    "2026-11-20T10:01:00Z login user=bob port=443",
    "2026-11-20T10:02:00Z login user=Alice port=22",
    "2026-11-20T10:03:00Z logout user=carol port=80",
]
OWNERS = "user,owner,team\nalice,Ann,red\nBOB,Ben,blue\n"
TABLE = 'path://"/Library/Users/me/owners"'
QUERIES = [
    f"_sourceCategory=auth | lookup owner, team from {TABLE} on user=user "
    "| count by user, owner, team, port | sort by user, port",
    f"* | where lookupContains({TABLE}, user=user) | count by cluster",
    "port=22 | count by user",
    "* | count by _sourceCategory",  # the lookup table beside the logs is not read as logs
]
DASHBOARD = """\
title: Logins
time_range: -1d
panels:
  - id: logins
    title: Logins
    type: single_value
    query: "_sourceCategory=auth login | count"
    bands:
      - {to: 1, color: green}
      - {from: 2, color: red, label: many, alert: true}
  - id: owners
    title: By owner
    type: table
    query: >-
      * | lookup owner from path://"/Library/Users/me/owners" on user=user
      | count by user, owner | sort by user
"""
AT = "2026-11-20T12:00:00Z"


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("content") / "snap"
    (root / "auth").mkdir(parents=True)
    (root / "tables").mkdir()
    (root / "sources.yaml").write_text(SOURCES)
    (root / "auth" / "app.log").write_text("\n".join(LINES) + "\n")
    (root / "tables" / "owners.csv").write_text(OWNERS)
    return root


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("board") / "logins.yaml"
    path.write_text(DASHBOARD)
    return path


def _query(cli: Any, query: str, logs: Path | str, *engine: str) -> Any:
    ran = cli("query", query, "--logs", logs, "--output", "json", "--no-cache", *engine)
    assert ran.code == 0, ran.err
    return ran.json()


@pytest.mark.parametrize("query", QUERIES)
def test_rules_and_lookups_answer_alike(spark: Any, snapshot: Path, cli: Any, query: str) -> None:
    """`engine: spark` in the sources.yaml that holds the rules and tables picks Spark; the
    rows are DuckDB's, and the same from the folder given as a URI (Spark reads its
    sources.yaml and lookup file itself)."""
    duck = _query(cli, query, snapshot, "--engine", "duckdb")
    assert duck
    remote = spark_args()[2:]
    assert _query(cli, query, snapshot, *remote) == duck  # engine: from sources.yaml
    assert _query(cli, query, snapshot.as_uri(), *spark_args()) == duck


def test_inspect_lists_the_same_files_and_rules(spark: Any, snapshot: Path, cli: Any) -> None:
    args = ["snapshot", "inspect", "--logs", snapshot, "--output", "json", "--no-cache"]
    duck = cli(*args, "--engine", "duckdb")
    ran = cli(*args, *spark_args())
    assert (duck.code, ran.code) == (0, 0), ran.err
    assert ran.json() == duck.json()
    assert ran.json()["field_extraction_rules"] == [
        {"name": "logins", "scope": "_sourceCategory=auth", "fields": ["user", "port"],
         "messages": 4, "extracted": 4},
    ]  # fmt: skip


def test_build_with_alerts_publish_with_a_theme_and_mail_on_spark(
    spark: Any, snapshot: Path, dashboard: Path, tmp_path: Path, cli: Any
) -> None:
    for engine, args in (("duckdb", ["--engine", "duckdb"]), ("spark", spark_args())):
        out = tmp_path / engine
        common = ["--logs", snapshot, "--no-cache", *args]
        ran = cli(
            "build", dashboard, *common, "--at", AT, "--out", out,
            "--alerts-out", out / "alerts.json",
        )  # fmt: skip
        assert ran.code == 0, ran.err
        ran = cli(
            "publish", dashboard, *common, "--site", out / "site", "--date", "2026-11-20",
            "--theme", "dark",
        )  # fmt: skip
        assert ran.code == 0, ran.err
        ran = cli(
            "mail", dashboard, *common, "--date", "2026-11-20", "--from", "r@example.com",
            "--to", "ops@example.com", "--dry-run", "--out", out / "mail",
        )  # fmt: skip
        assert ran.code == 0, ran.err
    duck, spark_out = tmp_path / "duckdb", tmp_path / "spark"

    def summary(path: Path) -> Any:
        """The summary without timings, links into the DuckDB output as into Spark's."""
        document = json.loads(path.read_text().replace(str(duck), str(spark_out)))
        for panel in document["panels"]:
            panel.pop("elapsed_ms")
        return document

    assert summary(spark_out / "logins.json") == summary(duck / "logins.json")
    alerts = json.loads((spark_out / "alerts.json").read_text())
    assert [a["labels"]["panel"] for a in alerts["firing"]] == ["logins"]
    assert alerts == json.loads(
        (duck / "alerts.json").read_text().replace(str(duck), str(spark_out))
    )
    run = Path("logins") / "2026-11-20" / "summary.json"
    assert summary(spark_out / "site" / run) == summary(duck / "site" / run)
    assert [p.name for p in (spark_out / "mail").iterdir()] == ["logins.eml"]


def test_sample_and_engine_options_are_checked_together(cli: Any, snapshot: Path) -> None:
    for command in (["query", "* | count"], ["snapshot", "inspect"]):
        ran = cli(*command, "--sample", "--logs", snapshot, "--engine", "spark")
        assert (ran.code, ran.err) == (
            2,
            "error: --sample cannot be combined with --logs; use one or the other\n",
        )
