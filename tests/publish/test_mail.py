"""`reportgen mail` against a real SMTP server (aiosmtpd) started by the test: the message it
received, its headers, parts and attachment bytes."""

from __future__ import annotations

import email
import os
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from bs4 import BeautifulSoup

LINES = [
    "2026-11-20T09:00:00Z violation user=alice",
    "2026-11-20T10:00:00Z violation user=bob",
    "2026-11-20T11:00:00Z violation user=<b>carol</b>",
    "2026-11-20T12:00:00Z violation user=dave",
    "2026-11-20T12:30:00Z audit user=erin",
]
DASHBOARD = """\
title: "Daily <mail>"
time_range: all
panels:
  - id: violations
    title: Violations
    type: single_value
    query: violation | count
    bands:
      - {to: 3, color: green, label: fine}
      - {from: 4, color: red, label: too many, fail: true}
  - id: users
    title: Users
    type: bar
    query: violation | parse "user=*" as user | count by user
  - {id: table, title: Table, type: table, query: '* | count by _sourceHost'}
"""


class Recorder:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"s3cret")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=recorder.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    snapshot = tmp_path / "snap" / "host-1"
    snapshot.mkdir(parents=True)
    (snapshot / "app.log").write_text("\n".join(LINES) + "\n")
    board = tmp_path / "daily.yaml"
    board.write_text(DASHBOARD)
    return {"snapshot": tmp_path / "snap", "board": board, "out": tmp_path / "out"}


