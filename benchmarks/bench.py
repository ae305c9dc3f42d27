"""Throughput of reportgen on generated snapshots: ingest, panel evaluation, HTML rendering.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/bench.py --lines 2000000 10000000

For each size it writes a sample snapshot (`reportgen sample`, cached under `--work`), then, in a
fresh process per size (so peak RSS is that size's own), reports wall time, MB/s, lines/s and peak
RSS for: DuckDB counting the raw lines (`read_csv` of one VARCHAR column, a floor for any ingest),
ingest without the cache, the same snapshot from the ingest cache, every panel of every shipped
dashboard, and rendering their HTML. The targets of issue 4 are checked at the end.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb

T = TypeVar("T")
Row = dict[str, Any]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, rows: list[Row], work: Callable[[], T]) -> T:
    started, cpu = time.perf_counter(), cpu_seconds()
    value = work()
    rows.append({
        "phase": label, "seconds": time.perf_counter() - started, "cpu": cpu_seconds() - cpu,
        "rss": peak_rss_mib(),
    })  # fmt: skip
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
    files = [
        str(path) for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != "sources.yaml"
    ]  # fmt: skip
    listing = "[" + ", ".join("'" + name.replace("'", "''") + "'" for name in files) + "]"
    query = (
        f"SELECT count(*) FROM read_csv({listing}, columns={{'line': 'VARCHAR'}}, "
        "header=false, delim=chr(1), quote='', escape='', auto_detect=false, "
        "strict_mode=false, null_padding=true)"
    )
    return int(con.execute(query).fetchone()[0])  # type: ignore[index]


def measure(snapshot: Path, dashboards: list[Path]) -> dict[str, Any]:
    """All phases on one snapshot, in this process."""
    from reportgen.build import evaluate
    from reportgen.dashboard.loader import load_dashboard
    from reportgen.render import render_html
    from reportgen.session import open_session

    os.environ["REPORTGEN_CACHE"] = tempfile.mkdtemp(prefix="reportgen-bench-cache-")
    size, lines = snapshot_size(snapshot)
    rows: list[Row] = []
    timed("duckdb raw line count", rows, lambda: raw_count(snapshot))
    session = timed("ingest (no cache)", rows, lambda: open_session([snapshot], cache=False))
    records = session.snapshot.rows
    session.close()
    timed("ingest into the cache", rows, lambda: open_session([snapshot]).close())
    session = timed("open from the cache", rows, lambda: open_session([snapshot]))
    loaded = [load_dashboard(path) for path in dashboards]
    panels: list[Row] = []
    reports = []
    for dashboard in loaded:
        report = timed(
            f"evaluate {dashboard.stem} ({len(dashboard.spec.panels)} panels)",
            rows,
            lambda dashboard=dashboard: evaluate(session, dashboard),  # type: ignore[misc]
        )
        reports.append(report)
        panels += [
            {"panel": f"{dashboard.stem}/{p.id}", "seconds": p.elapsed_ms / 1000,
             "status": "error" if p.error else "ok"}
            for p in report.panels
        ]  # fmt: skip
    timed(f"render {len(reports)} html", rows, lambda: [render_html(r) for r in reports])
    session.close()
    return {"bytes": size, "lines": lines, "records": records, "rows": rows, "panels": panels}


def report(result: dict[str, Any]) -> None:
    mb, lines = result["bytes"] / 1e6, result["lines"]
    print(f"\nsnapshot: {lines:,} lines, {mb:,.0f} MB uncompressed, {result['records']:,} records")
    print(
        f"{'phase':<44} {'wall s':>8} {'CPU s':>8} {'MB/s':>8} {'lines/s':>12} {'peak RSS MiB':>13}"
    )
    for row in result["rows"]:
        seconds = row["seconds"]
        print(
            f"{row['phase']:<44} {seconds:8.2f} {row['cpu']:8.2f} {mb / seconds:8.0f} "
            f"{lines / seconds:12,.0f} {row['rss']:13,.0f}"
        )
    by_phase = {row["phase"]: row["seconds"] for row in result["rows"]}
    raw, ingest = by_phase["duckdb raw line count"], by_phase["ingest (no cache)"]
    overview = next(s for p, s in by_phase.items() if p.startswith("evaluate twistlock-overview"))
    slowest = max(result["panels"], key=lambda row: row["seconds"])
    cpu = {row["phase"]: row["cpu"] for row in result["rows"]}
    print(
        f"ingest / raw count: {ingest / raw:.1f}x wall, "
        f"{cpu['ingest (no cache)'] / cpu['duckdb raw line count']:.1f}x CPU (target <= 3x)"
    )
    print(
        f"overview end to end (ingest + panels + html): "
        f"{ingest + overview + by_phase[next(p for p in by_phase if p.startswith('render'))]:.2f} s"
        " (target < 3 s on 2M lines)"
    )
    print(
        f"slowest panel: {slowest['panel']} {slowest['seconds']:.2f} s = "
        f"{100 * slowest['seconds'] / ingest:.0f}% of ingest (target < 10%)"
    )
    print(f"peak RSS: {max(row['rss'] for row in result['rows']):,.0f} MiB (target < 1536 on 10M)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[2_000_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportgen-bench"))
    parser.add_argument(
        "--dashboards", nargs="*", type=Path, default=sorted(Path("dashboards").glob("*.yaml"))
    )
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one, args.dashboards)))
        return
    from reportgen.sample import write_sample

    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, duckdb {duckdb.__version__}"
    )
    for count in args.lines:
        snapshot = args.work / f"sample-{count}"
        if not (snapshot / "sources.yaml").exists():
            print(f"generating {count:,} lines into {snapshot} ...", file=sys.stderr)
            write_sample(snapshot, lines=count, hosts=8, days=7, seed=1)
        command = [sys.executable, __file__, "--one", str(snapshot), "--dashboards"]
        done = subprocess.run(
            command + [str(path) for path in args.dashboards],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        report(json.loads(done.stdout.splitlines()[-1]))


if __name__ == "__main__":
    main()
