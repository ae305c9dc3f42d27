"""Hostile YAML: alias bombs, self-referencing aliases and deep nesting are refused with
file:line:col in every file we read (dashboards, sources.yaml, site.yaml, theme.yaml), and
syntax errors point at the mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import RenderError, SnapshotError, SpecError
from reportgen.publish.siteconfig import load_site_config
from reportgen.render.theme import load_theme
from reportgen.snapshot.sources_check import load_sources

BOMB_LINES = [
    "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    *(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)),
]
BOMB_REFUSAL = (
    "invalid YAML: the document expands to more than 100,000 nodes through its aliases "
    "(&anchor / *alias)"
)
CYCLE_REFUSAL = (
    "invalid YAML: alias '*a' is used inside the node it names: it would repeat itself without end"
)


def bomb(first: str, last: str) -> str:
    """A nine-way alias bomb of a few hundred bytes (9^9 nodes once expanded)."""
    return "\n".join([first, *BOMB_LINES, last]) + "\n"


def test_a_dashboard_alias_bomb_is_refused_at_once(tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "bomb.yaml"
    board.write_text(bomb("title: x", "panels: *a8"))
    assert board.stat().st_size < 600
    for command in (("validate", board), ("build", board, "--logs", tmp_path)):
        ran = cli(*command)
        assert ran.code == 2
        assert ran.err.splitlines() == [
            f"error: {board}:7:10: {BOMB_REFUSAL}",
            "  a5: &a5 [*a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4, *a4]",
            "           ^",
        ]


def test_a_self_referencing_alias_is_refused(tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "cycle.yaml"
    board.write_text("title: &a [*a]\npanels: []\n")
    ran = cli("validate", board)
    assert (ran.code, ran.err.splitlines()) == (
        2,
        [f"error: {board}:1:12: {CYCLE_REFUSAL}", "  title: &a [*a]", "             ^"],
    )


def test_deep_nesting_is_refused(tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "deep.yaml"
    board.write_text("title: x\npanels: " + "[" * 5000 + "]" * 5000 + "\n")
    ran = cli("validate", board)
    assert ran.code == 2
    assert ran.err.splitlines()[0] == (
        f"error: {board}:2:108: invalid YAML: nested more than 100 levels deep"
    )
    snippet, caret = ran.err.splitlines()[1:]
    assert snippet == "  …" + "[" * 200 + "…"  # a long line is cut around the place
    assert caret == "  " + " " * 51 + "^"


def test_sources_site_and_theme_files_are_bounded_too(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(bomb("max_line_chars: 2000", "sources: *a8"))
    with pytest.raises(SnapshotError) as caught:
        load_sources(sources)
    assert caught.value.headline() == f"{sources}:7:10: {BOMB_REFUSAL}"
    site = tmp_path / "site.yaml"
    site.write_text("teams: &a [*a]\n")
    with pytest.raises(SpecError) as caught_site:
        load_site_config(site)
    assert caught_site.value.headline() == f"{site}:1:12: {CYCLE_REFUSAL}"
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "theme.yaml").write_text(bomb("name: bomb", "colors: *a8"))
    with pytest.raises(RenderError) as caught_theme:
        load_theme(theme)
    assert caught_theme.value.headline() == f"{theme / 'theme.yaml'}:7:10: {BOMB_REFUSAL}"


def test_aliases_within_the_bound_still_work(tmp_path: Path, cli: Any) -> None:
    board = tmp_path / "anchors.yaml"
    board.write_text(
        "title: Anchors\n"
        "panels:\n"
        "  - {id: a, title: A, type: single_value, query: '* | count', bands: &b [{color: red}]}\n"
        "  - {id: b, title: B, type: single_value, query: '* | count', bands: *b}\n"
    )
    ran = cli("validate", board)
    assert (ran.code, ran.out) == (0, f"ok {board}\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: x\npanels:\n  - id: a\n    title\n    type: text\n",
            [
                "{f}:4:5: invalid YAML: could not find expected ':' (while scanning a simple key)",
                "      title",
                "      ^",
            ],
        ),
        (
            'title: x\npanels:\n  - id: a\n    title: "unclosed\n    type: text\n',
            [
                "{f}:4:12: invalid YAML: this quoted string is not closed",
                '      title: "unclosed',
                "             ^",
            ],
        ),
        (
            "title: x\npanels:\n  - {id: a, title: b\n  - id: c\n",
            [
                "{f}:3:5: invalid YAML: expected ',' or '}}', but got ':' (while parsing a flow mapping)",
                "    - {{id: a, title: b",
                "      ^",
            ],
        ),
        (
            "title: x\npanels:\n  - id: a\n\ttitle: b\n",
            [
                "{f}:4:1: invalid YAML: found character '\\t' that cannot start any token (while "
                "scanning for the next token); indent with spaces: YAML does not allow tabs there",
                "  \ttitle: b",
                "  ^",
            ],
        ),
    ],
)
def test_syntax_errors_point_at_the_mistake(
    tmp_path: Path, cli: Any, text: str, expected: list[str]
) -> None:
    board = tmp_path / "bad.yaml"
    board.write_text(text)
    ran = cli("validate", board)
    assert ran.code == 2
    lines = ran.err.removeprefix("error: ").splitlines()
    assert lines == [line.format(f=board) for line in expected]


def test_a_utf16_or_control_character_file_is_an_error_not_a_crash(
    tmp_path: Path, cli: Any
) -> None:
    board = tmp_path / "u16.yaml"
    board.write_bytes("title: x\npanels: []\n".encode("utf-16"))
    ran = cli("validate", board)
    assert (ran.code, ran.err) == (
        2,
        f"error: {board}:1:4: invalid YAML: character #x0000 is not allowed; "
        "save the file as UTF-8 (this looks like UTF-16)\n",
    )
    board.write_text('title: "a\x01b"\npanels: []\n')
    ran = cli("validate", board)
    assert (ran.code, ran.err) == (
        2,
        f"error: {board}:1:10: invalid YAML: character #x0001 is not allowed\n",
    )
