"""Whatever an export holds, the importer either writes dashboards that validate or stops with
one ExportError: never a crash. Values anywhere in the fixtures are replaced at random."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.importers.sumo import ExportError, import_sumo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sumo"
EXPORTS = [
    json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    for name in ("twistlock-lab-folder.json", "twistlock-overview.json")
]

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 50)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into `value`, JSON held in strings included (as the key `"<json>"`)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    elif isinstance(value, str) and value.startswith("{"):
        with contextlib.suppress(json.JSONDecodeError):  # a value that only looks like JSON
            found += places(json.loads(value), (*path, "<json>"))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if head == "<json>":
        return json.dumps(replaced(json.loads(value), rest, new))
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(value[head], rest, new)
    return copy


@pytest.mark.slow
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_export_is_imported_or_refused_clearly(data: st.DataObject) -> None:
    export = data.draw(st.sampled_from(EXPORTS))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(places(export)))
        export = replaced(export, path, data.draw(JSON))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "export.json"
        source.write_text(json.dumps(export), encoding="utf-8")
        try:
            report = import_sumo(source, Path(folder) / "out")
        except ExportError as error:
            assert "\n" not in error.headline()
            return
        assert report.written
        for item in report.written:
            assert item.problems == [], item.problems
