"""Fixtures for the delivery tests: a site published from the shared sample snapshot."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

OVERVIEW = Path("dashboards/twistlock-overview.yaml")


def tree(root: Path) -> dict[str, str]:
    """Every file under `root` (relative path -> sha256), hidden ones included."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def week_site(sample_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The overview dashboard published for the three last days of the sample (in the order
    14, 20, 19: the backfilled 19th must not become `latest`)."""
    from reportgen.cli import run

    site = tmp_path_factory.mktemp("site") / "site"
    for day in ("2026-11-14", "2026-11-20", "2026-11-19"):
        argv = ["publish", str(OVERVIEW), "--logs", str(sample_snapshot), "--site", str(site)]
        assert run([*argv, "--date", day]) == 0
    return site
