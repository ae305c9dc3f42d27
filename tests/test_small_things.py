"""Smaller findings of issue 11: query output with --tz, `sample`'s count, empty kv keys, Java
regexes with an escaped parenthesis, and docs that stand alone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    (root / "app.log").write_text(
        "2026-03-29T00:30:00Z web-1 app[1]: text <b>bold</b> end\n"
        "2026-03-29T01:30:00Z web-1 app[1]: text (<b>paren</b> end\n"
    )
    return root


def test_query_table_times_carry_their_offset(tiny: Path, cli: Any) -> None:
    # Paris leaves winter time at 02:00 local on 2026-03-29: the offsets differ.
    query = "* | timeslice 1h | count by _timeslice | sort by _timeslice asc"
    ran = cli("query", query, "--logs", tiny, "--tz", "Europe/Paris")
    assert ran.out.splitlines() == [
        "_timeslice                  _count",
        "--------------------------  ------",
        "2026-03-29 01:00:00 +01:00       1",
        "2026-03-29 03:00:00 +02:00       1",
        "(2 rows)",
    ]
    ran = cli("query", query, "--logs", tiny)
    assert ran.out.splitlines()[2] == "2026-03-29 00:00:00       1"


def test_sample_counts_log_files_only(tmp_path: Path, cli: Any) -> None:
    ran = cli("sample", "--out", tmp_path / "s", "--lines", "1000", "--hosts", "1", "--days", "1")
    assert ran.code == 0, ran.err
    logs = [p for p in (tmp_path / "s").rglob("*") if p.is_file() and p.name != "sources.yaml"]
    found = re.fullmatch(
        r"wrote (\d+) log files, \d+ lines \(.*\), and sources.yaml, to .*\n", ran.out
    )
    assert found is not None, ran.out
    assert int(found.group(1)) == len(logs)


@pytest.mark.parametrize(
    ("query", "caret"),
    [
        ('* | kv ""', "         ^~"),
        ('* | kv "user", ""', "                 ^~"),
        ('* | kv auto keys "a", ""', "                        ^~"),
    ],
)
def test_an_empty_kv_key_is_a_query_error(tiny: Path, cli: Any, query: str, caret: str) -> None:
    ran = cli("query", query, "--logs", tiny)
    column = caret.index("^") - 1  # 1-based in the query, under a two-space indent
    assert (ran.code, ran.err.splitlines()) == (
        2,
        [f'error: a key cannot be empty at column {column}; e.g. kv "user"', f"  {query}", caret],
    )


def test_an_escaped_parenthesis_is_not_a_named_group(tiny: Path, cli: Any) -> None:
    # Java: an optional literal "(" then "<b>"; not a group named b.
    ran = cli("query", r'* | parse regex "\(?<b>(?<word>\w+)" | count by word | sort by word asc',
              "--logs", tiny, "--output", "json")  # fmt: skip
    assert (ran.code, ran.json()) == (
        0,
        [{"word": "bold", "_count": 1}, {"word": "paren", "_count": 1}],
    )


def test_the_docs_stand_alone() -> None:
    for page in [Path("README.md"), *sorted(Path("docs").glob("*.md"))]:
        assert "../shared" not in page.read_text(encoding="utf-8"), page


def test_span_lines_and_columns() -> None:
    from reportgen.errors import Span

    text = "a\nbc\n\ndef\n"
    for start in range(len(text) + 1):
        span = Span.at(text, start)
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        assert (span.line, span.col) == (line, col), start
