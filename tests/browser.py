"""Headless Chromium for the browser tests: load a report with the network off, return the DOM
after scripts ran and the console messages.

Chromium runs with `--dump-dom` and a virtual time budget, so the DOM we parse is the one after
vega-embed drew every chart; console messages (CSP violations, script errors) are read from its
stderr log (`--enable-logging=stderr`, lines with `:CONSOLE`). Where Debian's chromium is missing
the test is skipped with the reason, except in CI (`CI` set), where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Network off: every host resolves to nothing and any proxy use goes to a closed port.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--enable-logging=stderr",
    "--v=0",
    "--window-size=1280,2000",
    "--virtual-time-budget=5000",
    "--dump-dom",
]


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing; install Debian's chromium (`apt-get install chromium`)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: .ci/run installs it, so CI must have it")
    pytest.skip(reason)


def load_page(page: Path, tmp_path: Path, tz: str = "UTC") -> tuple[BeautifulSoup, list[str]]:
    """The DOM of `page` after its scripts ran, and the console messages Chromium logged."""
    require_chromium()
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", page.as_uri()]
    env = {**os.environ, "TZ": tz}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=180, env=env, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    return BeautifulSoup(done.stdout, "html.parser"), console


def load(html: str, tmp_path: Path, tz: str = "UTC") -> tuple[BeautifulSoup, list[str]]:
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    return load_page(page, tmp_path, tz)


def chart_ids(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(div["id"]) for div in soup.select("div.chart")]


def assert_charts_drawn(dom: BeautifulSoup, ids: list[str]) -> None:
    assert ids
    for chart_id in ids:
        div = dom.find(id=chart_id)
        assert div is not None, chart_id
        assert "chart-failed" not in div.get("class", []), div.get_text()
        svg = div.find("svg")
        assert svg is not None and "marks" in svg.get("class", []), chart_id
        marks = div.select("g.role-mark path, g.role-mark line")
        assert marks, f"{chart_id}: an svg without marks"


def screenshot(page: Path, tmp_path: Path, *, dark: bool, width: int = 1280) -> Path:
    """A PNG of `page` as Chromium draws it, in the reader's light or dark preference."""
    require_chromium()
    shot = tmp_path / f"{page.stem}-{'dark' if dark else 'light'}-{width}.png"
    flags = [f for f in FLAGS if f != "--dump-dom" and not f.startswith("--window-size")]
    command = [
        str(CHROMIUM), *flags, f"--window-size={width},1000", f"--screenshot={shot}",
        f"--user-data-dir={tmp_path / 'profile'}",
        *(["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] if dark else []),
        page.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    return shot
