"""Fixtures of the snapshot tests."""

from __future__ import annotations

import pytest

from reportgen.snapshot import batch


@pytest.fixture(params=["as planned", "every file whole"])
def file_paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a test twice: with files loaded as planned (these tests' files are small, so batched
    or chunked), then with no file small enough to batch, so that every clean plain file is read
    whole by the database (`reportgen.snapshot.whole`). Both must give the same results."""
    if request.param == "every file whole":
        monkeypatch.setattr(batch, "FILE_BYTES", 0)
