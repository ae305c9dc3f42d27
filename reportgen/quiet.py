"""Saying so when there is nothing to report: an empty snapshot, or a time range without a
single message. A quiet day is normal, and a report of zeros must not pass for a report of data
unremarked: these notices go to stderr and into the report's header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.engine import run_query
from reportgen.snapshot import SnapshotInfo
from reportgen.timerange import Window

if TYPE_CHECKING:
    from reportgen.engine import Engine
    from reportgen.query.syntax.nodes import ScopeNode

EMPTY_SNAPSHOT = "the snapshot holds no messages"


def snapshot_notice(info: SnapshotInfo) -> str | None:
    """A line saying the snapshot is empty (and how many files gave nothing), else None."""
    if info.rows:
        return None
    files = len(info.files)
    return f"{EMPTY_SNAPSHOT} ({files} file{'' if files == 1 else 's'}, 0 records)"


def messages_in(engine: Engine, window: Window, scope: ScopeNode | None = None) -> int:
    """How many messages of the snapshot (within `scope`, when given) fall in `window`."""
    from reportgen.query import parse_query, restrict

    query = parse_query("* | count")
    if scope is not None:
        query = restrict(query, scope)
    result = run_query(engine, query, window)
    value = result.rows[0][0] if result.rows else 0
    return int(value or 0)


def window_notice(engine: Engine, window: Window, scope: ScopeNode | None = None) -> str | None:
    """A line saying the snapshot is empty, or that `window` holds no messages, else None."""
    empty = snapshot_notice(engine.info)
    if empty is not None:
        return empty
    if messages_in(engine, window, scope):
        return None
    return f"no messages in the time range {window.label()}"
