"""ScoringModel: the trained artefact (schema, feature builder, learner, calibrator, tier cuts, metadata)."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from .features.builder import FeatureBuilder, unusable_values
from .schema import Schema
from .tiers import assign_tiers, to_score

ARTEFACT = "model.pkl"
SUMMARY = "model.json"


class ScoringModel:
    def __init__(self, schema: Schema, builder: FeatureBuilder, learner, calibrator, tier_cuts: dict[str, float],
                 metadata: dict):
        self.schema = schema
        self.builder = builder
        self.learner = learner
        self.calibrator = calibrator
        self.tier_cuts = tier_cuts
        self.metadata = metadata

    @property
    def feature_info(self):
        return self.builder.feature_info_

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        X = self.builder.transform(frame)
        return self.calibrator.transform(self.learner.predict_proba(X)[:, 1])

    def score(self, frame: pd.DataFrame, reasons: bool = True) -> pd.DataFrame:
        """score (0-100), probability, tier and reasons for every row, in the frame's order and index."""
        X = self.builder.transform(frame)
        probability = self.calibrator.transform(self.learner.predict_proba(X)[:, 1])
        scores = to_score(probability)
        out = pd.DataFrame({"score": scores, "probability": probability,
                            "tier": assign_tiers(scores, self.tier_cuts)}, index=frame.index)
        out["reasons"] = self._reasons(X, frame) if reasons else ""
        return out

    def _reasons(self, X: pd.DataFrame, frame: pd.DataFrame) -> list[str]:
        try:
            from .reasons import reasons_for
        except ImportError:  # E2's module; until it lands scores go out without reasons rather than failing
            return [""] * len(X)
        found = reasons_for(self.learner.contributions(X), X, frame, self.feature_info)
        return [r.text() for r in found]

    def unusable_rows(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean per row: some filled-in value could not be read and was treated as missing."""
        return unusable_values(self.builder, frame) > 0

    # --- persistence ----------------------------------------------------------------------------------
    def summary(self) -> dict:
        """The metadata as strict JSON values (NaN metrics, e.g. an AUC on one class, become None)."""
        return _without_nan(json.loads(json.dumps(self.metadata, default=_plain)))

    def to_bytes(self) -> bytes:
        # Artefacts are produced by this service and stored by it; never load bytes from an untrusted party.
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def from_bytes(data: bytes) -> "ScoringModel":
        model = pickle.loads(data)
        if not isinstance(model, ScoringModel):
            raise ValueError("the bytes do not hold a scoring model")
        return model

    def save(self, directory) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / ARTEFACT).write_bytes(self.to_bytes())
        (directory / SUMMARY).write_text(json.dumps(self.summary(), indent=2, allow_nan=False))
        return directory

    @staticmethod
    def load(directory) -> "ScoringModel":
        path = Path(directory) / ARTEFACT
        if not path.is_file():
            raise FileNotFoundError(f"no trained model in {directory} (missing {ARTEFACT})")
        return ScoringModel.from_bytes(path.read_bytes())


def _without_nan(value):
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _without_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nan(v) for v in value]
    return value


def _plain(value):
    """JSON for numpy scalars/arrays and timestamps."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    return str(value)