def parts(message: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def test_mail_is_delivered_with_inline_charts_and_attachments(
    smtp: tuple[Recorder, int], setup: dict[str, Path], cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder, port = smtp
    monkeypatch.setenv("REPORTGEN_SMTP_USER", "reporter")
    monkeypatch.setenv("REPORTGEN_SMTP_PASSWORD", "s3cret")
    ran = cli(
        "mail",
        setup["board"],
        "--logs",
        setup["snapshot"],
        "--date",
        "2026-11-20",
        "--from",
        "reports@example.com",
        "--to",
        "ops@example.com",
        "--cc",
        "lead@example.com",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--tls",
        "none",
        "--attach-csv",
    )
    assert ran.code == 0, ran.err
    assert ran.out == "sent daily to ops@example.com, lead@example.com\n"
    assert recorder.logins == [("reporter", "s3cret")]
    [envelope] = recorder.envelopes
    assert envelope.mail_from == "reports@example.com"
    assert envelope.rcpt_tos == ["ops@example.com", "lead@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=default)
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "Daily <mail> — 2026-11-20"
    assert message["From"] == "reports@example.com"
    assert message["To"] == "ops@example.com"
    assert message["Cc"] == "lead@example.com"
    assert parts(message) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "application/pdf",
        "text/csv",
        "text/csv",
        "text/csv",
    ]
    assert ran.err == ""
    plain = message.get_body(preferencelist=("plain",))
    # Text parts travel with CRLF line ends (RFC 2046); the content is otherwise exact.
    assert plain.get_content().replace("\r\n", "\n") == (
        "Daily <mail>\n"
        "2026-11-20 09:00 – 2026-11-21 00:00 UTC (UTC)\n"
        "\n"
        "Violations: 4 (too many)\n"
        "Users: see the attached report\n"
        "Table: see the attached report\n"
    )
    html = message.get_body(preferencelist=("html",))
    soup = BeautifulSoup(html.get_content(), "html.parser")
    assert soup.find("script") is None
    assert soup.select_one("h1").get_text() == "Daily <mail>"  # escaped, not markup
    assert soup.select_one("p.single-value").get_text(" ", strip=True) == "4 too many"
    [image] = soup.find_all("img")
    png = next(p for p in message.walk() if p.get_content_type() == "image/png")
    assert image["src"] == "cid:" + png["Content-ID"].strip("<>")
    assert png.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    cells = [td.get_text() for td in soup.select("table td")]
    assert cells == ["host-1", "5"]
    # No reference leaves the message: every src/href is a cid.
    assert all(tag["src"].startswith("cid:") for tag in soup.find_all(src=True))
    assert soup.find_all(href=True) == []
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert sorted(attachments) == sorted(["violations.csv", "users.csv", "table.csv", "daily.pdf"])
    assert attachments["violations.csv"].get_content() == "_count\r\n4\r\n"
    assert (
        attachments["users.csv"].get_payload(decode=True)
        == b"user,_count\r\n<b>carol</b>,1\r\nalice,1\r\nbob,1\r\ndave,1\r\n"
    )
    assert attachments["table.csv"].get_content() == "_sourceHost,_count\r\nhost-1,5\r\n"
    assert attachments["daily.pdf"].get_payload(decode=True)[:5] == b"%PDF-"


def test_dry_run_writes_the_eml_and_sends_nothing(
    smtp: tuple[Recorder, int], setup: dict[str, Path], cli: Any
) -> None:
    recorder, port = smtp
    ran = cli(
        "mail",
        setup["board"],
        "--logs",
        setup["snapshot"],
        "--from",
        "reports@example.com",
        "--to",
        "ops@example.com",
        "--smtp-port",
        str(port),
        "--dry-run",
        "--out",
        setup["out"],
    )
    assert ran.code == 0, ran.err
    assert ran.out == f"wrote {setup['out']}/daily.eml\n"
    assert recorder.envelopes == []
    message = email.message_from_bytes((setup["out"] / "daily.eml").read_bytes(), policy=default)
    assert message["To"] == "ops@example.com"
    assert [p.get_filename() for p in message.iter_attachments()] == ["daily.pdf"]


def test_delivery_block_gives_recipients_subject_and_csvs(
    smtp: tuple[Recorder, int], setup: dict[str, Path], cli: Any
) -> None:
    recorder, port = smtp
    setup["board"].write_text(
        DASHBOARD
        + 'delivery:\n  to: [team@example.com]\n  subject: "Daily\\nBcc: evil@example.com"\n'
        + "  attach_csv: true\n"
    )
    ran = cli(
        "mail",
        setup["board"],
        "--logs",
        setup["snapshot"],
        "--from",
        "reports@example.com",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--tls",
        "none",
    )
    assert ran.code == 0, ran.err
    [envelope] = recorder.envelopes
    assert envelope.rcpt_tos == ["team@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=default)
    assert message["Subject"] == "Daily Bcc: evil@example.com"  # one line: no header injected
    assert message["Bcc"] is None
    assert len(list(message.iter_attachments())) == 4


@pytest.mark.parametrize(
    ("options", "env", "error"),
    [
        (
            ["--to", "a@example.com"],
            {},
            "error: no sender; give --from ADDRESS or set REPORTGEN_MAIL_FROM\n",
        ),
        (
            ["--from", "r@example.com"],
            {},
            "error: no recipients for {board}; give --to ADDRESS, or a 'delivery: {{to: [...]}}' "
            "block in the dashboard\n",
        ),
        (
            [
                "--from",
                "r@example.com",
                "--to",
                "a@example.com",
                "--smtp-host",
                "mail.example.com",
                "--tls",
                "none",
            ],
            {"REPORTGEN_SMTP_USER": "u", "REPORTGEN_SMTP_PASSWORD": "p"},
            "error: refusing to send the SMTP password unencrypted to mail.example.com (--tls none); "
            "use --tls starttls or --tls tls\n",
        ),
        (
            ["--from", "r@example.com", "--to", "a@example.com"],
            {"REPORTGEN_SMTP_USER": "u"},
            "error: REPORTGEN_SMTP_PASSWORD is not set (SMTP login needs both REPORTGEN_SMTP_USER "
            "and REPORTGEN_SMTP_PASSWORD)\n",
        ),
        (
            ["--from", "r@example.com", "--to", "a@example.com", "--tls", "startls"],
            {},
            "error: unknown TLS mode 'startls' (--tls); did you mean 'starttls'?\n",
        ),
    ],
)
def test_bad_mail_options(
    setup: dict[str, Path],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    env: dict[str, str],
    error: str,
) -> None:
    for name in ("REPORTGEN_MAIL_FROM", "REPORTGEN_SMTP_USER", "REPORTGEN_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ran = cli("mail", setup["board"], "--logs", setup["snapshot"], *options)
    assert (ran.code, ran.err) == (2, error.format(board=setup["board"]))


def test_an_unreachable_server_exits_1(setup: dict[str, Path], cli: Any) -> None:
    port = free_port()
    ran = cli(
        "mail",
        setup["board"],
        "--logs",
        setup["snapshot"],
        "--from",
        "r@example.com",
        "--to",
        "a@example.com",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--tls",
        "none",
    )
    assert ran.code == 1
    assert ran.err.splitlines()[-1].startswith(
        f"error: could not send the mail through 127.0.0.1:{port}: "
    )


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost/127.0.0.1, made with the openssl command."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        reason = "the openssl command is needed to make a test certificate"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: .ci/run installs it, so CI must have it")
        pytest.skip(reason)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_encrypted_delivery_with_login(
    mode: str,
    certificate: tuple[Path, Path],
    setup: dict[str, Path],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ssl

    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    recorder, port = Recorder(), free_port()
    tls_options: dict[str, Any] = (
        {"tls_context": server_context, "require_starttls": True}
        if mode == "starttls"
        # aiosmtpd does not see implicit TLS as TLS when it decides whether AUTH may be offered.
        else {"ssl_context": server_context, "auth_require_tls": False}
    )
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=recorder.authenticate,
        **tls_options,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts only this certificate
    monkeypatch.setenv("REPORTGEN_SMTP_USER", "reporter")
    monkeypatch.setenv("REPORTGEN_SMTP_PASSWORD", "s3cret")
    controller.start()
    try:
        ran = cli(
            "mail",
            setup["board"],
            "--logs",
            setup["snapshot"],
            "--from",
            "r@example.com",
            "--to",
            "a@example.com",
            "--smtp-host",
            "localhost",
            "--smtp-port",
            str(port),
            "--tls",
            mode,
        )
    finally:
        controller.stop()
    assert ran.code == 0, ran.err
    assert recorder.logins == [("reporter", "s3cret")]
    [envelope] = recorder.envelopes
    assert envelope.rcpt_tos == ["a@example.com"]


def test_a_team_mail_goes_to_its_recipients_with_its_data_only(
    smtp: tuple[Recorder, int], setup: dict[str, Path], cli: Any, tmp_path: Path
) -> None:
    recorder, port = smtp
    other = setup["snapshot"] / "host-2"
    other.mkdir()
    (other / "app.log").write_text("2026-11-20T12:40:00Z violation user=zzleak42\n")
    teams = tmp_path / "site.yaml"
    teams.write_text(
        "teams:\n  - name: one\n    scope: _sourceHost=host-1\n    recipients: [one@example.com]\n"
    )
    ran = cli(
        "mail",
        setup["board"],
        "--logs",
        setup["snapshot"],
        "--from",
        "r@example.com",
        "--teams",
        teams,
        "--team",
        "one",
        "--attach-csv",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--tls",
        "none",
    )
    assert ran.code == 0, ran.err
    [envelope] = recorder.envelopes
    assert envelope.rcpt_tos == ["one@example.com"]
    message = email.message_from_bytes(envelope.original_content, policy=default)
    texts = [p.get_payload(decode=True) for p in message.walk() if not p.is_multipart()]
    assert all(b"zzleak42" not in text.lower() for text in texts)
    csv = next(p for p in message.iter_attachments() if p.get_filename() == "violations.csv")
    assert csv.get_content() == "_count\r\n4\r\n"
