"""A deterministic generator of a realistic Twistlock log snapshot (`reportgen sample`).

`write_sample(out)` writes, under `out`, the local log files of several Defender hosts (Go log
lines in `defender.log*`, RFC 3164 syslog audits in `syslog*`), the Console's Go log, the
network syslog a relay received from the Console, and a `sources.yaml` describing them. The same
arguments always give byte-identical files: all randomness comes from `random.Random(seed)`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reportgen.sample.clock import Window
from reportgen.sample.console import write_console
from reportgen.sample.defender import write_defender
from reportgen.sample.hosts import make_hosts
from reportgen.sample.stories import plan_all
from reportgen.sample.timefmt import from_ns, to_ns
from reportgen.sample.writer import SOURCES_YAML, write_text

__all__ = ["SampleInfo", "write_sample"]

DEFAULT_END = datetime(2026, 11, 20, 23, 59, 0, tzinfo=UTC)
GO_SHARE = 0.55  # of a Defender host's lines, the rest is syslog
RELAY_SHARE = 0.08
CONSOLE_SHARE = 0.04


@dataclass(frozen=True)
class SampleInfo:
    """What `write_sample` wrote: the root, the log files (relative POSIX paths, sorted), the
    total number of lines and the time range of the lines; `sources` is the sources.yaml
    written beside them (not a log file)."""

    out: Path
    files: tuple[str, ...]
    lines: int
    start: datetime
    end: datetime
    sources: str = "sources.yaml"


def write_sample(
    out: Path,
    *,
    lines: int = 60_000,
    hosts: int = 4,
    days: int = 7,
    seed: int = 1,
    end: datetime = DEFAULT_END,
) -> SampleInfo:
    """Write a Twistlock log snapshot under `out` (created if missing) and describe it.

    Args:
        out: the snapshot root.
        lines: the approximate total number of lines (within about 10% from a few thousand up).
        hosts: the number of Defender hosts (at least 1).
        days: the span of the snapshot, ending at `end`.
        seed: the random seed; the same arguments give byte-identical files.
        end: the time of the end of the snapshot (timezone-aware).

    Raises:
        ValueError: on a non-positive `lines`, `hosts` or `days`, or a naive `end`.
    """
    if lines < 1 or hosts < 1 or days < 1:
        raise ValueError("lines, hosts and days must all be at least 1")
    end_ns = to_ns(end)
    start_ns = to_ns(end - timedelta(days=days))
    rng = random.Random(seed)
    window = Window.make(rng, start_ns, end_ns)
    host_list = make_hosts(rng, hosts)
    plans = plan_all(rng, window, host_list, lines)

    relay_budget = round(lines * RELAY_SHARE)
    console_budget = round(lines * CONSOLE_SHARE)
    defender_budget = lines - relay_budget - console_budget
    total_weight = sum(h.weight for h in host_list)

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, int]] = []
    for host in host_list:
        share = round(defender_budget * host.weight / total_weight)
        go_lines = round(share * GO_SHARE)
        budget = (go_lines, share - go_lines)
        written += write_defender(out, rng, window, host, plans[host.name], budget)
    written += write_console(out, rng, window, host_list, (console_budget, relay_budget))
    write_text(out, "sources.yaml", SOURCES_YAML, end_ns)

    files = sorted(path for path, _ in written)
    return SampleInfo(
        out=out,
        files=tuple(files),
        lines=sum(count for _, count in written),
        start=from_ns(start_ns),
        end=from_ns(end_ns),
    )
