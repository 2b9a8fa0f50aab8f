"""Where the network lives: in memory (the default) or in a Neo4j database.

Every backend follows :class:`~collabnet.snapshot.GraphBackend`, defined next to the
snapshot it hands out.
"""

from collabnet.snapshot import GraphBackend

__all__ = ["GraphBackend"]
