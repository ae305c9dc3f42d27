"""The options several commands share (the snapshot, the engine, the gates) and the lines
they print on stderr."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reportgen.terminal import terminal_safe

F = TypeVar("F", bound=Callable[..., Any])


def no_cache_option(command: F) -> F:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Ingest the snapshot again instead of reusing the cached ingest of unchanged files.",
    )(command)


def engine_options(command: F) -> F:
    command = click.option(
        "--spark-conf",
        multiple=True,
        metavar="KEY=VALUE",
        help="A Spark setting (repeatable), e.g. spark.executor.memory=4g.",
    )(command)
    command = click.option(
        "--spark-remote",
        envvar="REPORTGEN_SPARK_REMOTE",
        default=None,
        metavar="sc://HOST:PORT",
        help="Spark Connect server (Databricks, Spark 4); wins over --spark-master.",
    )(command)
    command = click.option(
        "--spark-master",
        envvar="REPORTGEN_SPARK_MASTER",
        default=None,
        metavar="URL",
        help="Spark master: local[N], spark://host:7077, yarn, k8s://... (default: local[*], "
        "or spark-submit's --master).",
    )(command)
    command = click.option(
        "--engine",
        default=None,
        metavar="duckdb|spark",
        help="Engine (default: sources.yaml's engine:, else $REPORTGEN_ENGINE, else duckdb).",
    )(command)
    return command


def engine_choice(
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
) -> Any:
    """The engine options as an EngineChoice (bad values fail before any work)."""
    from reportgen.engine.options import (
        EngineChoice,
        SparkOptions,
        check_engine,
        parse_spark_conf,
    )

    name = check_engine(engine, "--engine") if engine else None
    spark = SparkOptions(spark_master, spark_remote or None, parse_spark_conf(spark_conf))
    return EngineChoice(name, spark)


LOGS_HELP = (
    "Snapshot: a folder, tarball or file, or on Spark a URI such as s3a://bucket/logs/ "
    "(repeatable); 'sample' is the bundled sample, which build, query and inspect also read "
    "without --logs unless $CI is set."
)


def sample_option(command: F) -> F:
    return click.option(
        "--sample", is_flag=True, help="Read the bundled sample snapshot (invented logs)."
    )(command)


def snapshot_options(command: F) -> F:
    command = engine_options(command)
    command = no_cache_option(command)
    command = click.option(
        "--tz",
        default=None,
        metavar="ZONE",
        help="Report time zone (IANA name); default UTC or the dashboard's.",
    )(command)
    command = click.option(
        "--at",
        default=None,
        metavar="TIME",
        help="Reference instant (ISO 8601); default: the minute after the latest message.",
    )(command)
    command = click.option(
        "--sources",
        type=click.Path(path_type=Path),
        default=None,
        metavar="FILE",
        help="sources.yaml mapping files to metadata (default: the one in the snapshot root).",
    )(command)
    command = click.option(
        "--logs",
        multiple=True,
        metavar="PATH",
        help=LOGS_HELP,
    )(command)
    return sample_option(command)


def gate_options(command: F) -> F:
    command = click.option(
        "--summary-md",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        metavar="FILE",
        help="Also write a Markdown summary (for a PR comment or a CI job summary).",
    )(command)
    command = click.option(
        "--fail-on",
        multiple=True,
        metavar="red|error",
        help="Exit 3 when a single value is in a band marked fail (red) or a panel failed (error).",
    )(command)
    return command


def say(text: str) -> None:
    """A line on stderr, made safe for a terminal (it may quote log text or file names)."""
    click.echo(terminal_safe(text), err=True)


def finish(
    summaries: list[dict[str, Any]],
    failed_panels: list[str],
    gates: list[Any],
    summary_md: Path | None,
) -> None:
    """Report failed panels and crossed gates on stderr; write the Markdown summary."""
    from reportgen.output import write_atomic
    from reportgen.publish.markdown import summary_markdown

    if summary_md is not None:
        write_atomic(summary_md, summary_markdown(summaries).encode("utf-8"))
        click.echo(f"wrote {summary_md}")
    if failed_panels:
        say(f"error: {len(failed_panels)} panel(s) failed: " + ", ".join(failed_panels))
    for gate in gates:
        say(f"gate {gate.kind}: {gate.dashboard}: {gate.message}")


def selected_teams(teams_file: Path | None, names: tuple[str, ...]) -> list[Any]:
    """The teams of the site config `teams_file` that --team names (every team when it names
    none); no team without --teams, and --team without it is a usage error."""
    from reportgen.errors import UsageError
    from reportgen.publish.siteconfig import load_site_config, select_teams

    if teams_file is None:
        if names:
            raise UsageError("--team needs --teams FILE (the site config listing the teams)")
        return []
    if not teams_file.is_file():
        raise UsageError(f"no such file: {teams_file} (--teams)")
    return select_teams(load_site_config(teams_file), names, teams_file)
