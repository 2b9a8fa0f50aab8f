"""collabnet: collaboration networks of innovation platforms, enterprises and universities.

>>> import collabnet as cn
>>> net = cn.load("data/sample")
"""

import importlib
from typing import TYPE_CHECKING, Any

from collabnet._version import __version__
from collabnet.errors import (
    BackendError,
    CollabnetError,
    InputError,
    NotFoundError,
    Problem,
    ValidationError,
)

if TYPE_CHECKING:
    from collabnet.network import Network, connect, load
    from collabnet.tables import Tables, load_tables

# The facade pulls in pandas, scipy and networkx: imported on first use, so that the
# command line (which imports this package) starts without them.
_LAZY = {
    "Network": "collabnet.network",
    "connect": "collabnet.network",
    "load": "collabnet.network",
    "Tables": "collabnet.tables",
    "load_tables": "collabnet.tables",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'collabnet' has no attribute {name!r}")


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
