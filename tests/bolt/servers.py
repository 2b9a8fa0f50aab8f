"""Helpers of the Bolt tests: the Neo4j servers they start, connections, test networks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collabnet.backends.neo4j import Neo4jBackend
from tests.neo4j_server import Neo4jServer, neo4j_available

# Looks like a real secret, so a test can prove it is never printed.
PASSWORD = "Zq-9s3cret-Pw"


@dataclass(frozen=True)
class BoltTarget:
    """Where the tests connect: a URI, credentials, and the server process."""

    uri: str
    user: str
    password: str
    server: Neo4jServer

    def env(self) -> dict[str, str]:
        """Environment for a ``collabnet`` subprocess that connects here."""
        return cli_env(self.uri, self.user, self.password)


def cli_env(uri: str, user: str, password: str | None) -> dict[str, str]:
    """This process's environment, with NEO4J_* pointing at ``uri``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update({"NEO4J_URI": uri, "NEO4J_USER": user})
    if password is not None:
        env["NEO4J_PASSWORD"] = password
    return env


def need_neo4j() -> None:
    reason = neo4j_available()
    if reason is not None:
        pytest.skip(f"no Neo4j to test against: {reason}")


def start_server(folder: Path, *, gds: bool = True) -> Neo4jServer:
    """A started server in ``folder``; without GDS, its plugin folder is empty.

    The launcher reads ``NEO4J_PLUGINS`` from the environment at each start, so a
    restart sets it again (:func:`restart`).
    """
    server = Neo4jServer(folder / "neo4j", password=PASSWORD)
    if gds:
        server.start()
        return server
    plugins = folder / "no-plugins"
    plugins.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEO4J_PLUGINS", str(plugins))
        server.start()
    return server


def restart(server: Neo4jServer, *, gds: bool) -> None:
    """Start ``server`` again on its store (after :meth:`Neo4jServer.kill`)."""
    with pytest.MonkeyPatch.context() as patch:
        if not gds:
            patch.setenv("NEO4J_PLUGINS", str(server.folder.parent / "no-plugins"))
        server.start()


def target_of(server: Neo4jServer) -> BoltTarget:
    return BoltTarget(server.uri, server.user, server.password, server)


def connect(target: BoltTarget, **options: float) -> Neo4jBackend:
    return Neo4jBackend(target.uri, user=target.user, password=target.password, **options)


KINDS = ("cooperation", "joint_project", "co_built_centre", "incubation", "co_founding")


def write_network(
    folder: Path, *, organizations: int = 1_500, links: int = 6_000, seed: int = 7
) -> Path:
    """A random network of ``organizations`` and about ``links`` links, written as files."""
    rng = np.random.default_rng(seed)
    folder.mkdir()
    types = rng.choice(["platform", "enterprise", "university", "institute"], organizations)
    ids = [f"{t[0].upper()}{i:05d}" for i, t in enumerate(types)]
    pd.DataFrame(
        {
            "id": ids,
            "name": [f"合成机构{i}" for i in range(organizations)],
            "type": types,
            "industries": rng.choice(["pumps_valves", "footwear;apparel", ""], organizations),
            "founded": rng.integers(1990, 2020, organizations),
        }
    ).to_csv(folder / "organizations.csv", index=False)
    source = rng.integers(0, organizations, links)
    target = (source + rng.integers(1, organizations, links)) % organizations
    pd.DataFrame(
        {
            "source": [ids[i] for i in source],
            "target": [ids[i] for i in target],
            "kind": rng.choice(KINDS, links),
            "year": rng.integers(2015, 2025, links),
            "weight": rng.integers(1, 4, links),
            "funding": np.round(rng.uniform(0, 500, links), 1),
        }
    ).drop_duplicates().to_csv(folder / "links.csv", index=False)
    return folder
