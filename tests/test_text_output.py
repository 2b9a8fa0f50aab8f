"""Table and CSV cells of a result, against the one-value-at-a-time rendering."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collabnet.outputs.text import _cell, _cells, csv_pieces, render


def test_cells_by_column_equal_cells_one_by_one() -> None:
    frame = pd.DataFrame(
        {
            "score": [0.123456789, np.nan, np.inf, -np.inf, 2_500_000.4, -0.0],
            "rank": np.arange(1, 7),
            "open": [True, False, True, True, False, False],
            "name": pd.array(["甲", None, "b", "c", "d", "e"], dtype="string"),
            "reasons": [["一 / one", "二 / two"], [], ["x"], ["y"], ["z"], ["w"]],
            "mixed": [1, 2.5, None, "s", pd.NA, (1, 2)],
            "count": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
        }
    )
    frame.columns = ["score", "rank", "open", "name", "reasons", "mixed", "score"]
    expected = frame.astype(object).map(_cell)
    got = _cells(frame)
    assert list(got.columns) == list(frame.columns)
    assert got.to_numpy().tolist() == expected.to_numpy().tolist()
    assert got.loc[1].tolist()[0] == ""
    assert render(frame, "csv") == expected.to_csv(index=False)


def test_csv_is_what_pandas_writes() -> None:
    """The CSV writer quotes, escapes and ends lines as pandas does, on awkward cells."""
    awkward = ["a,b", 'say "hi"', "two\nlines", " padded ", "", "=1+1", "tab\there", "中,文"]
    frames = [
        pd.DataFrame({"text": awkward, "n": range(len(awkward))}),
        pd.DataFrame({"only": ["", "x", ""]}),
        pd.DataFrame({"a,b": [1], 'q"': [2.5], 3: ["x"]}),
        pd.DataFrame({"empty": pd.Series([], dtype=object), "n": pd.Series([], dtype=int)}),
    ]
    for frame in frames:
        assert render(frame, "csv") == _cells(frame).to_csv(index=False)


def test_csv_in_pieces_is_the_same_text() -> None:
    frame = pd.DataFrame(
        {"name": [f"org {i}" for i in range(10)], "score": np.linspace(0, 1, 10), "n": range(10)}
    )
    whole = render(frame, "csv")
    for rows in (1, 3, 10, 11):
        pieces = list(csv_pieces(frame, rows=rows))
        assert len(pieces) == -(-len(frame) // rows)
        assert "".join(pieces) == whole
    empty = frame.iloc[:0]
    assert list(csv_pieces(empty, rows=3)) == [render(empty, "csv")] == ["name,score,n\n"]
    changed = "".join(csv_pieces(frame, lambda part: part.assign(n=-part["n"]), rows=4))
    assert changed == render(frame.assign(n=-frame["n"]), "csv")


def test_a_csv_file_is_written_with_one_byte_order_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collabnet.cli._app import emit
    from collabnet.outputs import text

    frame = pd.DataFrame({"name": ["=1+1", "甲", "b"] * 5, "n": range(15)})
    target = tmp_path / "out.csv"
    monkeypatch.setattr(text, "CSV_ROWS", 4)
    assert len(list(text.csv_pieces(frame))) == 4
    emit(frame, "csv", target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "name,n" and lines[1] == "'=1+1,0" and len(lines) == 16
