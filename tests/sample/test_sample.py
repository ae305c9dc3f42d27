"""Tests of the deterministic Twistlock sample generator (`reportgen.sample`)."""

from __future__ import annotations

import gzip
import itertools
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from reportgen.sample import SampleInfo, write_sample
from reportgen.sample.hosts import host_names

END = datetime(2026, 11, 20, 23, 59, 0, tzinfo=UTC)
CTO = "cto-stable-ubuntu.c.cto-sandbox.internal"
HOSTS = ("prod-web-1", "prod-db-2", "stage-1", CTO)

GO_LINE = re.compile(
    r"^ ?(DEBU|INFO|WARN|ERRO) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) [a-z_]+\.go:\d+ {1,2}\S"
)
PAIRS = r'type="\w+"(?: \w+="(?:[^"\\]|\\.)*")*$'
STAMP = r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)"
SYSLOG_LINE = re.compile(
    r"^((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\d \d\d:\d\d:\d\d) (\S+) "
    rf'Twistlock-Defender\[\d+\]: time="{STAMP}" {PAIRS}'
)
RELAY_LINE = re.compile(
    r"^<142>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) twistlock-console-5f6d Twistlock-Console\[1\]: "
    rf'time="{STAMP}" {PAIRS}'
)
VIOLATION_PARSE = re.compile(r"\.go:(.*?) (.*?) violation ", re.S)  # dashboard query S5
DENIED_PARSE = re.compile(r"The command (.*?) (.*?) for user (.*?) by rule (.*?)'", re.S)  # S4


def tokens(line: str) -> set[str]:
    """Sumo-style keyword tokens (runs of letters, digits and `_`), lower-cased."""
    return {t.lower() for t in re.findall(r"\w+", line)}


def read_all(root: Path) -> dict[str, list[str]]:
    """Every log file of a snapshot: relative path -> its lines."""
    out: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel != "sources.yaml":
            data = gzip.decompress(path.read_bytes()) if rel.endswith(".gz") else path.read_bytes()
            out[rel] = data.decode("utf-8").splitlines()
    return out


def epoch_ns(stamp: str) -> int:
    """Epoch ns of `2026-11-20T10:00:01.123` (UTC, no zone) or an RFC 3339 `...Z` time."""
    stamp = stamp.removesuffix("Z")
    whole, _, frac = stamp.partition(".")
    base = datetime.fromisoformat(whole).replace(tzinfo=UTC)
    return int(base.timestamp()) * 10**9 + int((frac or "0").ljust(9, "0"))


