"""`query`: one query over a snapshot, printed; `schema`: the dashboard format's JSON Schema."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.options import engine_choice, say, snapshot_options


@click.command()
@click.argument("query")
@snapshot_options
@click.option(
    "--range",
    "range_",
    default=None,
    metavar="RANGE",
    help="Relative range: -24h, -7d, today, yesterday, all (default: all).",
)
@click.option("--from", "from_", default=None, metavar="TIME", help="Start (ISO 8601 or -2h).")
@click.option("--to", default=None, metavar="TIME", help="End, exclusive (default: --at).")
@click.option(
    "--output",
    "-o",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default="table",
    show_default=True,
)
@click.option("--explain", is_flag=True, help="Show tokens, AST, plan and SQL instead of rows.")
def query(
    query: str,
    logs: tuple[str, ...],
    sources: Path | None,
    at: str | None,
    tz: str | None,
    range_: str | None,
    from_: str | None,
    to: str | None,
    output: str,
    explain: bool,
    no_cache: bool,
    engine: str | None,
    spark_master: str | None,
    spark_remote: str | None,
    spark_conf: tuple[str, ...],
    sample: bool,
) -> None:
    """Run one QUERY over the snapshot and print the result."""
    from reportgen.engine import run_query
    from reportgen.engine.run import compile_inputs
    from reportgen.errors import UsageError
    from reportgen.output import format_result
    from reportgen.query import explain as explain_query
    from reportgen.query import parse_query
    from reportgen.query.restrict import effective_scope
    from reportgen.quiet import window_notice
    from reportgen.session import open_session
    from reportgen.snapshot.report import pruned_files
    from reportgen.timerange import RANGE_WORDS, Window, parse_duration, parse_instant

    if range_ is not None and (from_ is not None or to is not None):
        raise UsageError("--range cannot be combined with --from/--to", hint="use one or the other")
    if range_ is not None and range_.strip().lower() not in RANGE_WORDS:
        parse_duration(range_)  # bad input fails before any ingestion
    choice = engine_choice(engine, spark_master, spark_remote, spark_conf)
    parsed = parse_query(query)
    said = [str(warning) for warning in parsed.warnings]
    for warning in said:
        say(f"warning: {warning}")
    # Files the scope cannot match are left out unless the range starts at the first message
    # (`all`, the default), which a file left out could hold.
    bounded = (range_ is not None and range_.strip().lower() != "all") or from_ is not None
    session = open_session(
        logs, sources, at=at, tz=tz or "UTC", cache=not no_cache, sample=sample,
        scopes=[effective_scope(parsed)] if bounded else None, engine=choice,
    )  # fmt: skip
    try:
        if from_ is not None or to is not None:
            end = parse_instant(to, session.tz, at=session.at, option="--to") if to else session.at
            start = (
                parse_instant(from_, session.tz, at=session.at, option="--from")
                if from_
                else session.window("all").start
            )
            if start >= end:
                raise UsageError("--from must be before --to")
            window = Window(start, end, session.tz)
        else:
            window = session.window(range_ or "all")
        if explain:
            inputs = compile_inputs(session.engine, parsed)
            click.echo(explain_query(query, window, session.engine.dialect, **inputs))
            click.echo(pruned_files(session.snapshot))
            return
        quiet = window_notice(session.engine, window)
        if quiet is not None:
            say(f"warning: {quiet}")
        result = run_query(session.engine, parsed, window)
        for warning in result.warnings:
            if str(warning) not in said:  # the parser's warnings come back with the result
                say(f"warning: {warning}")
        click.echo(format_result(result, output, session.tz), nl=False)
    finally:
        session.close()


@click.command()
def schema() -> None:
    """Print the JSON Schema of the dashboard format (for editors: see the README)."""
    from reportgen.dashboard.schema import schema_json

    click.echo(schema_json(), nl=False)
