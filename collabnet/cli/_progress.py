"""A spinner on stderr while a command works, shown only when stderr is a terminal.

Piped or redirected output stays exactly as it would be without it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["working"]

# The one live spinner: rich shows one live display at a time, so nested phases update
# its text instead of starting another.
_live: list[Any] = []


@contextmanager
def working(text: str) -> Iterator[None]:
    """Show ``text`` beside a spinner on stderr for the duration, when it is a terminal."""
    if not sys.stderr.isatty():
        yield
        return
    if _live:
        status = _live[-1]
        before = status.status
        status.update(text)
        try:
            yield
        finally:
            status.update(before)
        return
    from rich.console import Console

    with Console(stderr=True).status(text, spinner="dots") as status:
        _live.append(status)
        try:
            yield
        finally:
            _live.pop()
