"""Chosen models kept by what they were chosen from (collabnet.recommend.store)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from collabnet.cli import main
from collabnet.recommend import recommend, store
from collabnet.recommend.features import Candidates
from collabnet.recommend.ranker import Model
from collabnet.snapshot import Snapshot
from collabnet.tables import Tables, load_tables


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Tables:
    return load_tables(sample_dir)


def test_digest_follows_the_content_not_the_object(sample: Tables, sample_dir: Path) -> None:
    assert sample.digest() == load_tables(sample_dir).digest()
    links = sample.links.copy()
    links.loc[links.index[7], "weight"] = float(links["weight"].iat[7]) + 1
    assert replace(sample, links=links).digest() != sample.digest()
    names = sample.organizations.copy()
    names.loc[names.index[0], "name"] = str(names["name"].iat[0]) + " "
    assert replace(sample, organizations=names).digest() != sample.digest()
    assert sample.as_of(2022).digest() != sample.digest()


def _no_choosing(*args: object, **kwargs: object) -> Model:
    raise AssertionError("the model was chosen again")


@pytest.mark.parametrize("choice", ["learned", "auto"])
def test_a_kept_model_ranks_as_the_one_just_chosen(
    sample: Tables, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, choice: str
) -> None:
    fresh = recommend(sample, top=5, weights=choice, models=store.ModelStore(tmp_path))
    assert len(list(tmp_path.glob("*.json"))) == 1
    # Another store on the same folder, as in a later process: nothing is chosen again.
    monkeypatch.setattr(store, "choose_model", _no_choosing)
    kept = recommend(sample, top=5, weights=choice, models=store.ModelStore(tmp_path))
    pd.testing.assert_frame_equal(kept, fresh)
    assert kept.attrs["weights"] == (
        f"{fresh.attrs['weights']} (chosen earlier on the same network; kept in {tmp_path})"
    )


def test_the_learned_model_survives_the_round_trip(sample: Tables, tmp_path: Path) -> None:
    candidates = Candidates.default_for(sample)
    chosen = store.ModelStore(tmp_path).chosen(Snapshot(sample), "learned", candidates)
    kept = store.ModelStore(tmp_path).chosen(Snapshot(sample), "learned", candidates)
    assert chosen.booster is not None and kept.booster is not None
    assert kept.booster.model_to_string() == chosen.booster.model_to_string()
    assert (kept.kind, kept.calibration, kept.validation) == (
        chosen.kind,
        chosen.calibration,
        chosen.validation,
    )
    assert kept.weights == chosen.weights
    assert set(kept.others) == {"default"}
    assert kept.others["default"].calibration == chosen.others["default"].calibration
    pd.testing.assert_frame_equal(kept.importance(), chosen.importance())


def test_other_data_or_options_choose_again(sample: Tables, tmp_path: Path) -> None:
    models = store.ModelStore(tmp_path)
    candidates = Candidates.default_for(sample)
    models.chosen(Snapshot(sample), "default", candidates)
    links = sample.links.copy()
    dated = links["year"].dropna().index[0]
    links.loc[dated, "year"] = int(links.at[dated, "year"]) - 1
    models.chosen(Snapshot(replace(sample, links=links)), "default", candidates)
    models.chosen(Snapshot(sample), "default", candidates, seed=1)
    models.chosen(Snapshot(sample.as_of(2023)), "default", candidates)
    assert len(list(tmp_path.glob("*.json"))) == 4


def test_an_unreadable_file_is_chosen_again_and_written_over(
    sample: Tables, tmp_path: Path
) -> None:
    candidates = Candidates.default_for(sample)
    chosen = store.ModelStore(tmp_path).chosen(Snapshot(sample), "default", candidates)
    (path,) = tmp_path.glob("*.json")
    path.write_text('{"format": 1, "model": {"kind"', encoding="utf-8")
    again = store.ModelStore(tmp_path).chosen(Snapshot(sample), "default", candidates)
    assert again.calibration == chosen.calibration
    assert "kept in" not in again.description
    assert json.loads(path.read_text(encoding="utf-8"))["model"]["kind"] == "default"


def test_a_folder_that_cannot_be_written_only_costs_time(sample: Tables, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    model = store.ModelStore(blocked / "models").chosen(
        Snapshot(sample), "default", Candidates.default_for(sample)
    )
    assert model.kind == "default"


def test_only_the_most_recently_used_are_kept(
    sample: Tables, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "KEPT", 2)
    models = store.ModelStore(tmp_path)
    candidates = Candidates.default_for(sample)
    for seed in range(3):
        models.chosen(Snapshot(sample), "default", candidates, seed=seed)
    assert len(list(tmp_path.glob("*.json"))) == 2


def test_the_command_line_takes_the_kept_model_unless_told_not_to(
    in_repo: Path, sample_dir: Path, model_cache: Path
) -> None:
    arguments = ["recommend", "data/sample", "--enterprise", "E004", "--top", "3"]
    runner = CliRunner()
    first = runner.invoke(main, arguments)
    second = runner.invoke(main, arguments)
    again = runner.invoke(main, [*arguments, "--choose-again"])
    assert first.exit_code == second.exit_code == again.exit_code == 0, first.output
    kept = f"kept in {model_cache / 'models'}"
    assert kept in second.stderr
    assert kept not in again.stderr
    assert first.stdout == second.stdout == again.stdout
