"""Throughput of reportgen on a generated snapshot: ingest, panel evaluation, HTML rendering.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/bench.py --lines 2000000

It writes a sample snapshot of about `--lines` lines (cached under `--work`), then reports wall
time, MB/s, lines/s and peak RSS per phase, next to the time DuckDB takes to merely count the raw
lines of the same files (a floor for any ingest).
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from reportgen.build import evaluate
from reportgen.render import render_html
from reportgen.sample import write_sample
from reportgen.session import open_session
from reportgen.spec.loader import load_dashboard

T = TypeVar("T")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, rows: list[tuple[str, float, float]], work: Callable[[], T]) -> T:
    started = time.perf_counter()
    value = work()
    rows.append((label, time.perf_counter() - started, peak_rss_mib()))
    return value


def snapshot_size(root: Path) -> tuple[int, int]:
    """Uncompressed bytes and lines of every log file under `root`."""
    size = lines = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name == "sources.yaml":
            continue
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        size += len(data)
        lines += data.count(b"\n")
    return size, lines


def raw_count(root: Path) -> int:
    """Lines counted by DuckDB itself: read_csv of one VARCHAR column, nothing parsed."""
    con = duckdb.connect()
    pattern = str(root / "**" / "*.log*")
    query = (
        f"SELECT count(*) FROM read_csv('{pattern}', columns={{'line': 'VARCHAR'}}, "
        "header=false, delim=chr(1), quote='', escape='', auto_detect=false, "
        "strict_mode=false, null_padding=true)"
    )
    other = str(root / "**" / "syslog*")
    remote = str(root / "**" / "remote" / "*")
    total = 0
    for glob in (pattern, other, remote):
        total += int(con.execute(query.replace(pattern, glob)).fetchone()[0])  # type: ignore[index]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportgen-bench"))
    parser.add_argument(
        "--dashboards", nargs="*", type=Path, default=sorted(Path("dashboards").glob("*.yaml"))
    )
    args = parser.parse_args()

    snapshot = args.work / f"sample-{args.lines}"
    if not (snapshot / "sources.yaml").exists():
        print(f"generating {args.lines:,} lines into {snapshot} ...", file=sys.stderr)
        write_sample(snapshot, lines=args.lines, hosts=8, days=7, seed=1)
    size, lines = snapshot_size(snapshot)
    mb = size / 1e6

    rows: list[tuple[str, float, float]] = []
    timed("duckdb raw line count", rows, lambda: raw_count(snapshot))
    session = timed("ingest", rows, lambda: open_session([snapshot]))
    dashboards = [load_dashboard(path) for path in args.dashboards]
    panels = sum(len(d.spec.panels) for d in dashboards)
    reports = timed(
        f"evaluate {panels} panels", rows, lambda: [evaluate(session, d) for d in dashboards]
    )
    timed(f"render {len(reports)} html", rows, lambda: [render_html(r) for r in reports])

    print(f"snapshot: {lines:,} lines, {mb:,.0f} MB uncompressed, {session.snapshot.rows:,} rows")
    print(f"{'phase':<26} {'wall s':>8} {'MB/s':>8} {'lines/s':>12} {'peak RSS MiB':>13}")
    for label, seconds, rss in rows:
        per_mb = mb / seconds if seconds else 0
        per_line = lines / seconds if seconds else 0
        print(f"{label:<26} {seconds:8.2f} {per_mb:8.0f} {per_line:12,.0f} {rss:13,.0f}")


if __name__ == "__main__":
    main()
