"""Table and CSV cells of a result, against the one-value-at-a-time rendering."""

from __future__ import annotations

import numpy as np
import pandas as pd

from collabnet.outputs.text import _cell, _cells, render


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
