"""The bundled sample: the zero-config input of build, query and inspect on a terminal, said on
stderr every time and marked in the summary; never a silent default in CI, publish or mail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

OVERVIEW = "dashboards/twistlock-overview.yaml"
NOTE = (
    "note: reading the bundled sample snapshot (invented Twistlock logs); "
    "pass --logs PATH to report on your own logs\n"
)
NOTE_ASKED = "note: reading the bundled sample snapshot (invented Twistlock logs)\n"


def refusal(who: str) -> str:
    return (
        f"error: no snapshot given (--logs PATH): {who} fall back to the bundled sample, "
        "whose numbers are invented; pass --logs PATH, or --logs sample to read the sample "
        "on purpose\n"
    )


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")


def test_build_and_query_default_to_the_sample_on_a_terminal(
    terminal: None, tmp_path: Path, cli: Any
) -> None:
    ran = cli("build", OVERVIEW, "--out", tmp_path)
    assert ran.code == 0, ran.err
    assert ran.err.startswith(NOTE)
    summary = json.loads((tmp_path / "twistlock-overview.json").read_text())
    assert summary["snapshot"]["bundled"] is True
    assert (tmp_path / "twistlock-overview.html").stat().st_size > 100_000
    ran = cli("query", "_sourceCategory=twistlock_logs (violation) | count", "--output", "json")
    assert ran.code == 0, ran.err
    assert ran.err == NOTE
    assert ran.json()[0]["_count"] > 100


@pytest.mark.parametrize(
    "args",
    [
        ("build", OVERVIEW, "--out", "OUT"),
        ("query", "* | count"),
        ("snapshot", "inspect"),
    ],
)
def test_ci_refuses_the_silent_default(
    ci: None, tmp_path: Path, cli: Any, args: tuple[str, ...]
) -> None:
    ran = cli(*[str(tmp_path / "out") if a == "OUT" else a for a in args])
    assert (ran.code, ran.out, ran.err) == (2, "", refusal("with CI set, commands do not"))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("ci_value", [None, "true"])
def test_publish_and_mail_never_default_to_the_sample(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Any, ci_value: str | None
) -> None:
    if ci_value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci_value)
    ran = cli("publish", OVERVIEW, "--site", tmp_path / "site", "--date", "2026-11-20")
    assert (ran.code, ran.out, ran.err) == (2, "", refusal("publish and mail do not"))
    assert not (tmp_path / "site").exists()
    ran = cli(
        "mail", OVERVIEW, "--dry-run", "--out", tmp_path / "mail", "--from", "a@example.com",
        "--to", "b@example.com",
    )  # fmt: skip
    assert (ran.code, ran.out, ran.err) == (2, "", refusal("publish and mail do not"))
    assert not (tmp_path / "mail").exists()


def test_the_sample_asked_for_works_in_ci(ci: None, tmp_path: Path, cli: Any) -> None:
    ran = cli("query", "* | count", "--logs", "sample", "--output", "json")
    assert (ran.code, ran.err) == (0, NOTE_ASKED)
    count = ran.json()[0]["_count"]
    ran = cli("query", "* | count", "--sample", "--output", "json")
    assert (ran.code, ran.err, ran.json()[0]["_count"]) == (0, NOTE_ASKED, count)
    ran = cli("snapshot", "inspect", "--sample", "--output", "json")
    assert (ran.code, ran.err, ran.json()["rows"]) == (0, NOTE_ASKED, count)
    board = tmp_path / "one.yaml"
    board.write_text(
        "title: One\npanels:\n  - {id: n, title: N, type: single_value, query: '* | count'}\n"
    )
    ran = cli("publish", board, "--sample", "--site", tmp_path / "site", "--date", "2026-11-20")
    assert (ran.code, ran.err) == (0, NOTE_ASKED), ran.err
    summary = json.loads((tmp_path / "site/one/2026-11-20/summary.json").read_text())
    assert summary["snapshot"]["bundled"] is True


def test_a_real_snapshot_is_not_marked_and_not_noted(
    ci: None, sample_snapshot: Path, tmp_path: Path, cli: Any
) -> None:
    ran = cli("build", OVERVIEW, "--logs", sample_snapshot, "--out", tmp_path)
    assert "note:" not in ran.err
    summary = json.loads((tmp_path / "twistlock-overview.json").read_text())
    assert summary["snapshot"]["bundled"] is False


def test_sample_options_do_not_mix(terminal: None, sample_snapshot: Path, cli: Any) -> None:
    ran = cli("query", "* | count", "--sample", "--logs", sample_snapshot)
    assert (ran.code, ran.err) == (
        2,
        "error: --sample cannot be combined with --logs; use one or the other\n",
    )
    ran = cli("query", "* | count", "--logs", "sample", "--logs", sample_snapshot)
    assert (ran.code, ran.err) == (
        2,
        "error: --logs sample (the bundled sample) cannot be combined with other --logs; "
        "write ./sample for a folder of that name\n",
    )
