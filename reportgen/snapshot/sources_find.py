"""The sources.yaml files whose Sumo content (field extraction rules, lookup tables) a query over
a snapshot uses: `--sources`, else the `sources.yaml` of each input (a folder's, or the one a tar
archive holds at its top or in its single top-level folder).

Queries read them every time (they are small), so a snapshot reused from the ingest cache gets the
same rules and tables as a fresh ingest.
"""

from __future__ import annotations

import dataclasses
import tarfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from reportgen.errors import SnapshotError
from reportgen.snapshot.discover import SOURCES_FILE, is_tar
from reportgen.snapshot.sources import Sources
from reportgen.snapshot.sources_check import load_sources, parse_sources

MAX_SOURCES_BYTES = 1 << 20


def content_sources(paths: Sequence[Path | str], sources: Path | None) -> list[Sources]:
    """The sources.yaml files that apply to a snapshot, parsed (SnapshotError when invalid).
    Text paths are URIs, whose sources.yaml only the Spark engine can read."""
    if sources is not None:
        return [load_sources(sources)]
    found: list[Sources] = []
    for path in paths:
        if isinstance(path, str):
            continue
        if path.is_dir() and (path / SOURCES_FILE).is_file():
            found.append(load_sources(path / SOURCES_FILE))
        elif path.is_file() and is_tar(path):
            archived = _archived_sources(path)
            if archived is not None:
                found.append(archived)
    return found


def _archived_sources(archive: Path) -> Sources | None:
    """The sources.yaml member of a tar archive, if there is one, its lookup files read from
    the archive too."""
    try:
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
            names = {PurePosixPath(m.name.removeprefix("./")).as_posix(): m for m in members}
            tops = {PurePosixPath(name).parts[0] for name in names if "/" in name}
            candidates = [SOURCES_FILE]
            if len(tops) == 1 and not any("/" not in name for name in names):
                candidates.append(f"{tops.pop()}/{SOURCES_FILE}")
            member = next((names[c] for c in candidates if c in names), None)
            if member is None:
                return None
            handle = tar.extractfile(member)
            data = handle.read(MAX_SOURCES_BYTES + 1) if handle is not None else b""
    except (OSError, tarfile.TarError) as error:
        raise SnapshotError(f"{archive}: cannot read the archive: {error}") from error
    if len(data) > MAX_SOURCES_BYTES:
        raise SnapshotError(f"{archive}:{member.name}: sources.yaml is larger than 1 MiB")
    name = member.name.removeprefix("./")
    parsed = parse_sources(
        data.decode("utf-8", errors="replace"), f"{archive}:{name}", archive=archive
    )
    folder = PurePosixPath(name).parent
    lookups = tuple(
        dataclasses.replace(item, file=(folder / item.file).as_posix()) for item in parsed.lookups
    )
    return dataclasses.replace(parsed, lookups=lookups)
