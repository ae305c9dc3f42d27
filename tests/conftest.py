"""Shared fixtures: a small generated Twistlock snapshot and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reportgen.cli import run
from reportgen.sample import write_sample


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the bundled sample the tests generate out of the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("REPORTGEN_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def sample_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sample snapshot (5000 lines, seed 3), generated once per test session."""
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, lines=5000, seed=3)
    return out


@dataclass
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Any:
    """Run `reportgen ARGS...` in process; returns exit code, stdout and stderr."""

    def invoke(*args: str | Path) -> Ran:
        capsys.readouterr()
        code = run([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return invoke


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files under tests/golden/ from the current output.",
    )


GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Any:
    """`golden(name, text)`: assert `text` equals tests/golden/NAME (rewritten with
    `pytest --update-golden`; review the diff before committing it)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.is_file(), f"missing golden file {path}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"

    return check


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The test session's local SparkSession (tests/spark.py); stopped at the end."""
    from tests.spark import start_test_session

    session = start_test_session()
    yield session
    session.stop()
