"""When things happen: the snapshot's time window, the daily activity curve and time sampling.

Activity follows UTC office hours: quiet nights, a ramp from 06:00, a peak early in the afternoon,
a decline until 20:00, and weekends at about half the weekday level. Each calendar day also gets
its own random factor so that days differ a little.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from reportgen.sample.timefmt import DAY_S, NS, hour_of_day, weekday

HOUR_NS = 3600 * NS
MINUTE_NS = 60 * NS


@dataclass(frozen=True)
class Window:
    """The closed time range `[start, end]` of the snapshot, in epoch nanoseconds.

    `day_factors` maps a UTC day number (days since the epoch) to that day's activity factor.
    """

    start: int
    end: int
    day_factors: dict[int, float]

    @classmethod
    def make(cls, rng: random.Random, start: int, end: int) -> Window:
        """A window with one random activity factor (0.85-1.15) per UTC day it touches."""
        first, last = start // NS // DAY_S, end // NS // DAY_S
        factors = {day: 0.85 + 0.3 * rng.random() for day in range(first, last + 1)}
        return cls(start, end, factors)

    @property
    def span(self) -> int:
        """Length of the window in nanoseconds."""
        return self.end - self.start

    def ago(self, hours: float) -> int:
        """The time `hours` before the end, wrapped into the window when the window is shorter."""
        offset = round(hours * HOUR_NS) % self.span
        return self.end - max(offset, NS)

    def at_fraction(self, fraction: float) -> int:
        """The time at `fraction` (0..1) of the window."""
        return self.start + round(self.span * fraction)


def activity(ns: int, base: float, day_factors: dict[int, float]) -> float:
    """Relative activity at `ns`: `base` at night, 1.0 at the weekday peak (about 13:00 UTC)."""
    hour = hour_of_day(ns)
    office = math.sin(math.pi * (hour - 6) / 14) ** 1.5 if 6 < hour < 20 else 0.0
    level = base + (1 - base) * office
    if weekday(ns) >= 5:
        level *= 0.5
    return level * day_factors.get(ns // NS // DAY_S, 1.0)


def sample_times(
    rng: random.Random, n: int, window: Window, *, base: float = 0.15, slot_s: int = 600
) -> list[int]:
    """About `n` sorted times in the window, distributed along the activity curve.

    The window is cut into slots of `slot_s` seconds; each slot gets its expected share of `n`
    (randomly rounded), spread uniformly inside the slot.
    """
    if n <= 0:
        return []
    slot = slot_s * NS
    starts = list(range(window.start, window.end, slot))
    weights = [
        activity(s + min(slot, window.end - s) // 2, base, window.day_factors)
        * min(slot, window.end - s)
        / slot
        for s in starts
    ]
    scale = n / sum(weights)
    times: list[int] = []
    rand = rng.random
    for s, weight in zip(starts, weights, strict=True):
        expected = weight * scale
        count = int(expected) + (rand() < expected - int(expected))
        if count:
            length = min(slot, window.end - s)
            times.extend(sorted(s + int(rand() * length) for _ in range(count)))
    return times


def uniform_times(rng: random.Random, n: int, start: int, end: int) -> list[int]:
    """`n` sorted times drawn uniformly from `[start, end)`."""
    return sorted(start + int(rng.random() * (end - start)) for _ in range(n))


def strictly_increasing(times: list[int], unit: int, end: int) -> list[int]:
    """Sorted `times` floored to multiples of `unit` and made strictly increasing.

    Equal values are pushed forward by one `unit`; if that crosses `end`, the tail is pushed back.
    """
    out: list[int] = []
    last = -1
    for t in times:
        t -= t % unit
        if t <= last:
            t = last + unit
        out.append(t)
        last = t
    limit = end - end % unit
    i = len(out) - 1
    while i >= 0 and out[i] > limit:
        out[i] = limit
        limit -= unit
        i -= 1
    return out
