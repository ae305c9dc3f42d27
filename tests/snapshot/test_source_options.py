"""sources.yaml `fields`, `exclude`, `multiline`, `max_line_chars`: effects and errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from reportgen.engine import run_query
from reportgen.engine.duckdb import DuckDBEngine
from reportgen.errors import SnapshotError
from reportgen.snapshot import ingest
from reportgen.snapshot.sources_check import parse_sources
from reportgen.timerange import Window

pytestmark = pytest.mark.usefixtures("file_paths")

WINDOW = Window(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC), "UTC")


def snapshot(root: Path, files: dict[str, str], sources: str) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "sources.yaml").write_text(sources)
    return root


def test_fields_are_columns_that_queries_use(tmp_path: Path) -> None:
    root = snapshot(
        tmp_path / "s",
        {
            "eks/a.log": "2024-01-02T03:04:05Z a1\n2024-01-02T03:04:06Z a2\n",
            "gke/b.log": "2024-01-02T03:04:07Z b1\n",
            "c.log": "2024-01-02T03:04:08Z c1\n",
        },
        "sources:\n"
        '  - files: "eks/*"\n'
        "    fields: {cluster: prod-eks, Team: red}\n"
        '  - files: "gke/*"\n'
        "    fields:\n"
        "      cluster: prod-gke\n",
    )
    con = duckdb.connect()
    ingest(con, [root])
    assert con.execute("SELECT _raw, cluster, team FROM logs").fetchall() == [
        ("2024-01-02T03:04:08Z c1", None, None),
        ("2024-01-02T03:04:05Z a1", "prod-eks", "red"),
        ("2024-01-02T03:04:06Z a2", "prod-eks", "red"),
        ("2024-01-02T03:04:07Z b1", "prod-gke", None),
    ]
    result = run_query(DuckDBEngine(con), "* | count by cluster | sort by cluster", WINDOW)
    assert result.names == ["cluster", "_count"]
    assert result.rows == [("prod-gke", 1), ("prod-eks", 2), (None, 1)]
    result = run_query(DuckDBEngine(con), '* | where team = "red" | count', WINDOW)
    assert result.rows == [(2,)]
    messages = run_query(DuckDBEngine(con), '* | where cluster = "prod-gke"', WINDOW)
    assert messages.names[:4] == ["_messagetime", "_raw", "cluster", "team"]


def test_exclude_globs_leave_files_out(tmp_path: Path) -> None:
    line = "2024-01-02T03:04:05Z x\n"
    root = snapshot(
        tmp_path / "s",
        {"h/app.log": line, "h/app.log.old": line, "h/debug.log": line},
        'sources:\n  - files: "h/*"\n    exclude: ["*/*.old", "h/debug*"]\n',
    )
    con = duckdb.connect()
    info = ingest(con, [root])
    assert con.execute("SELECT _sourcename FROM logs").fetchall() == [("h/app.log",)]
    assert [(f.name, f.format, f.lines) for f in info.files] == [
        ("h/app.log", "plain", 1),
        ("h/app.log.old", "excluded", 0),
        ("h/debug.log", "excluded", 0),
    ]
    assert info.problems == {}


GO_PANIC = (
    "2024-01-02T03:04:05Z starting\n"
    "panic: runtime error: invalid memory address or nil pointer dereference\n"
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4553a2]\n"
    "\n"
    "goroutine 1 [running]:\n"
    "main.(*Server).handle(0x0, {0x4b2f60, 0xc000012345})\n"
    "\t/app/server.go:42 +0x22\n"
    "main.main()\n"
    "\t/app/main.go:10 +0x1d\n"
    "exit status 2\n"
    "2024-01-02T03:04:09Z restarted\n"
    "plain words without a time\n"
)


@pytest.mark.parametrize(
    ("multiline", "expected"),
    [
        (
            None,
            [
                "2024-01-02T03:04:05Z starting",
                GO_PANIC.split("\n", 1)[1].split("2024-01-02T03:04:09Z")[0].replace("\n\n", "\n")[:-1],
                "2024-01-02T03:04:09Z restarted",
                "plain words without a time",
            ],
        ),
        (
            "header",
            [
                "2024-01-02T03:04:05Z starting\n"
                + GO_PANIC.split("\n", 1)[1].split("2024-01-02T03:04:09Z")[0].replace("\n\n", "\n")[:-1],
                "2024-01-02T03:04:09Z restarted\nplain words without a time",
            ],
        ),
        ("none", [line for line in GO_PANIC.splitlines() if line]),
        (
            "{start: '^(2024|panic)'}",
            [
                "2024-01-02T03:04:05Z starting",
                GO_PANIC.split("\n", 1)[1].split("2024-01-02T03:04:09Z")[0].replace("\n\n", "\n")[:-1],
                "2024-01-02T03:04:09Z restarted\nplain words without a time",
            ],
        ),
    ],
)  # fmt: skip
def test_multiline_rules(tmp_path: Path, multiline: str | None, expected: list[str]) -> None:
    option = "" if multiline is None else f"    multiline: {multiline}\n"
    root = snapshot(tmp_path / "s", {"app.log": GO_PANIC}, f'sources:\n  - files: "*"\n{option}')
    con = duckdb.connect()
    ingest(con, [root])
    assert [raw for (raw,) in con.execute("SELECT _raw FROM logs").fetchall()] == expected


def test_the_panic_takes_the_time_of_the_record_before(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "s", {"app.log": GO_PANIC}, "sources: []\n")
    con = duckdb.connect()
    info = ingest(con, [root])
    times = con.execute("SELECT second(_messagetime) FROM logs").fetchall()
    assert times == [(5,), (5,), (9,), (9,)]
    assert info.problems == {"bad_timestamp": 2, "blank_line": 1}


def check(text: str) -> str:
    with pytest.raises(SnapshotError) as caught:
        parse_sources(text, "s.yaml")
    return str(caught.value)


def test_option_errors_name_file_line_and_column() -> None:
    text = (
        "max_line_chars: 10\n"
        "sources:\n"
        '  - files: "*"\n'
        "    multiline: headers\n"
        "    exclude: [/abs]\n"
        "    fields: {_size: 1, 9x: a, cluster: [a], size: b}\n"
        '  - files: "b"\n'
        "    multiline: {start: '(unclosed'}\n"
        '  - files: "c"\n'
        "    multiline: {begin: x}\n"
        "    exclude: {a: b}\n"
    )
    assert check(text) == (
        "s.yaml:1:17: 'max_line_chars' must be a whole number from 80 to 268435456\n"
        "  max_line_chars: 10\n"
        "                  ^~\n"
        "s.yaml:4:16: unknown multiline mode 'headers'; did you mean 'header'?\n"
        "      multiline: headers\n"
        "                 ^~~~~~~\n"
        "s.yaml:5:15: 'exclude' globs must be relative to the snapshot root\n"
        "      exclude: [/abs]\n"
        "                ^~~~\n"
        "s.yaml:6:14: field names start with a letter and hold only letters, digits and '_'\n"
        "      fields: {_size: 1, 9x: a, cluster: [a], size: b}\n"
        "               ^~~~~\n"
        "s.yaml:6:24: field names start with a letter and hold only letters, digits and '_'\n"
        "      fields: {_size: 1, 9x: a, cluster: [a], size: b}\n"
        "                         ^~\n"
        "s.yaml:6:40: 'fields.cluster' must be a string\n"
        "      fields: {_size: 1, 9x: a, cluster: [a], size: b}\n"
        "                                         ^~~\n"
        "s.yaml:8:24: invalid regular expression (missing ): (unclosed)\n"
        "      multiline: {start: '(unclosed'}\n"
        "                         ^~~~~~~~~~~\n"
        "s.yaml:10:17: unknown key 'begin'; expected 'start'\n"
        "      multiline: {begin: x}\n"
        "                  ^~~~~\n"
        "s.yaml:11:14: 'exclude' must be a glob or a list of globs\n"
        "      exclude: {a: b}\n"
        "               ^~~~~~"
    )


def test_a_good_options_file_parses() -> None:
    sources = parse_sources(
        "max_line_chars: 4096\n"
        "sources:\n"
        '  - files: "**/*.log"\n'
        "    exclude: old/**\n"
        "    multiline: {start: '^[0-9]{4}-'}\n"
        "    fields: {Cluster: prod-eks, zone: 3}\n",
        "s.yaml",
    )
    entry = sources.entries[0]
    assert sources.max_line_chars == 4096
    assert (entry.multiline, entry.start, entry.fields) == (
        "start",
        "^[0-9]{4}-",
        (("cluster", "prod-eks"), ("zone", "3")),
    )
    assert [entry.excludes(name) for name in ("old/a/b.log", "new/b.log")] == [True, False]
