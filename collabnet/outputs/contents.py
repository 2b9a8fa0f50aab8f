"""What the briefing shows, as data: its sections with their tables and columns, its
figures and its summary, computed once (:func:`collabnet.outputs.report.briefing`) and
shown by the page and the workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from collabnet.outputs.language import Language
from collabnet.outputs.summary import Summary

__all__ = ["Briefing", "Column", "Figure", "Kind", "Section"]

Kind = Literal[
    "text",
    "integer",
    "number",
    "bilingual",
    "code",
    "codes",
    "severity",
    "status",
    "measure",
    "reasons",
    "standing",
]


@dataclass(frozen=True)
class Column:
    """One column of a section's table on the page.

    ``kind`` says how a cell is shown: ``text``; ``integer`` and ``number`` (right
    aligned); ``bilingual`` (the ``<name>_zh`` and ``<name>_en`` columns, one above the
    other); ``code`` (a code shown by its Chinese and English names from the
    briefing's ``labels[vocabulary]``); ``severity`` (高/中/低); ``status`` (a target
    met or not); ``measure`` (a KPI value or target, as a percentage for ``*_share``
    metrics); ``standing`` (a planned pair's rank among all candidate pairs).
    """

    name: str
    zh: str
    en: str
    kind: Kind = "text"
    vocabulary: str | None = None


@dataclass(frozen=True)
class Section:
    """One part of the briefing: its table (exactly as the analysis returned it, also
    written to the workbook), the columns the page shows, and the sentences above it."""

    id: str
    sheet: str
    title_zh: str
    title_en: str
    intro_zh: str
    intro_en: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Figure:
    """A PNG figure and its bilingual caption."""

    id: str
    caption_zh: str
    caption_en: str
    png: bytes


@dataclass(frozen=True)
class Briefing:
    """Everything the page and the workbook show, computed once."""

    title_zh: str
    title_en: str
    facts: Mapping[str, object]
    sections: tuple[Section, ...]
    labels: Mapping[str, Mapping[str, tuple[str, str]]]
    figures: tuple[Figure, ...] = ()
    created: dt.date = field(default_factory=dt.date.today)
    lang: Language = "zh"
    summary: Summary | None = None

    def section(self, section_id: str) -> Section:
        """The section with this id (one of the keys of :data:`SHEETS`)."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)
