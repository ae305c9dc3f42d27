"""The bundled sample snapshot: the zero-config input of `build`, `query` and `inspect`.

It is generated deterministically on first use into a cache folder (so the repository carries no
binary logs) and reused afterwards; a version or parameter change gives a new folder.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reportgen import __version__
from reportgen.errors import UsageError
from reportgen.paths import cache_dir
from reportgen.terminal import in_ci

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


SAMPLE_WORD = "sample"
"""`--logs sample` names the bundled sample (a folder called so is `./sample`)."""


def resolve_logs(
    logs: Sequence[Path | str], *, sample: bool = False, fallback: bool = True
) -> tuple[list[Path | str], bool]:
    """The snapshot paths to read and whether they are the bundled sample.

    The sample is read when asked for (`sample`, or `--logs sample`), or when no `--logs` is
    given, `fallback` allows it and `$CI` is not set: invented numbers must never reach a
    report that nobody watched being made. Otherwise a missing `--logs` is a UsageError.
    """
    asked = [path for path in logs if str(path) == SAMPLE_WORD]
    if sample and logs:
        raise UsageError("--sample cannot be combined with --logs", hint="use one or the other")
    if asked and len(logs) > 1:
        raise UsageError(
            "--logs sample (the bundled sample) cannot be combined with other --logs",
            hint="write ./sample for a folder of that name",
        )
    if logs and not asked:
        return list(logs), False
    if not (sample or asked) and (not fallback or in_ci()):
        who = "publish and mail do not" if not fallback else "with CI set, commands do not"
        raise UsageError(
            f"no snapshot given (--logs PATH): {who} fall back to the bundled sample, "
            "whose numbers are invented",
            hint="pass --logs PATH, or --logs sample to read the sample on purpose",
        )
    return [bundled_snapshot()], True


def sample_note(explicit: bool) -> str:
    """The line said on stderr whenever the bundled sample is read."""
    note = "note: reading the bundled sample snapshot (invented Twistlock logs)"
    if not explicit:
        note += "; pass --logs PATH to report on your own logs"
    elif Path(SAMPLE_WORD).exists():
        note += f"; write ./{SAMPLE_WORD} to read the folder of that name instead"
    return note
