"""Chosen models kept by what they were chosen from.

Choosing the model (:func:`~collabnet.recommend.ranker.choose_model`) builds a feature
space for each label year, fits the ranker and validates it: most of the time of a
``recommend`` run. The choice depends only on the network, the candidate types, the
feature settings, the seed and the code, so a :class:`ModelStore` keeps it under a key
made of all of them (the network by :attr:`Snapshot.fingerprint
<collabnet.snapshot.Snapshot.fingerprint>`): asking again on the same network takes the
kept model, in memory and, with a folder, across processes. Any change to the data, the
options or collabnet's code gives another key, so a kept model is never a stale one.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import scipy

from collabnet.recommend.features import Candidates, Settings
from collabnet.recommend.ranker import Model, choose_model
from collabnet.recommend.weights import Weights
from collabnet.snapshot import Snapshot

__all__ = ["KEPT", "ModelStore", "default_folder"]

# Bumped when the stored form changes.
FORMAT = 1
# Models kept in a folder; the least recently used go first.
KEPT = 32


def default_folder() -> Path:
    """Where the command line keeps models: ``COLLABNET_CACHE``, else
    ``$XDG_CACHE_HOME/collabnet``, else ``~/.cache/collabnet``; in its ``models/``."""
    root = os.environ.get("COLLABNET_CACHE")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = str(Path(base) / "collabnet")
    return Path(root) / "models"


class ModelStore:
    """Models chosen on networks, by what they were chosen from: in memory, and in
    ``folder`` when one is given (one JSON file per model, the :data:`KEPT` most recently
    used). A folder that cannot be written only costs the time of choosing again."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = None if folder is None else Path(folder)
        self._memory: dict[str, Model] = {}

    def chosen(
        self,
        snapshot: Snapshot,
        choice: str,
        candidates: Candidates,
        settings: Settings | None = None,
        *,
        seed: int = 0,
    ) -> Model:
        """:func:`~collabnet.recommend.ranker.choose_model`'s answer, kept or chosen now.

        A kept model says so at the end of its description. A snapshot without a
        fingerprint (a database before its first complete push) is never kept.
        """
        fingerprint = snapshot.fingerprint
        if fingerprint is None:
            return choose_model(snapshot, choice, candidates, settings, seed=seed)
        key = _key(fingerprint, choice, candidates, settings or Settings(), seed)
        model = self._memory.get(key) or self._read(key)
        if model is None:
            model = choose_model(snapshot, choice, candidates, settings, seed=seed)
            self._write(key, model)
        self._memory[key] = model
        return model

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{key}.json"

    def _read(self, key: str) -> Model | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            model = _model_from(stored["model"])
            os.utime(path)  # most recently used
        except (OSError, ValueError, KeyError, TypeError, lgb.basic.LightGBMError):
            return None  # unreadable: chosen again, and written over
        model.description += f" (chosen earlier on the same network; kept in {self.folder})"
        return model

    def _write(self, key: str, model: Model) -> None:
        path = self._path(key)
        if path is None:
            return
        text = json.dumps({"format": FORMAT, "model": _model_record(model)}, allow_nan=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written beside and renamed: a reader never sees half a file.
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
            ) as handle:
                handle.write(text)
            os.replace(handle.name, path)
            _prune(path.parent)
        except OSError:
            return


def _key(
    fingerprint: str, choice: str, candidates: Candidates, settings: Settings, seed: int
) -> str:
    what = {
        "format": FORMAT,
        "network": fingerprint,
        "choice": choice,
        "candidates": [list(candidates.sources), list(candidates.targets)],
        "settings": asdict(settings),
        "seed": seed,
        "code": _code_digest(),
        "libraries": [lgb.__version__, np.__version__, scipy.__version__, pd.__version__],
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()[:32]


@cache
def _code_digest() -> str:
    """A digest of collabnet's source (its Python and Cypher files): another version of
    the code chooses again."""
    package = Path(__file__).resolve().parents[1]
    files = sorted(package.rglob("*.py")) + sorted(package.rglob("*.cypher"))
    checkout = package.parent / "cypher"
    if checkout.is_dir():
        files += sorted(checkout.rglob("*.cypher"))
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.relative_to(package.parent)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _prune(folder: Path) -> None:
    kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[KEPT:]:
        old.unlink(missing_ok=True)


def _model_record(model: Model, *, others: bool = True) -> dict[str, Any]:
    return {
        "kind": model.kind,
        "weights": asdict(model.weights),
        "booster": None if model.booster is None else model.booster.model_to_string(),
        "calibration": None if model.calibration is None else list(model.calibration),
        "description": model.description,
        "validation": model.validation,
        "others": (
            {kind: _model_record(other, others=False) for kind, other in model.others.items()}
            if others
            else {}
        ),
    }


def _model_from(record: dict[str, Any]) -> Model:
    booster = record["booster"]
    calibration = record["calibration"]
    model = Model(
        kind=str(record["kind"]),
        weights=Weights(**record["weights"]),
        booster=None if booster is None else lgb.Booster(model_str=booster),
        calibration=None if calibration is None else (float(calibration[0]), float(calibration[1])),
        description=str(record["description"]),
        validation={
            kind: {name: float(value) for name, value in metrics.items()}
            for kind, metrics in record["validation"].items()
        },
    )
    model.others = {kind: _model_from(other) for kind, other in record["others"].items()}
    for other in model.others.values():
        other.others = {model.kind: model}
    return model
