"""Blanks read as "not known": a value missing at scoring where training never saw it missing must not move
the score. A learner has no evidence for such a blank (LightGBM would send it down whichever branch holds
zero), so the record is scored as the average over values drawn from training: each affected record is
repeated once per reference row, its unknown columns filled from that row (jointly, so related columns stay
consistent), and the learner's probabilities averaged. Blanks that training did see keep their learned effect.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .features.info import FeatureInfo

REFERENCE_ROWS = 32
# A record with fewer of the model's columns filled than this share is marked "insufficient data" and kept
# out of tiers A and B: blanks alone never make a hot lead.
INSUFFICIENT_SHARE = 0.25
# "Not known: X" is said for the unknown columns that matter: at least this share of the model's total
# average influence, at most NOT_KNOWN_SHOWN of them.
MATTERS_SHARE = 0.05
NOT_KNOWN_SHOWN = 2
SIDE_KINDS = ("missing_flag", "text_signal")


@dataclass
class Marginaliser:
    sources: list[str]                  # every source column the model reads
    labels: list[str]                   # their labels, as reasons name them
    mains: list[str]                    # each source's main feature
    members: list[list[str]]            # each source's features (main, flags, text signals)
    never_missing: np.ndarray           # per source: training never saw it blank
    importance: np.ndarray              # per source: share of the model's mean |contribution|
    reference: pd.DataFrame             # REFERENCE_ROWS training feature rows

    @classmethod
    def fit(cls, learner, X_train: pd.DataFrame, feature_info: list[FeatureInfo], random_state: int = 0):
        mains = [f for f in feature_info if f.kind not in SIDE_KINDS]
        sources = [f.source for f in mains]
        members = [[f.name for f in feature_info if f.source == s] for s in sources]
        never = np.array([not X_train[f.name].isna().any() for f in mains])
        take = np.random.default_rng(random_state).choice(len(X_train), min(REFERENCE_ROWS, len(X_train)),
                                                          replace=False)
        reference = X_train.iloc[np.sort(take)].reset_index(drop=True)
        strength = np.abs(learner.contributions(reference)).mean(axis=0)
        position = {f.name: j for j, f in enumerate(feature_info)}
        by_source = np.array([sum(strength[position[n]] for n in names) for names in members])
        importance = by_source / by_source.sum() if by_source.sum() > 0 else by_source
        return cls(sources, [f.label for f in mains], [f.name for f in mains], members, never, importance, reference)

    def blank(self, X: pd.DataFrame) -> np.ndarray:
        """Per row and source: the value is missing (rows x sources, bool)."""
        return np.isnan(X[self.mains].to_numpy(dtype="float64"))

    def predict(self, learner, X: pd.DataFrame, p_model: np.ndarray, contributions: np.ndarray | None,
                blank: np.ndarray) -> np.ndarray:
        """Rows with an unknown value: their probability (in place) and contributions averaged over the
        reference rows. Returns the rows x sources mask of unknown values."""
        unknown = blank & self.never_missing
        rows = np.flatnonzero(unknown.any(axis=1))
        if rows.size == 0:
            return unknown
        k = len(self.reference)
        filled = X.iloc[np.repeat(rows, k)].reset_index(drop=True)
        tiled = self.reference.iloc[np.tile(np.arange(k), rows.size)].reset_index(drop=True)
        for s in np.flatnonzero(unknown[rows].any(axis=0)):
            replace = np.repeat(unknown[rows, s], k)
            for name in self.members[s]:
                filled.loc[replace, name] = tiled.loc[replace, name].to_numpy()
        p_model[rows] = learner.predict_proba(filled)[:, 1].reshape(rows.size, k).mean(axis=1)
        if contributions is not None:
            averaged = learner.contributions(filled).reshape(rows.size, k, -1).mean(axis=1)
            # An unknown column is no reason either way: its averaged effect is left out of the reasons.
            columns = {name: j for j, name in enumerate(X.columns)}
            for s in np.flatnonzero(unknown[rows].any(axis=0)):
                for name in self.members[s]:
                    averaged[unknown[rows, s], columns[name]] = 0.0
            contributions[rows] = averaged
        return unknown

    def notes(self, blank: np.ndarray, unknown: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Per row the extra reasons ("Insufficient data: ...", "Not known: X"), and which rows are insufficient."""
        filled = (~blank).sum(axis=1)
        insufficient = filled < INSUFFICIENT_SHARE * len(self.sources)
        matters = unknown & (self.importance >= MATTERS_SHARE)
        order = np.argsort(-self.importance)
        out = [""] * len(blank)
        for i in np.flatnonzero(insufficient | matters.any(axis=1)).tolist():
            said = [f"Insufficient data: {filled[i]} of {len(self.sources)} fields filled"] if insufficient[i] else []
            said += [f"Not known: {self.labels[s]}" for s in order if matters[i, s]][:NOT_KNOWN_SHOWN]
            out[i] = "; ".join(said)
        return out, insufficient
