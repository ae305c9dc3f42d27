"""Ctrl-C and SIGTERM: stop cleanly, say so in one line, exit 130 or 143 (128 + the signal).

Python lets SIGTERM kill the process on the spot, which skips every `finally`: temporary folders
under /tmp and a publish's staging would stay behind. While a command runs, both signals raise
`Interrupted` instead, so every clean-up runs.
The signals received are recorded, because DuckDB, interrupted while it runs SQL, raises an
error of its own in place of ours.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_NAMES: dict[int, str] = {signal.SIGINT: "interrupted (Ctrl-C)", signal.SIGTERM: "terminated"}


class Interrupted(BaseException):
    """A termination signal arrived; not an Exception, so no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def interruptible() -> Iterator[list[int]]:
    """While the block runs, SIGINT and SIGTERM raise `Interrupted` and are listed in the
    yielded list. Outside the main thread, signals cannot be caught: nothing
    changes."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        # Not KeyboardInterrupt for Ctrl-C either: click would catch it and print a line more.
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in _SIGNALS}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def interrupted(signum: int) -> int:
    """Say that the command was stopped by `signum`; its exit code (128 + the signal)."""
    click.echo(f"reportgen: {_NAMES.get(signum, f'stopped by signal {signum}')}", err=True)
    return 128 + signum
