"""collabnet: collaboration networks of innovation platforms, enterprises and universities.

>>> import collabnet as cn
>>> net = cn.load("data/sample")
"""

from collabnet._version import __version__
from collabnet.errors import (
    BackendError,
    CollabnetError,
    InputError,
    NotFoundError,
    Problem,
    ValidationError,
)
from collabnet.network import Network, connect, load
from collabnet.tables import Tables, load_tables

__all__ = [
    "BackendError",
    "CollabnetError",
    "InputError",
    "Network",
    "NotFoundError",
    "Problem",
    "Tables",
    "ValidationError",
    "__version__",
    "connect",
    "load",
    "load_tables",
]
