"""Names, free attributes and capability text reach the briefing and its workbook exactly
as the file wrote them (full-width brackets and letters, ideographic spaces, 〔〕)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

import collabnet as cn
from collabnet.outputs.report import briefing, render_html, write_workbook

VERBATIM = Path(__file__).resolve().parent / "data" / "good" / "verbatim_names"


def _written_names() -> list[str]:
    frame = pd.read_csv(VERBATIM / "organizations.csv", dtype=str, encoding="utf-8")
    return frame["name"].tolist()


def test_the_briefing_and_its_workbook_keep_names_as_written(tmp_path: Path) -> None:
    names = _written_names()
    assert any(ch in "".join(names) for ch in "（〔　")
    content = briefing(cn.load(VERBATIM), figures=False)
    page = render_html(content)
    for name in names:
        assert html.escape(name) in page, name

    path = write_workbook(content, tmp_path / "briefing.xlsx")
    workbook = load_workbook(path, read_only=True)
    cells = {
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if isinstance(cell, str)
    }
    assert [name for name in names if name in cells] == names
