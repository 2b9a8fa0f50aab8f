"""Fixtures shared by the whole suite: the tiny network, the sample and the CORDIS data.

Paths in collabnet's messages are the paths as given, so tests that compare messages
run from the repository root (``in_repo``) and pass paths relative to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from collabnet.tables import Tables, load_tables

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "data" / "tiny"
SAMPLE = REPO / "data" / "sample"
CORDIS = REPO.parent / "shared" / "data" / "cordis-h2020"


@pytest.fixture(scope="session", autouse=True)
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The command line keeps chosen models in a folder of the test session's own, never
    in the user's cache."""
    folder = tmp_path_factory.mktemp("collabnet-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLLABNET_CACHE", str(folder))
        yield folder


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from the repository root, so relative paths read as a user types them."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture(scope="session")
def tiny_tables() -> Tables:
    """tests/data/tiny: 2 platforms, 3 enterprises, 2 universities, 9 links (one undated)."""
    return load_tables(TINY)


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """data/sample, the synthetic Wenzhou network (skips when it has not been generated)."""
    if not (SAMPLE / "organizations.csv").is_file():
        pytest.skip(f"{SAMPLE} is absent: run python data/generate_sample.py")
    return SAMPLE


@pytest.fixture(scope="session")
def cordis_dir() -> Path:
    """The real EU Horizon 2020 participations beside the repository (skips when absent)."""
    if not (CORDIS / "participations-2014-2017.csv.gz").is_file():
        pytest.skip(f"the CORDIS data is not at {CORDIS} (it lives outside the repository)")
    return CORDIS


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """With pytest-xdist (``scripts/test.sh`` runs ``-n auto``), the tests in
    ``tests/bolt/`` all run on one worker, so the session's Neo4j servers start once per
    run rather than once per worker; every other test goes wherever a worker is free."""
    from xdist.scheduler import LoadScopeScheduling

    class _BoltTogether(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return "tests/bolt" if nodeid.startswith("tests/bolt/") else nodeid

    return _BoltTogether(config, log)
