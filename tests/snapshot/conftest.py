"""Fixtures of the snapshot tests."""

from __future__ import annotations

import pytest

from reportgen.snapshot import batch, load, reader, split, textio


@pytest.fixture(params=["as planned", "every file whole", "every file split"])
def file_paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a test three times: with files loaded as planned (these tests' files are small, so
    batched or chunked); with no file small enough to batch, so that every clean plain file is
    read whole by the database (`reportgen.snapshot.whole`); and with every file read in small
    chunks, on two cursors at once (`reportgen.snapshot.split`). All must give the same
    results."""
    if request.param != "as planned":
        monkeypatch.setattr(batch, "FILE_BYTES", 0)
    if request.param == "every file split":
        split_every_file(monkeypatch, chunk_bytes=2048, block_bytes=512)


def split_every_file(monkeypatch: pytest.MonkeyPatch, chunk_bytes: int, block_bytes: int) -> None:
    """Read every file in chunks of `chunk_bytes` (a block of `block_bytes` at a time), none
    whole or batched, and load each on two cursors (`reportgen.snapshot.split`), in segments of
    two chunks."""
    monkeypatch.setattr(batch, "FILE_BYTES", 0)
    monkeypatch.setattr(load, "WHOLE_BYTES", 0)
    monkeypatch.setattr(load, "SPLIT_BYTES", 1)
    monkeypatch.setattr(split, "SEGMENT_CHUNKS", 2)
    monkeypatch.setattr(reader, "CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(reader, "BLOCK_BYTES", block_bytes)
    monkeypatch.setattr(textio, "BLOCK_BYTES", block_bytes)
