"""The figures of issue 13, each a ratio against DuckDB merely counting the same raw lines.

Run by hand (not part of the test suite; it takes a while and writes several GB under --work):

    .venv/bin/python benchmarks/bench.py --lines 2000000 10000000 --big-gb 5

For each size it writes a sample snapshot (`reportgen sample`, kept under `--work`) and then runs
everything as whole processes, the way a user does, measuring wall time, CPU time (user + system
of the process and its threads) and peak RSS of each:

- the floor: DuckDB counting the raw lines (`read_csv` of one VARCHAR column, nothing parsed),
  the best of three runs;
- `reportgen query '* | count' --no-cache` (ingest + one query);
- the first `reportgen build` of the overview dashboard with an empty cache folder, which also
  bundles the Vega runtime (once per vl-convert version);
- a cold build (ingest, cache, 8 panels, HTML) into a new cache folder that holds only that
  runtime, as every later build on the machine finds it;
- the same build again, warm (from the cache);
- `reportgen query 'Process violation | count' --range all`, warm (a keyword over every line);
- one new file of 1% of the lines added to the cached snapshot, against a full cold ingest;
- a snapshot of many small files (`--small-files`, 100 lines each, like one log per container):
  `reportgen query '* | count' --no-cache` against the raw count.

Every process compiles its modules' bytecode once into `--work`/pycache and reuses it, as an
installed tool does (`PYTHONDONTWRITEBYTECODE` would make each one compile its sources again,
about 0.1 s): one untimed build and query on a small sample come first.

With `--big-gb`, one plain file of that size and a `.gz` that decompresses to it are ingested
(`snapshot inspect --no-cache`) and every line must be counted. The load average is printed
before and after: other work on the machine inflates wall times far more than CPU times.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

REPORTGEN = [sys.executable, "-m", "reportgen"]
RAW_COUNT = """
import sys, duckdb
files = sys.argv[1:]
listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
print(con.execute(
    f"SELECT count(*) FROM read_csv({listing}, columns={{'line': 'VARCHAR'}}, header=false, "
    "delim=chr(1), quote='', escape='', auto_detect=false, strict_mode=false, "
    "null_padding=true, max_line_size=100000000)"
).fetchone()[0])
"""


@dataclass
class Run:
    """One measured process."""

    wall: float
    cpu: float
    rss_mib: float
    out: str

    def ratio(self, floor: Run) -> str:
        return f"{self.wall / floor.wall:5.2f}x wall {self.cpu / floor.cpu:5.2f}x CPU"


def run(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `command`, returning its wall and CPU time and peak RSS (from wait4)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{err.read().decode()}")
        text = out.read().decode()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def log_files(root: Path) -> list[str]:
    return sorted(
        str(path) for path in root.rglob("*") if path.is_file() and path.name != "sources.yaml"
    )


def raw_count(paths: list[str], times: int = 3) -> Run:
    """The floor: the fastest wall and the least CPU of `times` raw counts (the first also
    brings the files into the page cache, as every later measurement finds them). Taking the
    best floor makes every ratio against it the larger, never the smaller."""
    runs = [run([sys.executable, "-c", RAW_COUNT, *paths]) for _ in range(times)]
    best = min(runs, key=lambda measured: measured.cpu)
    return Run(min(measured.wall for measured in runs), best.cpu, best.rss_mib, best.out)


def environment(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["REPORTGEN_CACHE"] = str(cache)
    env.pop("CI", None)
    return env


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} CPUs"


def snapshot_figures(snapshot: Path, work: Path) -> None:
    """Every figure of the targets table on one snapshot, in one run."""
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = environment(cache)
    out = work / "out"
    floor = raw_count(log_files(snapshot))
    lines = int(floor.out)
    print(f"\n{snapshot.name}: {lines:,} lines; {load()}")
    print(f"{'raw line count (floor)':48} {floor.wall:7.2f} s {floor.cpu:7.2f} s CPU")
    nocache = run([*REPORTGEN, "query", "* | count", "--no-cache", "--logs", str(snapshot),
                   "-o", "csv"], env)  # fmt: skip
    build = [*REPORTGEN, "build", "dashboards/twistlock-overview.yaml", "--logs", str(snapshot),
             "--out", str(out)]  # fmt: skip
    # The first build with an empty cache folder also bundles the Vega runtime (once per
    # vl-convert version): measured apart, then kept for the cold build of a new ingest cache.
    first = run(build, env)
    cold_cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    for runtime in cache.glob("vega-runtime-*.js"):
        shutil.copy(runtime, cold_cache / runtime.name)
    shutil.rmtree(cache, ignore_errors=True)
    cache, env = cold_cache, environment(cold_cache)
    cold = run(build, env)
    warm = run(build, env)
    # The overview's panels may not reach every file: fill the cache with all of them first.
    run([*REPORTGEN, "query", "* | count", "--logs", str(snapshot), "-o", "csv"], env)
    keyword = run([*REPORTGEN, "query", "Process violation | count", "--range", "all",
                   "--logs", str(snapshot), "-o", "csv"], env)  # fmt: skip
    rows = [
        ("ingest + one query, no cache", nocache, "<= 3x"),
        ("first build (cold, and bundles the Vega runtime)", first, "none"),
        ("cold overview build (ingest, cache, panels, HTML)", cold, "<= 5x"),
        ("warm rebuild of the overview", warm, "<= 1.5x"),
        ("cached keyword query over all lines", keyword, "<= 1x"),
    ]
    for label, measured, target in rows:
        print(f"{label:48} {measured.wall:7.2f} s {measured.cpu:7.2f} s CPU  "
              f"{measured.ratio(floor)}  (target {target}; peak RSS "
              f"{measured.rss_mib:,.0f} MiB)")  # fmt: skip
    print(f"{'  records counted':48} {nocache.out.split()[-1]}")
    # One new file of 1% of the lines on the cached snapshot, against a full cold ingest.
    grown = work / f"{snapshot.name}-grown"
    shutil.rmtree(grown, ignore_errors=True)
    # A real copy: hard links to files outside the snapshot are refused like symbolic links.
    shutil.copytree(snapshot, grown)
    grown_cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    grown_env = environment(grown_cache)
    full = run([*REPORTGEN, "query", "* | count", "--logs", str(grown), "-o", "csv"], grown_env)
    source = next(Path(p) for p in log_files(snapshot) if p.endswith("defender.log"))
    new = grown / "new-host" / "var" / "lib" / "twistlock" / "log" / "defender.log"
    new.parent.mkdir(parents=True)
    with source.open("rb") as handle:
        wanted = max(lines // 100, 1)
        head = b"".join(line for _, line in zip(range(wanted), handle, strict=False))
    new.write_bytes(head)
    step = run([*REPORTGEN, "query", "* | count", "--logs", str(grown), "-o", "csv"], grown_env)
    counted = [int(r.out.splitlines()[-1]) for r in (full, step)]
    if counted[1] != counted[0] + wanted:
        raise SystemExit(f"the grown snapshot counted {counted}, expected {wanted} more lines")
    label = "one new 1% file on the cached snapshot"
    print(f"{label:48} {step.wall:7.2f} s {step.cpu:7.2f} s CPU  "
          f"{100 * step.wall / full.wall:4.1f}% wall {100 * step.cpu / full.cpu:4.1f}% CPU "
          f"of a full ingest ({full.wall:.2f} s, {full.cpu:.2f} s CPU; target <= 10%)")  # fmt: skip
    shutil.rmtree(grown, ignore_errors=True)
    shutil.rmtree(grown_cache, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


def small_files(work: Path, count: int) -> None:
    """`count` files of 100 lines each (a log per container), ingested without the cache."""
    root = work / f"small-{count}"
    if not root.exists():
        for index in range(count):
            path = root / f"node-{index % 20}" / f"pod-{index}.log"
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = [f"2026-11-20T10:{line % 60:02d}:00.{index:06d}Z stdout F pod {index} "
                     f"line {line} GET /api/v1/items 200" for line in range(100)]  # fmt: skip
            path.write_text("\n".join(lines) + "\n")
    floor = raw_count(log_files(root))
    env = environment(work / "no-cache")
    measured = run([*REPORTGEN, "query", "* | count", "--no-cache", "--logs", str(root),
                    "-o", "csv"], env)  # fmt: skip
    print(f"\n{count:,} files of 100 lines: {load()}")
    print(f"  raw count {floor.wall:.2f} s {floor.cpu:.2f} s CPU; ingest + one query, no cache "
          f"{measured.wall:.2f} s {measured.cpu:.2f} s CPU ({measured.ratio(floor)}); "
          f"records counted {measured.out.split()[-1]} of {int(floor.out):,}")  # fmt: skip


def big_file(work: Path, gigabytes: float, block: Path) -> None:
    """One plain file of `gigabytes` and a .gz decompressing to it, each ingested without the
    cache by `snapshot inspect` (an ingest and a query per file); every line must be counted."""
    target = int(gigabytes * 1e9)
    plain = work / "big" / "defender.log"
    packed = work / "big-gz" / "defender.log.gz"
    data = block.read_bytes()
    data = data[: data.rfind(b"\n") + 1]
    repeats = max(target // len(data), 1)
    if not plain.exists() or plain.stat().st_size != repeats * len(data):
        plain.parent.mkdir(parents=True, exist_ok=True)
        with plain.open("wb") as out:
            for _ in range(repeats):
                out.write(data)
    if not packed.exists():
        packed.parent.mkdir(parents=True, exist_ok=True)
        compressor = zlib.compressobj(1, wbits=31)
        with packed.open("wb") as out:
            for _ in range(repeats):
                out.write(compressor.compress(data))
            out.write(compressor.flush())
    env = environment(work / "no-cache")
    for path in (plain, packed):
        floor = raw_count([str(path)])
        measured = run([*REPORTGEN, "snapshot", "inspect", "--no-cache", "--logs", str(path),
                        "-o", "json"], env)  # fmt: skip
        counted = json.loads(measured.out)["files"][0]["lines"]
        print(f"{path.name} ({plain.stat().st_size / 1e9:.1f} GB of text): {load()}")
        print(f"  raw count {floor.wall:.2f} s {floor.cpu:.2f} s CPU, {int(floor.out):,} lines; "
              f"ingest + inspect {measured.wall:.2f} s {measured.cpu:.2f} s CPU "
              f"({measured.ratio(floor)}), peak RSS {measured.rss_mib:,.0f} MiB "
              f"(target < 1536); lines counted {counted:,} "
              f"({'all' if counted == int(floor.out) else 'MISSING LINES'})")  # fmt: skip


def warm_up(work: Path) -> None:
    """Compile the bytecode of every module the measured processes import (see above)."""
    from reportgen.sample import write_sample

    snapshot = work / "sample-warm-up"
    if not (snapshot / "sources.yaml").exists():
        write_sample(snapshot, lines=2000, hosts=2, days=7, seed=1)
    with tempfile.TemporaryDirectory(prefix="cache-", dir=work) as cache:
        env = environment(Path(cache))
        run([*REPORTGEN, "build", "dashboards/twistlock-overview.yaml", "--logs", str(snapshot),
             "--out", str(work / "out")], env)  # fmt: skip
        run([*REPORTGEN, "query", "* | count", "--no-cache", "--logs", str(snapshot)], env)
    raw_count(log_files(snapshot), times=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[2_000_000])
    parser.add_argument("--big-gb", type=float, default=0.0)
    parser.add_argument("--small-files", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/reportgen-bench"))
    args = parser.parse_args()
    from reportgen.sample import write_sample

    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(args.work / "pycache")
    warm_up(args.work)
    print(f"reportgen benchmark; {load()}")
    for count in args.lines:
        snapshot = args.work / f"sample-{count}"
        if not (snapshot / "sources.yaml").exists():
            print(f"generating {count:,} lines into {snapshot} ...", file=sys.stderr)
            write_sample(snapshot, lines=count, hosts=8, days=7, seed=1)
        snapshot_figures(snapshot, args.work)
    if args.small_files:
        small_files(args.work, args.small_files)
    if args.big_gb:
        first = args.work / f"sample-{args.lines[0] if args.lines else 2_000_000}"
        block = next(Path(p) for p in log_files(first) if p.endswith("defender.log"))
        big_file(args.work, args.big_gb, block)
    print(f"\ndone; {load()}")


if __name__ == "__main__":
    main()
