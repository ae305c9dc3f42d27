"""Bad bytes lose no good lines (issue 13): NUL blocks, CR-only endings, UTF-16, streaming."""

from __future__ import annotations

import codecs
import gzip
import os
from pathlib import Path

import duckdb
import pytest

from reportgen.snapshot import ingest, reader, textio

pytestmark = pytest.mark.usefixtures("file_paths")

GOOD = [f"2026-01-02T03:04:{second:02d}Z line {second}" for second in range(6)]


def rows(path: Path) -> tuple[list[tuple[str, int]], dict[str, int], int]:
    con = duckdb.connect()
    info = ingest(con, [path])
    found = con.execute("SELECT _raw, _messagecount FROM logs").fetchall()
    return found, info.files[0].problems, info.files[0].lines


def test_a_nul_block_keeps_the_lines_around_it(tmp_path: Path) -> None:
    data = (
        "\n".join(GOOD[:2]).encode() + b"\n" + b"\0" * 5000 + GOOD[2].encode() + b"\n"
        + b"\0\x01\x02" * 100 + b"\n" + "\n".join(GOOD[3:]).encode() + b"\n"
    )  # fmt: skip
    (tmp_path / "crash.log").write_bytes(data)
    found, problems, lines = rows(tmp_path / "crash.log")
    assert found == [(GOOD[0], 1), (GOOD[1], 2), (GOOD[2], 3), (GOOD[3], 4), (GOOD[4], 5),
                     (GOOD[5], 6)]  # fmt: skip
    assert (problems, lines) == ({"binary_region": 1}, 6)


def test_a_single_nul_in_a_text_line_is_text(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_bytes(b"2026-01-02T03:04:00Z one \0 nul\n")
    assert rows(tmp_path / "a.log")[:2] == ([("2026-01-02T03:04:00Z one \0 nul", 1)], {})


def test_cr_only_line_endings_split(tmp_path: Path) -> None:
    (tmp_path / "mac.log").write_bytes("\r".join(GOOD).encode() + b"\r")
    found, problems, lines = rows(tmp_path / "mac.log")
    assert found == [(line, index + 1) for index, line in enumerate(GOOD)]
    assert (problems, lines) == ({"cr_line_endings": 1}, 6)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_with_a_bom_is_decoded(tmp_path: Path, bom: bytes) -> None:
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    text = "\r\n".join([*GOOD[:2], "2026-01-02T03:05:00Z café ✓"]) + "\r\n"
    (tmp_path / "win.log").write_bytes(bom + text.encode(codec))
    found, problems, _ = rows(tmp_path / "win.log")
    assert found == [(GOOD[0], 1), (GOOD[1], 2), ("2026-01-02T03:05:00Z café ✓", 3)]
    assert problems == {"utf16": 1}


def test_a_utf8_bom_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "bom.log").write_bytes(codecs.BOM_UTF8 + GOOD[0].encode() + b"\n")
    assert rows(tmp_path / "bom.log")[:2] == ([(GOOD[0], 1)], {})


@pytest.mark.slow
@pytest.mark.parametrize("compress", [False, True])
def test_a_file_streams_in_bounded_chunks_and_keeps_every_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compress: bool
) -> None:
    # The streaming path on a small scale: 64 KiB chunks over a 3 MB file (plain and gz), with
    # multi-line records that must never be split between chunks.
    monkeypatch.setattr(reader, "CHUNK_BYTES", 64 << 10)
    monkeypatch.setattr(reader, "BLOCK_BYTES", 16 << 10)
    monkeypatch.setattr(textio, "BLOCK_BYTES", 16 << 10)
    record = " INFO 2026-01-02T03:04:05.{:03d} a.go:1  message {}\n  continued {}\n"
    text = "".join(record.format(i % 1000, i, i) for i in range(40_000))
    path = tmp_path / ("big.log.gz" if compress else "big.log")
    path.write_bytes(gzip.compress(text.encode(), 1) if compress else text.encode())
    os.utime(path, (1_800_000_000, 1_800_000_000))
    con = duckdb.connect()
    chunks: list[int] = []
    info = ingest(con, [path], progress=lambda files, size, lines: chunks.append(lines))
    assert len(chunks) >= 40
    assert (info.files[0].lines, info.files[0].records, info.rows) == (80_000, 40_000, 40_000)
    split = con.execute(
        "SELECT count(*) FROM logs WHERE _raw NOT LIKE ' INFO %' OR _raw NOT LIKE '%continued%'"
    ).fetchone()
    assert split == (0,)
    assert con.execute("SELECT sum(_messagecount) FROM logs").fetchone() == (40_000**2,)
