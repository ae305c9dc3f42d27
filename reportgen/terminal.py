"""Whether someone is watching: progress is drawn on a terminal only, never in CI or a pipe.

`BuildProgress` redraws one line on stderr while dashboards are evaluated and rendered
(`[2/6] twistlock-runtime: panel 3/8 by-host`), so a long PDF build shows it is alive; it is a
no-op where it would only add noise to a log.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and
# isolates (which reorder what a terminal shows: "Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with the characters that drive a terminal (escape sequences: colours, titles,
    cursor moves) written out as `\\x1b` or `\\u202e`: log text and file names are
    attacker-controlled, and must not reach a terminal as commands."""
    return _UNSAFE.sub(_written_out, text)


def _written_out(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def in_ci() -> bool:
    """Whether `$CI` is set (to anything but empty, 0 or false), as CI services do."""
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no")


def interactive(stream: TextIO) -> bool:
    """Whether `stream` is a terminal someone watches (not in CI)."""
    return not in_ci() and stream.isatty()


class BuildProgress:
    """One redrawn line on `stream` (default stderr) when it is interactive, else nothing."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        out = sys.stderr if stream is None else stream
        self._out = out if interactive(out) else None
        self._total = total
        self._index = 0
        self._name = ""

    def dashboard(self, name: str) -> None:
        """The next dashboard begins."""
        self._index += 1
        self._name = name
        self._draw("")

    def panel(self, index: int, total: int, panel_id: str) -> None:
        """Panel `index` (1-based) of `total` of the current dashboard runs."""
        self._draw(f"panel {index}/{total} {panel_id}")

    def stage(self, what: str) -> None:
        """The current dashboard is at `what` ("rendering PDF")."""
        self._draw(what)

    def done(self) -> None:
        """Clear the line (before the command prints what it wrote)."""
        if self._out is not None:
            self._out.write("\r\x1b[K")
            self._out.flush()

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.done()  # also on errors: their message must not follow the progress text

    def _draw(self, what: str) -> None:
        if self._out is None:
            return
        text = f"[{self._index}/{self._total}] {self._name}" + (f": {what}" if what else "")
        self._out.write(f"\r{text}\x1b[K")
        self._out.flush()
