"""Spark local mode against DuckDB on the same snapshot: ingest and the overview dashboard.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/spark_bench.py --lines 2000000 --master 'local[2]'

It writes the sample snapshot (`reportgen sample`, cached under `--work`, as bench.py does),
then measures in this process, DuckDB first: ingest without the cache and the overview
dashboard's panels; then Spark: starting the session, ingest, the same panels. Wall seconds, and
CPU seconds of this process plus Spark's JVM (read from /proc), so per-core throughput can be
told apart from a machine shared with other work. The panel values of both engines must agree.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).parents[1]))

from benchmarks.bench import log_files

T = TypeVar("T")
TICKS = os.sysconf("SC_CLK_TCK")


def snapshot_size(root: Path) -> tuple[int, int]:
    """The bytes (`.gz` members decompressed) and lines of a snapshot's log files."""
    size = lines = 0
    for name in log_files(root):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(name, "rb") as handle:
            while block := handle.read(1 << 20):
                size += len(block)
                lines += block.count(b"\n")
    return size, lines


def _jvm_cpu() -> float:
    """CPU seconds of this process's Java children (Spark's driver JVM in local mode)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"java" in cmdline:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + _jvm_cpu()


def timed(label: str, rows: list[dict[str, Any]], work: Callable[[], T]) -> T:
    started, cpu = time.perf_counter(), _cpu()
    value = work()
    rows.append({"phase": label, "seconds": time.perf_counter() - started, "cpu": _cpu() - cpu})
    print(f"{label}: {rows[-1]['seconds']:.1f} s wall, {rows[-1]['cpu']:.1f} s CPU", flush=True)
    return value


def values(report: Any) -> list[Any]:
    return [(p.id, p.error, p.result.rows if p.result else None) for p in report.panels]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportgen-bench"))
    parser.add_argument("--conf", action="append", default=["spark.driver.memory=6g"])
    args = parser.parse_args()

    from reportgen.build import evaluate
    from reportgen.dashboard.loader import load_dashboard
    from reportgen.engine.options import EngineChoice, SparkOptions, parse_spark_conf
    from reportgen.sample import write_sample
    from reportgen.session import open_session

    snapshot = args.work / f"sample-{args.lines}"
    if not (snapshot / "sources.yaml").exists():
        print(f"generating {args.lines:,} lines into {snapshot} ...", file=sys.stderr)
        write_sample(snapshot, lines=args.lines, hosts=8, days=7, seed=1)
    size, lines = snapshot_size(snapshot)
    dashboard = load_dashboard(Path("dashboards/twistlock-overview.yaml"))
    rows: list[dict[str, Any]] = []
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load {load:.1f}; {lines:,} lines, {size / 1e6:,.0f} MB")

    duck = timed("duckdb: ingest (no cache)", rows, lambda: open_session([snapshot], cache=False))
    expected = timed("duckdb: overview panels", rows, lambda: evaluate(duck, dashboard))
    duck.close()
    spark = EngineChoice("spark", SparkOptions(args.master, None, parse_spark_conf(args.conf)))
    from reportgen.engine.spark.session import start_session

    timed("spark: start the session", rows, lambda: start_session(spark.spark))
    session = timed(
        "spark: ingest", rows, lambda: open_session([snapshot], cache=False, engine=spark)
    )
    got = timed("spark: overview panels", rows, lambda: evaluate(session, dashboard))
    session.close()
    same = values(got) == values(expected)
    print(json.dumps({"lines": lines, "bytes": size, "rows": rows, "same_values": same}))
    by = {row["phase"]: row for row in rows}
    for engine in ("duckdb", "spark"):
        ingest = by[f"{engine}: ingest" + (" (no cache)" if engine == "duckdb" else "")]
        print(
            f"{engine}: ingest {size / 1e6 / ingest['seconds']:.1f} MB/s wall, "
            f"{size / 1e6 / ingest['cpu']:.1f} MB per CPU-second"
        )


if __name__ == "__main__":
    main()
