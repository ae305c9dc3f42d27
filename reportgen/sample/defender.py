"""The files of one Defender host: its Go log (`defender.log*`) and its file syslog (`syslog*`).

Both streams are assembled as `(time, body)` entries, where a body is either a ready string or
the index of a background kind rendered lazily while writing (so millions of lines never sit in
memory as strings at once). Entries are sorted, given strictly increasing times at the file's
resolution (milliseconds for Go lines, nanoseconds for syslog's `time=`) and split by time into
the rotated files, oldest first.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from reportgen.sample.audits import syslog_audits
from reportgen.sample.clock import HOUR_NS, MINUTE_NS, Window, sample_times, strictly_increasing
from reportgen.sample.events import (
    Denied,
    Violation,
    denied_go,
    denied_syslog,
    random_denied,
    random_violation,
    violation_go,
    violation_syslog,
)
from reportgen.sample.golog import Chatter, defender_chatter
from reportgen.sample.hosts import Host
from reportgen.sample.stories import Plan
from reportgen.sample.timefmt import DAY_S, MS, NS, Stamps
from reportgen.sample.writer import Part, write_parts

Entry = tuple[int, str | int]
DENIED_RATE = 0.006  # share of Go lines that are denied commands


def ordered(entries: list[Entry], unit: int, end: int) -> list[Entry]:
    """Entries sorted by time, with strictly increasing times at resolution `unit`."""
    entries.sort(key=itemgetter(0))
    times = strictly_increasing([t for t, _ in entries], unit, end)
    return [(t, body) for t, (_, body) in zip(times, entries, strict=True)]


def go_lines(entries: list[Entry], chatter: Chatter, lead: str) -> Iterator[tuple[int, str]]:
    """Go log lines: `[ ]LEVL 2026-11-20T10:00:01.123 file.go:N message`."""
    render, stamp = chatter.render, Stamps().go
    for t, body in entries:
        text = render(body, t) if isinstance(body, int) else body
        yield t, f"{lead}{text[:4]} {stamp(t)} {text[4:]}"


def syslog_lines(entries: list[Entry], chatter: Chatter, host: Host) -> Iterator[tuple[int, str]]:
    """RFC 3164 file syslog lines with a Twistlock-Defender `key="value"` body."""
    render, stamp = chatter.render, Stamps().syslog
    tag = f"{host.name} Twistlock-Defender[{host.pid}]:"
    for t, body in entries:
        text = render(body, t) if isinstance(body, int) else body
        header, nano = stamp(t)
        yield t, f'{header} {tag} time="{nano}" {text}'


def rotation_cuts(rng: random.Random, window: Window) -> tuple[int, int, int]:
    """Cut times: two for defender.log (.2.gz | .1 | current), one for syslog (.1.gz | current).

    Twistlock rotates its logs on the half hour; syslog is rotated by the 06:25 daily cron job.
    """
    half_hour = 30 * MINUTE_NS
    first = window.at_fraction(0.40 + 0.08 * rng.random())
    second = window.at_fraction(0.74 + 0.08 * rng.random())
    middle = window.at_fraction(0.5)
    day = middle // NS // DAY_S * DAY_S * NS
    cron = day + 6 * HOUR_NS + 25 * MINUTE_NS
    syslog_cut = cron if window.start < cron < window.end else middle
    return first - first % half_hour, second - second % half_hour, syslog_cut


def write_defender(
    out: Path,
    rng: random.Random,
    window: Window,
    host: Host,
    plan: Plan,
    budget: tuple[int, int],
) -> list[tuple[str, int]]:
    """Write the Go log and syslog files of `host`; `budget` is their (Go, syslog) line counts."""
    go_budget, syslog_budget = budget
    planted_go, planted_syslog = plan.count()
    n_violations = round(go_budget * host.violation_rate)
    n_denied = round(go_budget * DENIED_RATE)
    violations: list[Violation] = [
        random_violation(rng, host, t)
        for t in sample_times(rng, n_violations, window, base=0.25, slot_s=1800)
    ]
    denied: list[Denied] = [
        random_denied(rng, t) for t in sample_times(rng, n_denied, window, base=0.1, slot_s=3600)
    ]
    violations += plan.violations
    denied += plan.denied

    go_chatter = defender_chatter(rng, host.containers)
    n_chatter = max(0, go_budget - n_violations - n_denied - planted_go)
    times = sample_times(rng, n_chatter, window, base=0.3)
    go: list[Entry] = list(zip(times, go_chatter.kinds(len(times)), strict=True))
    go += [(v.t, violation_go(v)) for v in violations]
    go += [(d.t, denied_go(d)) for d in denied]
    go += plan.go

    cut1, cut2, syslog_cut = rotation_cuts(rng, window)
    log_dir = f"{host.name}/var/lib/twistlock/log"
    go_parts = [
        Part(f"{log_dir}/defender.log.2.gz", cut1),
        Part(f"{log_dir}/defender.log.1", cut2),
        Part(f"{log_dir}/defender.log", window.end + 1),
    ]
    go_ordered = ordered(go, MS, window.end)
    del go
    written = write_parts(out, go_parts, go_lines(go_ordered, go_chatter, host.lead), window.end)
    del go_ordered

    audits = syslog_audits(rng, host)
    n_audits = max(0, syslog_budget - n_violations - n_denied - planted_syslog)
    times = sample_times(rng, n_audits, window, base=0.2)
    syslog: list[Entry] = list(zip(times, audits.kinds(len(times)), strict=True))
    syslog += [(v.t + rng.randrange(MS), violation_syslog(v, host)) for v in violations]
    syslog += [(d.t + rng.randrange(MS), denied_syslog(d)) for d in denied]
    syslog += plan.syslog
    syslog_parts = [
        Part(f"{host.name}/var/log/syslog.1.gz", syslog_cut),
        Part(f"{host.name}/var/log/syslog", window.end + 1),
    ]
    lines = syslog_lines(ordered(syslog, 1, window.end), audits, host)
    written += write_parts(out, syslog_parts, lines, window.end)
    return written
