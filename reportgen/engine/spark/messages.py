"""Spark's errors as one line: the message without its error class, SQL state, query context
or JVM stack trace (which stay available with REPORTGEN_DEBUG=1 through the exception chain)."""

from __future__ import annotations

import re

_CLASS = re.compile(r"^\[[A-Z0-9_.]+\]\s*")
_SQLSTATE = re.compile(r"\s*SQLSTATE: \w+\.?\s*$")
_JAVA_EXCEPTION = re.compile(r"^(?:[a-z]+\.)+(?:[A-Za-z]+\$?)*(?:Exception|Error): ")


def first_line(error: BaseException) -> str:
    """The first meaningful line of `error`'s message."""
    text = _message(error)
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("JVM stacktrace", "== ", "at ")):
            continue
        line = _SQLSTATE.sub("", _CLASS.sub("", line))
        line = _JAVA_EXCEPTION.sub("", line)
        if line:
            return line
    return type(error).__name__


def _message(error: BaseException) -> str:
    getter = getattr(error, "getMessage", None)
    if callable(getter):
        try:
            message = getter()
        except Exception:
            message = None
        if isinstance(message, str) and message.strip():
            return message
    return str(error)
