"""gunzip reads gzip through ISA-L where its wheel is installed, else zlib: both read every
stream the same way, bad ones included."""

from __future__ import annotations

import gzip
import random
import zlib
from collections.abc import Iterator

import pytest

from reportgen.snapshot import textio

TEXT = b"".join(b"2026-01-02T03:04:05Z line %d %016x\n" % (i, random.Random(i).getrandbits(64))
                for i in range(60_000))  # fmt: skip
WHOLE = gzip.compress(TEXT)
STREAMS = {
    "one member": WHOLE,
    "two members": gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:]),
    "zero padding": WHOLE + b"\0" * 4096,
    "truncated": WHOLE[: len(WHOLE) // 2],
    "corrupt": WHOLE[:5000] + b"\xff" * 64 + WHOLE[5064:],
    "not gzip": b"plain text\n",
}


def blocks(data: bytes, size: int = 4096) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def read(data: bytes) -> tuple[bytes, dict[str, int]]:
    problems: dict[str, int] = {}
    return b"".join(textio.gunzip(blocks(data), problems)), problems


def test_isal_is_used_where_installed() -> None:
    isal = pytest.importorskip("isal.isal_zlib")
    assert textio.inflate is isal


@pytest.mark.parametrize("name", list(STREAMS))
def test_isal_and_zlib_read_alike(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = read(STREAMS[name])
    monkeypatch.setattr(textio, "inflate", zlib)
    slow = read(STREAMS[name])
    if name in ("truncated", "corrupt"):
        # At the break, zlib may hand out a few more bytes it inflated: of the cut line (at most
        # one deflate match, 258 bytes).
        assert slow[0].startswith(fast[0]) and len(slow[0]) - len(fast[0]) <= 258
        assert fast[1] == slow[1]
    else:
        assert fast == slow
    expected = {
        "one member": (TEXT, {}), "two members": (TEXT, {}), "zero padding": (TEXT, {}),
        "not gzip": (b"", {"bad_gzip": 1}),
    }  # fmt: skip
    if name in expected:
        assert fast == expected[name]
    elif name == "truncated":
        assert fast[1] == {"bad_gzip": 1} and TEXT.startswith(fast[0]) and len(fast[0]) < len(TEXT)
    else:  # what inflated before the damage was found is kept, garbage or not
        assert fast[1] == {"bad_gzip": 1} and fast[0][:1000] == TEXT[:1000]