def line_time(rel: str, line: str) -> int:
    """The time of a line, checking its shape against the file's format."""
    if "/var/lib/twistlock/log/" in rel:
        m = GO_LINE.match(line)
        assert m, f"{rel}: not a Go log line: {line!r}"
        return epoch_ns(m.group(2))
    if rel.startswith("syslog-relay/"):
        m = RELAY_LINE.match(line)
        assert m, f"{rel}: not a relay line: {line!r}"
        assert m.group(2).startswith(m.group(1).removesuffix("Z"))
        return epoch_ns(m.group(2))
    m = SYSLOG_LINE.match(line)
    assert m, f"{rel}: not an RFC 3164 line: {line!r}"
    assert m.group(2) == rel.split("/")[0]
    t = epoch_ns(m.group(3))
    when = datetime.fromtimestamp(t // 10**9, UTC)
    assert m.group(1) == f"{when:%b} {when.day:2d} {when:%H:%M:%S}"
    return t


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[SampleInfo, dict[str, list[str]]]:
    info = write_sample(tmp_path_factory.mktemp("a") / "snap", lines=5000, seed=7)
    return info, read_all(info.out)


def go_lines(files: dict[str, list[str]], host: str | None = None) -> list[str]:
    return [
        line
        for rel, lines in files.items()
        if "/var/lib/twistlock/log/defender.log" in rel and (host is None or rel.startswith(host))
        for line in lines
    ]


def test_layout_and_sources(sample: tuple[SampleInfo, dict[str, list[str]]]) -> None:
    info, files = sample
    expected = {"syslog-relay/var/log/remote/twistlock.log"}
    expected |= {f"twistlock-console/var/lib/twistlock/log/console.log{s}" for s in ("", ".1.gz")}
    for host in HOSTS:
        logs = f"{host}/var/lib/twistlock/log/defender.log"
        expected |= {logs, f"{logs}.1", f"{logs}.2.gz", f"{host}/var/log/syslog"}
        expected.add(f"{host}/var/log/syslog.1.gz")
    assert set(info.files) == expected
    assert list(info.files) == sorted(info.files)
    assert all(files[rel] for rel in info.files)
    assert info.sources == "sources.yaml" and (info.out / info.sources).is_file()
    assert not list(info.out.rglob("*.tmp"))
    assert (info.start, info.end) == (END - timedelta(days=7), END)
    assert info.lines == sum(len(lines) for lines in files.values())
    sources = yaml.safe_load((info.out / "sources.yaml").read_text())
    assert sources == {
        "sources": [
            {"files": "*/var/lib/twistlock/log/*.log*", "category": "twistlock_logs",
             "collector": "twistlock_logs", "timezone": "UTC"},
            {"files": "*/var/log/syslog*", "category": "prod/twistlock",
             "collector": "twistlock_syslog", "timezone": "UTC"},
            {"files": "syslog-relay/var/log/remote/*", "category": "prod/twistlock",
             "collector": "twistlock_syslog", "timezone": "UTC"},
        ]
    }  # fmt: skip


def test_line_shapes_order_window_and_mtimes(
    sample: tuple[SampleInfo, dict[str, list[str]]],
) -> None:
    info, files = sample
    start, end = (int(d.timestamp()) * 10**9 for d in (info.start, info.end))
    ranges: dict[str, tuple[int, int]] = {}
    for rel, lines in files.items():
        times = [line_time(rel, line) for line in lines]
        assert all(a < b for a, b in itertools.pairwise(times)), rel
        assert start <= times[0] and times[-1] <= end, rel
        ranges[rel] = times[0], times[-1]
        mtime = (info.out / rel).stat().st_mtime_ns
        assert mtime == -(-times[-1] // 10**9) * 10**9, rel
    for host in HOSTS:  # rotations hold older lines than the files they precede
        log = f"{host}/var/lib/twistlock/log/defender.log"
        assert ranges[f"{log}.2.gz"][1] < ranges[f"{log}.1"][0]
        assert ranges[f"{log}.1"][1] < ranges[log][0]
        assert ranges[f"{host}/var/log/syslog.1.gz"][1] < ranges[f"{host}/var/log/syslog"][0]


def test_deterministic_and_seeded(tmp_path: Path) -> None:
    a = write_sample(tmp_path / "a", lines=3000, seed=5)
    b = write_sample(tmp_path / "b", lines=3000, seed=5)
    c = write_sample(tmp_path / "c", lines=3000, seed=6)
    assert a.files == b.files and a.lines == b.lines
    for rel in a.files:
        assert (a.out / rel).read_bytes() == (b.out / rel).read_bytes(), rel
        assert (a.out / rel).stat().st_mtime_ns == (b.out / rel).stat().st_mtime_ns, rel
    differ = [rel for rel in a.files if (a.out / rel).read_bytes() != (c.out / rel).read_bytes()]
    assert len(differ) > len(a.files) // 2
    gz = (a.out / "prod-web-1/var/lib/twistlock/log/defender.log.2.gz").read_bytes()
    assert gz[:3] == b"\x1f\x8b\x08" and gz[3] & 0x08 == 0  # no file name in the header
    assert gz[4:8] == b"\0\0\0\0"  # mtime 0
    again = write_sample(tmp_path / "a", lines=3000, seed=5)  # overwriting is fine
    assert again.files == a.files


def test_violation_kinds_and_parse(sample: tuple[SampleInfo, dict[str, list[str]]]) -> None:
    _, files = sample
    kinds: Counter[str] = Counter()
    for line in go_lines(files):
        if "violation" in tokens(line):
            m = VIOLATION_PARSE.search(line)
            assert m and m.group(1).isdigit(), line
            kinds[m.group(2)] += 1
    assert set(kinds) == {"Process", "Network", "Filesystem"}
    assert kinds["Process"] > kinds["Network"] > kinds["Filesystem"] > 0
    console = [ln for rel, lns in files.items() if rel.startswith("twistlock-") for ln in lns]
    assert not [line for line in console if "violation" in tokens(line)]


def test_denied_commands(sample: tuple[SampleInfo, dict[str, list[str]]]) -> None:
    _, files = sample
    denied = [line for line in go_lines(files) if "denied" in tokens(line)]
    users = Counter(m.group(3) for line in denied if (m := DENIED_PARSE.search(line)))
    assert {"alice", "bob", "Carol", "dave", "Eve", "svc-ci"} <= set(users)
    assert users.most_common(1)[0][0] == "alice"
    assert any("by rule 'no-exec'" in line for line in denied)
    assert any(line.endswith("for user admin by rule Deny") for line in denied)
    assert any("is explicitly denied by a runtime rule" in line for line in denied)
    assert any("pull access denied" in line for line in denied)


def test_nc_token_lines_on_cto_host(sample: tuple[SampleInfo, dict[str, list[str]]]) -> None:
    _, files = sample
    cto = go_lines(files, CTO)
    s1 = [line for line in cto if {"process", "violation", "nc"} <= tokens(line)]
    assert len(s1) >= 10
    near = [ln for ln in cto if "Process violation" in ln and "nc" in ln and "nc" not in tokens(ln)]
    commands = {line.rsplit("Full command: ", 1)[-1].split()[0] for line in near}
    assert {"sync", "ncat", "nc2", "rsync"} <= commands


def test_hostile_and_rare_events(sample: tuple[SampleInfo, dict[str, list[str]]]) -> None:
    _, files = sample
    every = [line for lines in files.values() for line in lines]
    hostile = [line for line in every if "<script>" in line]
    assert len(hostile) == 1
    assert (
        'msg="Detected XSS attack in query string: \\"<script>alert(\'x\')</script>\\" '
        'onerror=\\"alert(1)\\"" log_type="xss"'
    ) in hostile[0]
    assert hostile[0].startswith("Nov ") and " prod-web-1 Twistlock-Defender[" in hostile[0]
    go = go_lines(files)
    assert len([line for line in go if "is identified as a crypto miner" in line]) == 1
    assert len([line for line in go if "is a reverse shell ." in line]) == 1
    categories = {
        m.group(1) for m in (re.search(r'incident_category="(\w+)"', ln) for ln in every) if m
    }
    assert {"cryptoMiner", "reverseShell"} <= categories
    relay = files["syslog-relay/var/log/remote/twistlock.log"]
    needles = (
        'type="scan_summary"', 'log_type="vulnerability"', 'log_type="containerCompliance"',
        'status="failed login attempt"', 'log_type="rule"', 'severity="critical"',
        'vendor_status="deferred"', 'vendor_status="fixed in',
    )  # fmt: skip
    for needle in needles:
        assert any(needle in line for line in relay), needle


def test_daily_curve_and_noisy_host(sample: tuple[SampleInfo, dict[str, list[str]]]) -> None:
    _, files = sample
    per_hour: Counter[int] = Counter()
    per_host: Counter[str] = Counter()
    for rel, lines in files.items():
        per_host[rel.split("/")[0]] += len(lines)
        for line in lines:
            per_hour[datetime.fromtimestamp(line_time(rel, line) // 10**9, UTC).hour] += 1
    night = sum(per_hour[h] for h in range(0, 5)) / 5
    office = sum(per_hour[h] for h in range(10, 16)) / 6
    assert night * 2 < office
    assert all(per_host["prod-web-1"] > 2.5 * per_host[h] for h in HOSTS[1:])


@pytest.mark.parametrize("lines", [2500, 12000])
def test_lines_respected(tmp_path: Path, lines: int) -> None:
    info = write_sample(tmp_path, lines=lines, seed=lines)
    assert abs(info.lines - lines) <= lines * 0.1
    assert info.lines == sum(len(v) for v in read_all(tmp_path).values())


def test_defaults_last_day_violations(tmp_path: Path) -> None:
    info = write_sample(tmp_path)
    assert abs(info.lines - 60_000) <= 6000
    cut = int((END - timedelta(hours=24)).timestamp()) * 10**9
    recent = [
        line
        for line in go_lines(read_all(tmp_path))
        if "violation" in tokens(line) and line_time("x/var/lib/twistlock/log/", line) >= cut
    ]
    assert 30 <= len(recent) <= 400


def test_hosts_and_arguments(tmp_path: Path) -> None:
    assert host_names(6)[3:] == [CTO, "prod-web-3", "prod-web-4"]
    one = write_sample(tmp_path / "one", lines=1500, hosts=1, days=1)
    assert {rel.split("/")[0] for rel in one.files} == {
        "prod-web-1", "syslog-relay", "twistlock-console",
    }  # fmt: skip
    assert one.start == END - timedelta(days=1)
    for lines, hosts, days in ((0, 4, 7), (100, 0, 7), (100, 4, 0)):
        with pytest.raises(ValueError):
            write_sample(tmp_path / "bad", lines=lines, hosts=hosts, days=days)
    with pytest.raises(ValueError):
        write_sample(tmp_path / "bad", end=datetime(2026, 1, 1))
