"""The Cypher statements collabnet runs, one per ``.cypher`` file, loaded once.

The files live in ``collabnet/cypher`` inside an installed package and in the top-level
``cypher/`` folder of a source checkout. A query's name is its path below that folder
without the extension (``analysis/degrees``). Each file starts with comment lines: first
what the statement does, then one line per parameter::

    // $id (text): the organisation's id
    // $as_of (integer, optional): last year included

Parameter types are ``text``, ``integer``, ``number``, ``boolean``, ``list`` and ``map``.
Statements take every value as a parameter; labels and relationship types are written
into the files, never formatted in from data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from collabnet.errors import InputError, NotFoundError

__all__ = [
    "PARAMETER_TYPES",
    "Parameter",
    "Query",
    "catalog",
    "cypher_root",
    "get_query",
    "used_parameters",
]

PARAMETER_TYPES = ("text", "integer", "number", "boolean", "list", "map")
_PARAMETER_LINE = re.compile(
    r"^//\s*\$(?P<name>\w+)\s*\((?P<type>\w+)(?P<optional>,\s*optional)?\)\s*:\s*(?P<doc>.*)$"
)
_PARAMETER_USE = re.compile(r"\$(\w+)")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


@dataclass(frozen=True)
class Parameter:
    """One ``$name`` a statement expects."""

    name: str
    type: str
    description: str
    optional: bool = False


@dataclass(frozen=True)
class Query:
    """One Cypher statement with its description and declared parameters.

    ``text`` is the statement without its leading comment lines (that is what goes over
    the wire); ``source`` is the whole file.
    """

    name: str
    text: str
    description: str
    parameters: tuple[Parameter, ...]
    source: str

    def parameters_from_text(self, given: Mapping[str, str]) -> dict[str, object]:
        """Typed parameter values from ``key=value`` text (as typed on the command line).

        Optional parameters not given are ``None``. Raises :class:`InputError` for an
        unknown or missing parameter, or a value that is not of the declared type.
        """
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            expected = ", ".join(declared) or "none"
            raise InputError(
                f"query '{self.name}' has no parameter {', '.join(unknown)} (expected: {expected})"
            )
        values: dict[str, object] = {}
        for parameter in self.parameters:
            if parameter.name not in given:
                if not parameter.optional:
                    raise InputError(
                        f"query '{self.name}' needs --param {parameter.name}=... "
                        f"({parameter.type}: {parameter.description})"
                    )
                values[parameter.name] = None
                continue
            values[parameter.name] = _convert(self.name, parameter, given[parameter.name])
        return values


def _convert(query: str, parameter: Parameter, text: str) -> object:
    try:
        if parameter.type == "integer":
            return int(text)
        if parameter.type == "number":
            return float(text)
    except ValueError as err:
        raise InputError(
            f"query '{query}': parameter {parameter.name} must be a {parameter.type}, got '{text}'"
        ) from err
    if parameter.type == "boolean":
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise InputError(
            f"query '{query}': parameter {parameter.name} must be true or false, got '{text}'"
        )
    if parameter.type in ("list", "map"):
        raise InputError(
            f"query '{query}': parameter {parameter.name} is a {parameter.type} and cannot be "
            "given on the command line"
        )
    return text


def cypher_root() -> Traversable:
    """The folder holding the ``.cypher`` files (packaged copy first, then the checkout)."""
    packaged = resources.files("collabnet") / "cypher"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "cypher"
    if checkout.is_dir():
        return checkout
    raise InputError("collabnet's Cypher files are missing (expected collabnet/cypher)")


@cache
def catalog() -> dict[str, Query]:
    """Every statement, by name, parsed once per process."""
    queries: dict[str, Query] = {}
    for name, source in sorted(_walk(cypher_root(), "")):
        queries[name] = _parse(name, source)
    return queries


def get_query(name: str) -> Query:
    """The statement called ``name``; suggests names when there is none."""
    queries = catalog()
    if name in queries:
        return queries[name]
    stem = name.rsplit("/", 1)[-1]
    near = [known for known in queries if stem and stem in known]
    raise NotFoundError(f"no Cypher query named '{name}'", near[:5])


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for child in folder.iterdir():
        if child.is_dir():
            found.extend(_walk(child, f"{prefix}{child.name}/"))
        elif child.name.endswith(".cypher"):
            found.append((prefix + child.name[: -len(".cypher")], child.read_text("utf-8")))
    return found


def _parse(name: str, source: str) -> Query:
    lines = source.splitlines()
    header: list[str] = []
    while lines and lines[0].lstrip().startswith("//"):
        header.append(lines.pop(0).strip())
    description: list[str] = []
    parameters: list[Parameter] = []
    for line in header:
        match = _PARAMETER_LINE.match(line)
        if match is None:
            if parameters:
                raise InputError(f"cypher/{name}.cypher: description after the parameter lines")
            description.append(line[2:].strip())
            continue
        if match["type"] not in PARAMETER_TYPES:
            raise InputError(
                f"cypher/{name}.cypher: parameter ${match['name']} has unknown type "
                f"'{match['type']}' (expected one of {', '.join(PARAMETER_TYPES)})"
            )
        parameters.append(
            Parameter(match["name"], match["type"], match["doc"].strip(), bool(match["optional"]))
        )
    text = "\n".join(lines).strip()
    if not text:
        raise InputError(f"cypher/{name}.cypher: no statement")
    return Query(
        name=name,
        text=text,
        description=" ".join(description),
        parameters=tuple(parameters),
        source=source,
    )


def used_parameters(query: Query) -> set[str]:
    """The ``$names`` the statement itself refers to."""
    return set(_PARAMETER_USE.findall(query.text))
