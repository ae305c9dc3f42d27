"""`sample` writes a snapshot of invented logs; `snapshot inspect` describes a snapshot."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.options import (
    LOGS_HELP,
    engine_choice,
    engine_options,
    no_cache_option,
    sample_option,
    say,
)


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("sample-logs"),
    show_default=True,
    help="Folder to write the snapshot into.",
)
@click.option("--lines", type=click.IntRange(min=100), default=60_000, show_default=True)
@click.option("--hosts", type=click.IntRange(min=1, max=500), default=4, show_default=True)
@click.option("--days", type=click.IntRange(min=1, max=366), default=7, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def sample(out: Path, lines: int, hosts: int, days: int, seed: int) -> None:
    """Write a realistic, deterministic Twistlock log snapshot to OUT."""
    from reportgen.sample import write_sample

    info = write_sample(out, lines=lines, hosts=hosts, days=days, seed=seed)
    click.echo(
        f"wrote {len(info.files)} log files, {info.lines} lines "
        f"({info.start:%Y-%m-%d %H:%M} - {info.end:%Y-%m-%d %H:%M} UTC), and {info.sources}, "
        f"to {out}"
    )


@click.group()
def snapshot() -> None:
    """Look at a snapshot without building a report."""


@snapshot.command()
@click.option(
    "--logs",
    multiple=True,
    metavar="PATH",
    help=LOGS_HELP,
)
@sample_option
@click.option(
    "--sources",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="sources.yaml mapping files to metadata (default: the one in the snapshot root).",
)
@click.option(
    "--output", "-o", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@no_cache_option
@engine_options
def inspect(
    logs: tuple[str, ...],
    sources: Path | None,
    output: str,
    no_cache: bool,
    sample: bool,
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
) -> None:
    """Files, formats, line counts, time span, hosts, categories and problems of a snapshot, and
    its field extraction rules with how many messages each selected and extracted from."""
    import json

    from reportgen.engine.inspect import inspect_files, inspect_rules, rules_json, rules_table
    from reportgen.quiet import snapshot_notice
    from reportgen.session import open_session
    from reportgen.snapshot.report import inspect_json, inspect_table

    choice = engine_choice(engine, spark_master, spark_remote, spark_conf)
    session = open_session(logs, sources, cache=not no_cache, sample=sample, engine=choice)
    try:
        quiet = snapshot_notice(session.snapshot)
        if quiet is not None:
            say(f"warning: {quiet}")
        views = inspect_files(session.engine)
        rules = inspect_rules(session.engine)
        if output == "json":
            document = json.loads(inspect_json(session.snapshot, views))
            document["field_extraction_rules"] = rules_json(rules)
            click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        else:
            click.echo(inspect_table(session.snapshot, views) + rules_table(rules), nl=False)
    finally:
        session.close()
