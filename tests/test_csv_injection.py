"""CSV formula injection (OWASP): log text that a spreadsheet would run as a formula is
neutralised in every CSV we write (site, inline download, mail attachment, `query -o csv`),
while numbers stay numbers."""

from __future__ import annotations

import csv
import email
import io
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

USERS = ["=cmd|'/C calc'!A0", "+SUM(1,2)", "-2+3", "@HYPERLINK(x)", "\tTAB", "-5", "1e3", "alice"]
SAFE = [
    "'=cmd|'/C calc'!A0",
    "'+SUM(1,2)",
    "'-2+3",
    "'@HYPERLINK(x)",
    "'\tTAB",
    "-5",
    "1e3",
    "alice",
]
QUERY = '* | parse "user=[*]" as user | count by user | sort by user asc'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "web-1").mkdir()
    lines = [
        f"2026-11-20T10:00:{i:02d}Z web-1 app[1]: login user=[{user}] ok\n"
        for i, user in enumerate(USERS)
    ]
    (root / "web-1" / "app.log").write_text("".join(lines))
    return root


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def expected() -> list[list[str]]:
    pairs = sorted(zip(USERS, SAFE, strict=True))
    return [["user", "_count"], *[[safe, "1"] for _, safe in pairs]]


def board(tmp_path: Path) -> Path:
    path = tmp_path / "users.yaml"
    path.write_text(
        "title: Users\npanels:\n"
        f"  - id: users\n    title: Users\n    type: table\n    query: '{QUERY}'\n"
    )
    return path


def test_query_csv(hostile: Path, cli: Any) -> None:
    ran = cli("query", QUERY, "--logs", hostile, "--output", "csv")
    assert ran.code == 0, ran.err
    assert rows_of(ran.out) == expected()
    pivot = (
        '* | parse "user=[*]" as user | timeslice 1h | count by _timeslice, user '
        "| transpose row _timeslice column user"
    )
    ran = cli("query", pivot, "--logs", hostile, "--output", "csv")
    header = rows_of(ran.out)[0]  # column names that come from the data
    assert sorted(header) == sorted(["_timeslice", *SAFE])


def test_site_and_inline_csv(hostile: Path, tmp_path: Path, cli: Any) -> None:
    site = tmp_path / "site"
    ran = cli("publish", board(tmp_path), "--logs", hostile, "--site", site, "--date", "2026-11-20")
    assert ran.code == 0, ran.err
    run = site / "users" / "2026-11-20"
    assert rows_of((run / "users.csv").read_text()) == expected()
    page = BeautifulSoup((run / "index.html").read_text(), "html.parser")
    link = page.select_one("a.csv-download")["href"]
    assert link.startswith("data:text/csv;charset=utf-8,")
    assert rows_of(unquote(link.split(",", 1)[1])) == expected()


def test_mail_attachment(hostile: Path, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "mail"
    ran = cli(
        "mail", board(tmp_path), "--logs", hostile, "--dry-run", "--out", out, "--attach-csv",
        "--from", "reports@example.com", "--to", "secops@example.com",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    message = email.message_from_bytes((out / "users.eml").read_bytes())
    parts = [p for p in message.walk() if p.get_filename() == "users.csv"]
    assert len(parts) == 1
    part: Message = parts[0]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert rows_of(payload.decode()) == expected()
