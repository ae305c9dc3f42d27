"""sources.yaml: globs, first match wins, defaults, and errors that point at file:line:col."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from reportgen.errors import SnapshotError
from reportgen.snapshot import ingest
from reportgen.snapshot.sources import glob_to_regex
from reportgen.snapshot.sources_check import load_sources, parse_sources

pytestmark = pytest.mark.usefixtures("file_paths")

LINE = "2024-01-02T03:04:05Z {}\n"


def snapshot(root: Path, *names: str) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LINE.format(name))
    return root


@pytest.mark.parametrize(
    ("glob", "name", "matches"),
    [
        ("*/var/log/*.log*", "web-1/var/log/app.log.1.gz", True),
        ("*/var/log/*.log*", "web-1/var/log/sub/app.log", False),
        ("*/var/log/*.log*", "a/b/var/log/app.log", False),
        ("**/*.log", "app.log", True),
        ("**/*.log", "a/b/c/app.log", True),
        ("twistlock/**/*.log*", "twistlock/x/y/defender.log.2.gz", True),
        ("twistlock/**", "twistlock/a/b", True),
        ("*.log", "a/app.log", False),
        ("app.lo?", "app.log", True),
        ("app.lo?", "app/log", False),
        ("host-[12]/*", "host-1/x", True),
        ("host-[!12]/*", "host-3/x", True),
        ("host-[!12]/*", "host-1/x", False),
        ("a.b", "axb", False),
    ],
)
def test_glob(glob: str, name: str, matches: bool) -> None:
    import re

    assert bool(re.match(glob_to_regex(glob), name)) is matches


def test_first_match_wins_and_defaults(tmp_path: Path) -> None:
    root = snapshot(
        tmp_path / "snap",
        "web-1/var/lib/twistlock/log/defender.log",
        "web-1/var/log/syslog",
        "db-2/var/log/messages",
    )
    (root / "sources.yaml").write_text(
        "sources:\n"
        '  - files: "*/var/lib/twistlock/log/*.log*"\n'
        "    category: twistlock_logs\n"
        "    host: override-host\n"
        "    collector: twistlock_logs\n"
        "    name: twistlock\n"
        '  - files: "**"\n'
        "    category: everything-else\n"
        '  - files: "web-1/var/log/syslog"\n'
        "    category: never-reached\n"
    )
    con = duckdb.connect()
    ingest(con, [root])
    query = "SELECT _sourcename, _sourcecategory, _sourcehost, _source, _collector FROM logs"
    assert con.execute(query).fetchall() == [
        ("db-2/var/log/messages", "everything-else", "db-2", "messages", None),
        ("web-1/var/lib/twistlock/log/defender.log", "twistlock_logs", "override-host",
         "twistlock", "twistlock_logs"),
        ("web-1/var/log/syslog", "everything-else", "web-1", "syslog", None),
    ]  # fmt: skip


def test_explicit_sources_file_replaces_the_roots_own(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "snap", "web-1/app.log")
    (root / "sources.yaml").write_text('sources:\n  - files: "**"\n    category: own\n')
    other = tmp_path / "other.yaml"
    other.write_text('sources:\n  - files: "web-1/*"\n    category: explicit\n')
    con = duckdb.connect()
    info = ingest(con, [root], sources=other)
    assert con.execute("SELECT _sourcecategory FROM logs").fetchall() == [("explicit",)]
    assert [f.name for f in info.files] == ["web-1/app.log"]


def test_empty_or_null_sources(tmp_path: Path) -> None:
    assert parse_sources("", "s.yaml").entries == ()
    assert parse_sources("sources:\n", "s.yaml").entries == ()
    (tmp_path / "sources.yaml").write_text("# nothing yet\n")
    assert load_sources(tmp_path / "sources.yaml").entries == ()


def check_error(text: str, expected: str) -> None:
    with pytest.raises(SnapshotError) as caught:
        parse_sources(text, "snap/sources.yaml")
    assert str(caught.value) == expected


def test_unknown_key_with_suggestion() -> None:
    check_error(
        'sources:\n  - files: "*"\n    hots: x\n',
        "snap/sources.yaml:3:5: unknown key 'hots'; did you mean 'host'?\n"
        "      hots: x\n"
        "      ^~~~",
    )


def test_all_problems_are_listed_at_once() -> None:
    text = (
        "sources:\n"
        '  - files: "*/var/log/*"\n'
        "    categroy: x\n"
        "    format: golg\n"
        "    timezone: Europe/Pari\n"
        "  - category: y\n"
        "  - files: [a]\n"
    )
    check_error(
        text,
        "snap/sources.yaml:3:5: unknown key 'categroy'; did you mean 'category'?\n"
        "      categroy: x\n"
        "      ^~~~~~~~\n"
        "snap/sources.yaml:4:13: unknown format 'golg'; did you mean 'golog'?\n"
        "      format: golg\n"
        "              ^~~~\n"
        "snap/sources.yaml:5:15: unknown time zone 'Europe/Pari'; did you mean 'Europe/Paris'?\n"
        "      timezone: Europe/Pari\n"
        "                ^~~~~~~~~~~\n"
        "snap/sources.yaml:6:5: missing key 'files'\n"
        "    - category: y\n"
        "      ^~~~~~~~~~~\n"
        "snap/sources.yaml:7:12: 'files' must be a string\n"
        "    - files: [a]\n"
        "             ^~~",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("srcs: []\n", "snap/sources.yaml:1:1: unknown key 'srcs'; did you mean 'sources'?"),
        ("sources: {a: 1}\n", "snap/sources.yaml:1:10: 'sources' must be a list of entries"),
        ("- files: x\n", "snap/sources.yaml:1:1: expected a mapping with a 'sources' list"),
        ("sources:\n  - x\n", "snap/sources.yaml:2:5: each source must be a mapping with at "
         "least 'files'"),
        ('sources:\n  - files: "*"\n    files: "b"\n', "snap/sources.yaml:3:5: duplicate key "
         "'files'"),
        ('sources:\n  - files: "/abs/*"\n', "snap/sources.yaml:2:12: 'files' must be a glob "
         "relative to the snapshot root"),
        ('sources:\n  - files: "*"\n    host:\n', "snap/sources.yaml:3:10: 'host' must be a "
         "string"),
        ("sources:\n  - files: a\n  bad: [\n", "snap/sources.yaml:3:3: invalid YAML: expected "
         "<block end>, but found '?' (while parsing a block collection)"),
    ],
)  # fmt: skip
def test_errors_name_file_line_and_column(text: str, expected: str) -> None:
    with pytest.raises(SnapshotError) as caught:
        parse_sources(text, "snap/sources.yaml")
    assert caught.value.headline() == expected


def test_invalid_sources_in_a_root_stops_the_ingest(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "snap", "a.log")
    (root / "sources.yaml").write_text('sources:\n  - files: "*"\n    format: syslog\n')
    with pytest.raises(SnapshotError) as caught:
        ingest(duckdb.connect(), [root])
    assert caught.value.headline() == (
        f"{root / 'sources.yaml'}:3:13: unknown format 'syslog'; did you mean 'go-syslog'?"
    )
