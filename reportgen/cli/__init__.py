"""The command line. The only place that turns ReportgenError into messages and exit codes:
0 ok, 1 a panel failed, 2 bad usage or invalid input (design D8). One module per group of
commands; this one assembles them and runs them."""

from __future__ import annotations

import os
import signal
import sys

import click

from reportgen import __version__
from reportgen.cli.dashboards import import_group, validate
from reportgen.cli.mail import mail
from reportgen.cli.options import say
from reportgen.cli.query import query, schema
from reportgen.cli.reports import build, publish
from reportgen.cli.snapshot import sample, snapshot
from reportgen.errors import ReportgenError
from reportgen.interrupt import Interrupted, interrupted, interruptible


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Static reports from YAML dashboards of Sumo Logic-style log queries."""


for command in (build, publish, mail, query, schema, validate, import_group, sample, snapshot):
    cli.add_command(command)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` and return its exit code; errors are printed, never raised.
    Ctrl-C and SIGTERM end it with one line and 130 or 143, after the clean-up that every
    `finally` does (temporary folders, a publish's staging)."""
    with interruptible() as received:
        code = _run(argv, received)
        if received or code == _STOPPED:
            # Whatever the command made of the signal (DuckDB raises an error of its own, and
            # may let a half-done step look finished), its output cannot be trusted.
            return interrupted(received[-1] if received else signal.SIGINT)
        return code


_STOPPED = -1


def _run(argv: list[str] | None, received: list[int]) -> int:
    try:
        cli.main(args=argv, prog_name="reportgen", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt, Interrupted):
        return _STOPPED
    except ReportgenError as error:
        if received:
            return _STOPPED
        say(f"error: {error}")
        return error.exit_code
    except click.ClickException as error:
        error.show()
        return 2 if error.exit_code == 1 else error.exit_code
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except Exception as error:
        if received:
            return _STOPPED
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        say(
            f"internal error: {type(error).__name__}: {error}\n"
            "This is a bug in reportgen; rerun with REPORTGEN_DEBUG=1 for the traceback."
        )
        return 70
    return 0


def main() -> None:
    """Console entry point."""
    sys.exit(run())
