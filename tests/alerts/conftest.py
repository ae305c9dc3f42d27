"""Fixtures for the alert tests: a real Alertmanager (Debian's prometheus-alertmanager) and a
local HTTP server standing in for a webhook, both on loopback ports; dashboards that alert."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ALERTMANAGER = "prometheus-alertmanager"

# A single value that alerts unless `cut` filters the count away (then: no data, no band), and a
# table whose busy hosts alert cell by cell.
BOARD = """\
title: Alerting board
time_range: -24h
labels: {team_owner: secops}
annotations: {runbook_url: https://runbooks.example.com/violations}
variables:
  cut: {default: "0"}
panels:
  - id: violations
    title: Violations
    type: single_value
    query: _sourceCategory=twistlock_logs (violation) | count | where _count > {{cut}}
    labels: {severity: page}
    bands:
      - {to: 10, color: green, label: calm}
      - {from: 11, color: red, label: high, alert: true}
  - id: hosts
    title: Busy hosts
    type: table
    query: _sourceCategory=twistlock_logs | count by _sourcehost | where _count > {{cut}} | sort by _sourcehost asc
    alert: {band: busy}
    thresholds:
      - {column: _count, op: ">", value: 0, color: orange, label: busy}
"""


def require_alertmanager() -> str:
    path = shutil.which(ALERTMANAGER)
    if path:
        return path
    reason = f"{ALERTMANAGER} is missing; install Debian's prometheus-alertmanager"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: .ci/run installs it, so CI must have it")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def board(tmp_path: Path) -> Path:
    path = tmp_path / "alerting.yaml"
    path.write_text(BOARD)
    return path


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[str]:
    """A fresh Alertmanager on a free loopback port (its own config and storage); its URL."""
    binary = require_alertmanager()
    home = tmp_path / "alertmanager"
    home.mkdir()
    (home / "alertmanager.yml").write_text(
        'route: {receiver: "null"}\nreceivers: [{name: "null"}]\n'
    )
    port = free_port()
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={home / 'alertmanager.yml'}",
            f"--storage.path={home / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(home / "log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Ready within seconds on an idle machine; the bound only keeps a broken start from
        # hanging the suite.
        for _ in range(600):
            if process.poll() is not None:
                pytest.fail("alertmanager exited: " + (home / "log").read_text()[-2000:])
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("alertmanager never became ready: " + (home / "log").read_text()[-2000:])
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


def active_alerts(url: str) -> list[dict[str, Any]]:
    """The alerts Alertmanager holds as active (resolved ones are not listed)."""
    with urllib.request.urlopen(f"{url}/api/v2/alerts", timeout=30) as response:
        alerts: list[dict[str, Any]] = json.load(response)
    return sorted(alerts, key=lambda alert: alert["labels"]["panel"])


@dataclass
class Hook:
    """A local webhook: what it received, and the status it answers with."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200

    def bodies(self) -> list[Any]:
        return [json.loads(request["body"]) for request in self.requests]


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    state = Hook(f"http://127.0.0.1:{server.server_address[1]}/hooks/secret-token-123")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(state.status)
            self.end_headers()
            self.wfile.write(b"no such hook\nsecond line" if state.status >= 400 else b"ok")

        def log_message(self, *args: Any) -> None:
            return

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
