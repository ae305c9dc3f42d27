"""The Sumo content of a snapshot (design D12): its field extraction rules and lookup tables,
from the sources.yaml files that apply to it (`--sources`, else each input's own)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.engine.lookups import LookupCatalog
from reportgen.snapshot.sources_find import content_sources


@dataclass
class Content:
    """What queries over the snapshot use beside the log table."""

    lookups: LookupCatalog = field(default_factory=LookupCatalog)


def load_content(paths: Sequence[Path], sources: Path | None) -> Content:
    """The content of the sources.yaml files of a snapshot; SnapshotError (file:line:col) for
    a problem in them."""
    found = content_sources(paths, sources)
    return Content(LookupCatalog([item for source in found for item in source.lookups]))
