"""A wheel (what `pip install .` in a CI pipeline installs) carries everything reportgen reads at
run time: templates, fonts, and the built-in themes under share/reportgen/themes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


@pytest.mark.slow
def test_the_wheel_holds_templates_fonts_and_themes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), "."],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "deprecated" not in done.stderr, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("reportgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    headers = zipfile.ZipFile(wheel).read(metadata).decode().split("\n\n")[0].splitlines()
    assert "License-Expression: Apache-2.0" in headers
    data = next(n.split("/")[0] for n in names if ".data/" in n)
    for theme in ("default", "dark", "print"):
        assert f"{data}/data/share/reportgen/themes/{theme}/theme.yaml" in names
        assert f"{data}/data/share/reportgen/themes/{theme}/style.css" in names
    for name in ("base.html", "print.html", "print.css", "site_index.html", "mail_body.html"):
        assert f"reportgen/templates/{name}" in names
    assert "reportgen/fonts/DejaVuSans.ttf" in names
    assert "reportgen/py.typed" in names
