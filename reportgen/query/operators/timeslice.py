"""`timeslice 5m [as name]`, `timeslice N buckets` and `timeslice` alone (spec §6.2).

Adds the start of each message's bucket in epoch milliseconds (`_timeslice`, type time), aligned
in the report zone: days and weeks (and hours that make whole days: `24h` = `1d`) follow local
midnight (weeks start on Monday); shorter widths use the spec's formula
`t - ((local(t) mod W) + W) mod W`, i.e. the zone offset at `t`. `N buckets` picks the smallest
width of a fixed ladder giving at most N buckets over the query range; without an argument the
whole range is one bucket. `__timeslice_end` (spec §6.2) is where the bucket ends: the start of
the next one (a day a DST change makes 23 or 25 hours long ends at the next local midnight), or the
end of the range.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.plan.schema import TS, Field
from reportgen.query.problems import semantic
from reportgen.query.sql.dialect import UTC_NAMES
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token
from reportgen.timerange import Window

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

MAX_BUCKETS = 10_000
SECOND, MINUTE, HOUR, DAY = 1000, 60_000, 3_600_000, 86_400_000
UNIT_MS = {"s": SECOND, "m": MINUTE, "h": HOUR, "d": DAY, "w": 7 * DAY}
# the widths `timeslice N buckets` chooses from, smallest first
LADDER = (
    *(n * SECOND for n in (1, 5, 10, 15, 30)),
    *(n * MINUTE for n in (1, 5, 10, 15, 30)),
    *(n * HOUR for n in (1, 2, 3, 4, 6, 12)),
    DAY,
    7 * DAY,
)
WIDTH = re.compile(r"(\d+)([smhdw])")
END = "__timeslice_end"
_START = "__rg_slice"


@dataclass(frozen=True)
class Timeslice:
    """`timeslice 5m [as name]` (§6.2)."""

    count: int
    unit: str  # s m h d w; "buckets" for `timeslice N buckets`, "range" without an argument
    alias: Name | None
    span: Span


def parse_timeslice(stream: Stream, first: Token) -> Timeslice:
    stream.accept_word("by")
    width = stream.peek()
    unit = stream.peek(1)
    if width is None or width.is_word("as"):  # one bucket: the whole time range
        return _rest(stream, first, 0, "range")
    if width.kind is Kind.NUMBER and unit is not None and unit.is_word("buckets"):
        count, span = stream.integer("the number of buckets")
        stream.pos += 1
        if not 1 <= count <= MAX_BUCKETS:
            raise stream.error_at(
                span, f"the number of buckets must be between 1 and {MAX_BUCKETS}"
            )
        return _rest(stream, first, count, "buckets")
    match = WIDTH.fullmatch(width.text) if width.kind is Kind.NUMBER else None
    if match is None or int(match.group(1)) == 0:
        raise stream.error_at(
            width.span,
            f"invalid timeslice width '{width.text}'",
            "expected a width such as 5m, 1h or 1d (units s, m, h, d, w)",
        )
    stream.pos += 1
    return _rest(stream, first, int(match.group(1)), match.group(2))


def _rest(stream: Stream, first: Token, count: int, unit: str) -> Timeslice:
    alias = stream.name("a name after 'as'") if stream.accept_word("as") else None
    return Timeslice(count, unit, alias, stream.span_from(first.span.start))


def plan_timeslice(planner: Planner, stage: Timeslice, prev: Step) -> Step:
    if TS not in prev.schema.internal:
        message = "'timeslice' needs messages; put it before the aggregation"
        planner.errors.append(semantic(planner.text, stage.span, message))
    key, display = "_timeslice", "_timeslice"
    if stage.alias is not None:
        key, display = stage.alias.key, stage.alias.text
    schema = prev.schema.put(Field(key, display, "time", planner.cols.col(key)))
    schema = schema.put(Field(END, END, "time", planner.cols.col(END)))
    return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)


def bucket_width(count: int, window: Window) -> int:
    """The smallest ladder width giving at most `count` buckets over the window (§6.2)."""
    span = (window.end - window.start).total_seconds() * 1000
    for width in LADDER:
        if math.ceil(span / width) <= count:
            return width
    return LADDER[-1]


def width_ms(stage: Timeslice, window: Window | None) -> int | None:
    """The bucket width of a timeslice stage in ms (None: the whole range)."""
    if stage.unit == "range":
        return None
    if stage.unit == "buckets":
        assert window is not None, "timeslice N buckets needs the query window"
        return bucket_width(stage.count, window)
    return stage.count * UNIT_MS[stage.unit]


def previous_timeslice(stages: tuple[object, ...], stage: object) -> Timeslice | None:
    """The last `timeslice` stage before `stage`."""
    found = None
    for item in stages:
        if item is stage:
            break
        if isinstance(item, Timeslice):
            found = item
    return found


def timeslice_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert isinstance(step.node, Timeslice)
    node = step.node
    key = node.alias.key if node.alias else "_timeslice"
    width = width_ms(node, gen.window)
    if width is None:
        bucket = gen.dialect.epoch_ms(gen.dialect.window_bound("start"))
        end = gen.dialect.epoch_ms(gen.dialect.window_bound("end"))
    else:
        bucket = gen.bucket_sql(TS, width)
        end = _end_sql(gen, width)
    computed = {key: _START, END: end}
    columns = [
        f"{computed[f.key]} AS {f.col}" if f.key in computed else f.col for f in step.schema.fields
    ]
    columns += list(step.schema.internal)
    inner = f"SELECT *, {bucket} AS {_START} FROM {gen.source}"
    return f"SELECT {', '.join(columns)}\n  FROM ({inner})"


def _end_sql(gen: SqlGenerator, width: int) -> str:
    """The start of the next bucket. Widths of whole days follow local midnight, so in a zone
    with DST a day may last 23 or 25 hours: the end is the bucket of an instant half a width
    into the next one."""
    if width % DAY or gen.tz.lower() in UTC_NAMES:
        return f"({_START} + {width})"
    inside_next = gen.dialect.from_epoch_ms(f"({_START} + {width + width // 2})")
    return gen.bucket_sql(inside_next, width)


OPERATORS = (Operator(Timeslice, plan_timeslice, timeslice_sql, ("timeslice",), parse_timeslice),)
