"""Exceptions raised by collabnet; every message is meant for the person holding the file."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BackendError",
    "CollabnetError",
    "InputError",
    "NotFoundError",
    "Problem",
    "ValidationError",
]


class CollabnetError(Exception):
    """Base class of every error collabnet raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell or row of an input file.

    ``row`` is the row number as the user sees it in a spreadsheet (the header row is
    row 1 unless title rows sit above it); ``None`` when the problem concerns the whole
    file (a missing column, say).
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class InputError(CollabnetError):
    """A file cannot be read at all (missing, unreadable encoding, no header row)."""


class ValidationError(CollabnetError):
    """One or more rows break the table model; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        head = str(problems[0]) if problems else "no problems"
        more = f" (and {count - 1} more problems)" if count > 1 else ""
        super().__init__(head + more)


class NotFoundError(CollabnetError):
    """An organisation named by the user does not exist; ``suggestions`` holds near matches."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(message)


class BackendError(CollabnetError):
    """A graph database could not be reached or refused a request."""
