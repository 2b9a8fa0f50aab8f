"""Command-line options read off an analysis function, so parameters are written once.

The analysis function's signature gives each option's name, type and default; its
numpy-style docstring gives the help text. :class:`~collabnet.network.Network` binds the
same functions, so the library, the notebook and the command line agree.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import click

__all__ = ["language_option", "options_from", "parameter_help", "prepare_drawing"]

_SCALARS = (bool, int, float, str)


def language_option(default: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--lang zh|en|both``, the language of a document or a figure's labels."""
    from collabnet.outputs.language import LANGUAGES

    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=default,
        show_default=True,
        help=help,
    )


def prepare_drawing(context: click.Context, parameter: click.Parameter, value: Any) -> Any:
    """Callback of the option of a command that draws figures (``report --figures``,
    ``figures --output``): when it is set, start the process that draws the figures, so
    that it loads while the command reads its data (options are read before the data)."""
    if value:
        from collabnet.outputs.figure_jobs import start_drawing_process

        start_drawing_process()
    return value


def parameter_help(function: Callable[..., Any]) -> dict[str, str]:
    """The first sentence of each parameter's description in a numpy-style docstring."""
    doc = inspect.getdoc(function) or ""
    section = re.search(r"^Parameters\n-+\n(.*?)(?:\n\n[A-Z][a-z]+\n-+\n|\Z)", doc, re.S | re.M)
    if section is None:
        return {}
    found: dict[str, str] = {}
    name = None
    for line in section.group(1).splitlines():
        if line and not line.startswith(" "):
            name = line.split(":")[0].strip()
            found[name] = ""
        elif name is not None and line.strip():
            found[name] = f"{found[name]} {line.strip()}".strip()
    return {key: _first_sentence(text) for key, text in found.items()}


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?\.)(\s|$)", text)
    sentence = match.group(1) if match else text
    # Sphinx roles and literals read as plain words on a terminal.
    return re.sub(r":\w+:`~?([^`]+)`", r"\1", sentence).replace("``", "")


def _scalar_type(annotation: Any, default: Any) -> type:
    if isinstance(default, _SCALARS):
        return type(default)
    for candidate in typing.get_args(annotation):
        if candidate in _SCALARS:
            return candidate
    raise TypeError(f"no command-line type for {annotation!r}")


def options_from(
    function: Callable[..., Any],
    *,
    only: Sequence[str] | None = None,
    choices: Mapping[str, Collection[str]] | None = None,
    texts: Mapping[str, str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``function``'s keyword parameters as options; the command receives them as one
    ``options`` dict to pass straight back to the function.

    Parameters
    ----------
    function
        The analysis function whose keyword-only parameters become options.
    only
        The parameters to expose, in this order (default: every keyword-only one).
    choices
        Allowed values of a text parameter.
    texts
        Help text that replaces the docstring's for a parameter.
    """
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    helps = {**parameter_help(function), **(texts or {})}
    names = (
        list(only)
        if only is not None
        else [name for name, p in signature.parameters.items() if p.kind is p.KEYWORD_ONLY]
    )

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            options = {name: kwargs.pop(name) for name in names}
            return command(options=options, **kwargs)

        for name in reversed(names):
            parameter = signature.parameters[name]
            default = parameter.default
            kind = _scalar_type(hints.get(name), default)
            flag = "--" + name.replace("_", "-")
            allowed = (choices or {}).get(name)
            if kind is bool:
                option = click.option(
                    flag, name, is_flag=True, default=default, help=helps.get(name)
                )
            else:
                option = click.option(
                    flag,
                    name,
                    type=click.Choice(list(allowed)) if allowed else kind,
                    default=default,
                    show_default=default is not None,
                    help=helps.get(name),
                )
            wrapper = option(wrapper)
        return wrapper

    return decorate
