"""The language of a document: Chinese, English, or both (Chinese first)."""

from __future__ import annotations

from typing import Literal, get_args

from collabnet.errors import InputError

__all__ = ["LANGUAGES", "Language", "check_language", "say"]

Language = Literal["zh", "en", "both"]
LANGUAGES: tuple[str, ...] = get_args(Language)


def check_language(lang: str) -> Language:
    """``lang`` if it is one of :data:`LANGUAGES`, else an :class:`InputError`."""
    if lang not in LANGUAGES:
        raise InputError(f"unknown language '{lang}' (expected one of {', '.join(LANGUAGES)})")
    return lang  # type: ignore[return-value]


def say(zh: object, en: object, lang: Language, separator: str = " ") -> str:
    """The text in ``lang``: ``zh``, ``en``, or both joined by ``separator``.

    Examples
    --------
    >>> say("图表", "Figures", "zh"), say("图表", "Figures", "en"), say("图表", "Figures", "both")
    ('图表', 'Figures', '图表 Figures')
    """
    if lang == "zh":
        return str(zh)
    if lang == "en":
        return str(en)
    return str(zh) if str(zh) == str(en) else f"{zh}{separator}{en}"
