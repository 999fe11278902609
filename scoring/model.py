"""ScoringModel: the trained artefact (schema, feature builder, learner, calibrator, tier cuts, metadata)."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from .drift import DriftReport, psi_against
from .features.builder import FeatureBuilder
from .missing import Marginaliser
from .reasons import Points, reason_texts
from .schema import Schema
from .tiers import TIERS, ScoreScale, assign_tiers, to_score

ARTEFACT = "model.pkl"
SUMMARY = "model.json"


class ScoringModel:
    def __init__(self, schema: Schema, builder: FeatureBuilder, learner, calibrator, tier_cuts: dict[str, float],
                 metadata: dict, marginaliser: Marginaliser | None = None, scale: ScoreScale | None = None):
        self.schema = schema
        self.builder = builder
        self.learner = learner
        self.calibrator = calibrator
        self.tier_cuts = tier_cuts
        self.metadata = metadata
        self.marginaliser = marginaliser
        self.scale = scale

    @property
    def feature_info(self):
        return self.builder.feature_info_

    @property
    def columns(self) -> list[str]:
        """The record columns the model reads; any others are ignored."""
        return [source for source, _, _ in self.builder.plan_]

    @property
    def text_columns(self) -> list[str]:
        """Columns read as text (categories, flags, dates, short text), e.g. to read a CSV as categoricals."""
        return [source for source, how, _ in self.builder.plan_ if how != "number"]

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        return self.feature_probability(self.builder.transform(frame))

    def feature_probability(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probabilities of rows already turned into features (builder.transform)."""
        return self._probability(X, None)[0]

    def _probability(self, X: pd.DataFrame, contributions: np.ndarray | None):
        """Calibrated probabilities (values unknown to training marginalised; `contributions` averaged to match,
        in place), the rows x sources blank mask, the unknown mask (None for models without a marginaliser) and
        the model's own probabilities before calibration."""
        # The additive learner's probability is its contributions summed: no second pass over the tables.
        from_contributions = getattr(self.learner, "probability_from", None)
        if contributions is not None and from_contributions is not None:
            p_model = from_contributions(contributions)
        else:
            p_model = self.learner.predict_proba(X)[:, 1]
        marginaliser = getattr(self, "marginaliser", None)  # models pickled before it existed have none
        blank = unknown = None
        if marginaliser is not None:
            blank = marginaliser.blank(X)
            unknown = marginaliser.predict(self.learner, X, p_model, contributions, blank)
        return self.calibrator.transform(p_model), blank, unknown, p_model

    def to_score(self, probability) -> np.ndarray:
        """Score 0-100 of calibrated probabilities (tiers.ScoreScale; 100 x probability for older models)."""
        return self._score_value(probability, rounded=True)

    def _score_value(self, probability, rounded: bool = False) -> np.ndarray:
        scale = getattr(self, "scale", None)  # models pickled before it existed have none
        if scale is None:
            return to_score(probability) if rounded else np.clip(probability, 0, 1) * 100
        return scale(probability) if rounded else scale.value(probability)

    def points_moved(self, p_model: np.ndarray) -> Points:
        """How many score points a factor moved each row: its score with the factor's log-odds against without
        them, both through the calibration, so a rep reads the same units as the score."""
        raw = np.log(np.clip(p_model, 1e-12, 1.0)) - np.log(np.clip(1.0 - p_model, 1e-12, 1.0))
        score = self._score_value(self.calibrator.transform(p_model))

        def points(rows: np.ndarray, moved: np.ndarray) -> np.ndarray:
            without = self._score_value(self.calibrator.transform(1.0 / (1.0 + np.exp(moved - raw[rows]))))
            return np.rint(score[rows] - without).astype(int)
        return points

    def score(self, frame: pd.DataFrame, reasons: bool = True, as_of=None) -> pd.DataFrame:
        """score (0-100), probability, tier and reasons for every row, in the frame's order and index.
        `as_of` (a datetime, e.g. now for live records) is the moment ages are measured to; by default the
        newest date seen in training, so scoring a historical CSV reproduces training's view of it."""
        return self.score_marking_unreadable(frame, reasons, as_of)[0]

    def score_marking_unreadable(self, frame: pd.DataFrame, reasons: bool = True,
                                 as_of=None) -> tuple[pd.DataFrame, np.ndarray]:
        """As score(), and per row whether a filled-in value could not be read (the row is scored on the rest)."""
        builder = self.builder if as_of is None else self.builder.at(as_of)
        X, unreadable = builder.transform_counting_unreadable(frame)
        contributions = self.learner.contributions(X) if reasons else None
        probability, blank, unknown, p_model = self._probability(X, contributions)
        scores = self.to_score(probability)
        tiers = assign_tiers(scores, self.tier_cuts)
        notes = [""] * len(X)
        if blank is not None:
            notes, insufficient = self.marginaliser.notes(blank, unknown)
            # Blanks alone never make a hot lead: a mostly empty record stays out of tiers A and B.
            tiers = np.where(insufficient & np.isin(tiers, TIERS[:2]), TIERS[2], tiers)
        out = pd.DataFrame({"score": scores, "probability": probability, "tier": tiers}, index=frame.index)
        if reasons:
            # A low score is explained by what lowered it first: tier C or D, or below the training base rate.
            base_rate = (self.metadata.get("metrics") or {}).get("base_rate", 0.0)
            texts = reason_texts(contributions, X, frame, self.feature_info,
                                 getattr(self.builder, "related_sources_", ()), points=self.points_moved(p_model),
                                 low=np.isin(tiers, TIERS[2:]) | (probability < base_rate))
            out["reasons"] = ["; ".join(filter(None, pair)) for pair in zip(notes, texts)]
        else:
            out["reasons"] = ""
        return out, unreadable > 0

    def drift(self, records_or_scores, scores=None) -> DriftReport:
        """PSI against the training reference kept in the metadata: of the score and the top features when given
        records (a DataFrame), of the score alone when given scores (0-100). `scores` saves scoring the records
        again when the caller has them (they may cover more rows than the records, e.g. a sample of them)."""
        ref = self.metadata.get("drift_reference")
        if not ref:
            raise ValueError("this model was trained without a drift reference; retrain it to measure drift")
        if isinstance(records_or_scores, pd.DataFrame):
            X = self.builder.transform(records_or_scores)
            if scores is None:
                scores = self.to_score(self.feature_probability(X))
            features = {source: psi_against(r, X[r["feature"]].to_numpy(dtype="float64"))
                        for source, r in ref["features"].items()}
        else:
            scores, features = records_or_scores, {}
        scores = np.asarray(scores, dtype="float64")
        return DriftReport(psi_against(ref["score"], scores), features, len(scores))

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
