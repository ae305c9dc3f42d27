"""The bundled sample snapshot: the default input of every command.

It is generated deterministically on first use into a cache folder (so the repository carries no
binary logs) and reused afterwards; a version or parameter change gives a new folder.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from reportgen import __version__
from reportgen.paths import cache_dir

SAMPLE_LINES, SAMPLE_HOSTS, SAMPLE_DAYS, SAMPLE_SEED = 60_000, 4, 7, 1


def bundled_snapshot() -> Path:
    """The folder of the bundled sample snapshot, generating it if it is not there yet."""
    from reportgen.sample import write_sample

    params = (SAMPLE_LINES, SAMPLE_HOSTS, SAMPLE_DAYS, SAMPLE_SEED)
    key = hashlib.sha256(repr(params).encode()).hexdigest()[:10]
    target = cache_dir() / f"sample-{__version__}-{key}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sample-", dir=target.parent))
    try:
        write_sample(
            staging, lines=SAMPLE_LINES, hosts=SAMPLE_HOSTS, days=SAMPLE_DAYS, seed=SAMPLE_SEED
        )
        try:
            staging.rename(target)
        except OSError:
            # Another process generated it first; theirs is identical.
            if not target.is_dir():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
