"""`validate` (and every command that loads a dashboard) reports every problem of every kind at
once, in line order; warnings are shown and `--strict` refuses them; `--var` values stay values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BROKEN = """\
title: All at once
time_range: -7days
panels:
  - id: a
    title: A
    type: single_value
    width: 14
    query: "* | count"
  - id: b
    titel: B
    type: table
    query: "* | cout by _sourcehost"
  - id: c
    title: C
    type: donut
    query: "* | sumx(_size)"
  - id: d
    title: D
    type: line
    query: "* | timeslice 1h | count by _timeslice"
    time_range: -1x
"""


def test_every_problem_of_every_kind_at_once_in_line_order(tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "all.yaml"
    board.write_text(BROKEN)
    ran = cli("validate", board)
    assert ran.code == 2
    headlines = [line for line in ran.err.splitlines() if line.startswith(str(board))]
    assert ran.err.startswith("error: 8 problems:\n")
    assert headlines == [
        f"{board}:2:13: time_range: unknown time unit 'days' in '-7days'; units are s, m, h, d, w",
        f"{board}:7:12: panels[0].width: input should be less than or equal to 12 (got 14)",
        f"{board}:9:5: missing required key 'title' in panels[1]",
        f"{board}:10:5: unknown key 'titel' in panels[1]; did you mean 'title'?",
        f"{board}:12:17: panels[1].query (b): unknown operator 'cout' at column 5; "
        "did you mean 'count'?",
        f"{board}:15:11: panels[2].type: unknown value 'donut', expected one of 'single_value', "
        "'area', 'line', 'column', 'bar', 'pie', 'table', 'messages' or 'text'",
        f"{board}:16:17: panels[2].query (c): unknown function 'sumx' at column 5",
        f"{board}:21:17: panels[3].time_range: unknown time unit 'x' in '-1x'; "
        "units are s, m, h, d, w",
    ]


def test_a_broken_list_item_keeps_the_places_of_the_others(tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "items.yaml"
    board.write_text(
        "title: Items\n"
        "panels:\n"
        "  - just a string\n"
        "  - {id: b, title: B, type: table, query: '* | cout'}\n"
        "sections:\n"
        "  - panels: []\n"
    )
    ran = cli("validate", board)
    headlines = [line for line in ran.err.splitlines() if line.startswith(str(board))]
    assert headlines == [
        f"{board}:3:5: panels[0]: input should be a valid dictionary or instance of PanelSpec "
        "(got 'just a string')",
        f"{board}:4:48: panels[1].query (b): unknown operator 'cout' at column 5; "
        "did you mean 'count'?",
        f"{board}:6:5: missing required key 'title' in sections[0]",
        f"{board}:6:13: sections[0].panels: list should have at least 1 item after validation, "
        "not 0",
    ]


def test_warnings_are_shown_and_strict_refuses_them(tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "quotes.yaml"
    board.write_text(
        "title: Quotes\npanels:\n  - id: q\n    title: Q\n    type: single_value\n"
        "    query: '“denied” | count'\n"
    )
    warning = (
        f"warning: {board}:6:12: panels[0].query (q): replaced typographic quotes with ASCII "
        'quotes: “ -> " (1x), ” -> " (1x)\n'
    )
    ran = cli("validate", board)
    assert (ran.code, ran.out, ran.err) == (0, f"ok {board}\n", warning)
    ran = cli("validate", "--strict", board)
    assert (ran.code, ran.out) == (2, "")
    assert ran.err == warning + f"error: {board}: 1 warning(s), errors in --strict mode\n"


def test_build_and_query_say_a_warning_once(
    tmp_path: Path, cli: Any, sample_snapshot: Path
) -> None:
    board = tmp_path / "quotes.yaml"
    board.write_text(
        "title: Quotes\npanels:\n  - id: q\n    title: Q\n    type: single_value\n"
        "    query: '“denied” | count'\n"
    )
    ran = cli("build", board, "--logs", sample_snapshot, "--out", tmp_path / "out")
    assert ran.code == 0, ran.err
    assert ran.err.count("replaced typographic quotes") == 1
    assert ran.err.startswith(f"warning: {board}:6:12: panels[0].query (q): replaced typographic")
    ran = cli("query", "“denied” | count", "--logs", sample_snapshot)
    assert ran.code == 0
    assert ran.err == (
        'warning: replaced typographic quotes with ASCII quotes: “ -> " (1x), ” -> " (1x)\n'
    )


def test_a_variable_value_holding_a_placeholder_is_refused(
    tmp_path: Path, cli: Any, sample_snapshot: Path
) -> None:
    board = tmp_path / "vars.yaml"
    board.write_text(
        "title: Vars\nvariables:\n  v: {default: '*'}\npanels:\n"
        "  - {id: n, title: N, type: single_value, query: '_sourcehost={{v}} | count'}\n"
    )
    ran = cli("build", board, "--logs", sample_snapshot, "--var", "v={{v}}", "--out", tmp_path)
    assert (ran.code, ran.err) == (
        2,
        f"error: {board}: the value of variable 'v' holds a placeholder '{{{{v}}}}' (--var); "
        "values go into the query as written and are not substituted again\n",
    )
    board.write_text(board.read_text().replace("{default: '*'}", "{default: '{{v}}'}"))
    ran = cli("validate", board)
    assert ran.err.splitlines() == [
        f"error: {board}:3:16: variables.v.default: a value cannot hold a placeholder; "
        "values go into the query as written and are not substituted again",
        "    v: {default: '{{v}}'}",
        "                 ^~~~~~~",
    ]
