"""Label-leak guard: columns that reveal the outcome instead of predicting it.

Two kinds: names that mark later stages or outcomes, and values that alone separate the classes almost
perfectly (typical of fields sales staff fill in after talking to the lead).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from ..schema import Schema, clean_text, to_boolean, to_datetime, to_number
from . import Exclusion, name_tokens

OUTCOME_WORDS = frozenset({"converted", "conversion", "won", "lost", "closed", "opportunity", "opportunities",
                           "deal", "deals", "churned", "churn", "outcome", "revenue"})
# Phrases whose words together mark a later stage, e.g. "Became a customer date".
OUTCOME_PHRASES = (frozenset({"customer", "date"}), frozenset({"became", "customer"}))
LEAK_AUC = 0.90
# A status-like column is outcome-like when it alone predicts this well.
STATUS_AUC = 0.80
# "Present almost only on converted records": at least this share of filled rows converted...
PRESENT_POSITIVE_SHARE = 0.95
# ...while being filled on a fair part of the converted ones.
PRESENT_MIN_RECALL = 0.2
BINS = 10
# Filled in at least this many times as often on converted records as on the others, and presence alone
# separating the classes this well: the mark of a field staff fill in after talking to a lead. Flagged for
# review, not excluded: a form question answered mostly by keen leads looks much the same (X Education:
# such fields showed presence ratios of 2.1 and 2.6, genuine form questions 1.5; presence AUCs overlap).
LATE_PRESENCE_RATIO = 2.0
LATE_PRESENCE_AUC = 0.6


def outcome_name(name: str) -> bool:
    tokens = set(name_tokens(name))
    return bool(OUTCOME_WORDS & tokens) or any(phrase <= tokens for phrase in OUTCOME_PHRASES)


def column_key(type_: str, values: pd.Series) -> pd.Series:
    """A discrete key per record (value, quantile bin or 'missing') for a one-column model."""
    if type_ in ("number", "datetime", "boolean"):
        if type_ == "number":
            numbers = to_number(values)
        elif type_ == "boolean":
            numbers = to_boolean(values)
        else:
            stamps = to_datetime(values)
            numbers = pd.Series(stamps.to_numpy().astype("int64"), index=values.index, dtype="float64")
            numbers = numbers.where(stamps.notna())
        ranks = numbers.rank(pct=True, method="dense")
        return np.ceil(ranks * BINS).fillna(-1).astype(int).astype(str)
    return clean_text(values).fillna("(missing)").astype(str)


def single_column_auc(key: pd.Series, y: np.ndarray, folds: int = 2, seed: int = 0) -> float:
    """Out-of-fold target-rate encoding, so a column of near-unique values cannot look predictive by chance."""
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, folds, len(y))
    encoded = np.empty(len(y))
    prior = y.mean()
    for k in range(folds):
        train = fold != k
        stats = pd.DataFrame({"key": key.to_numpy()[train], "y": y[train]}).groupby("key")["y"].agg(["sum", "count"])
        rate = (stats["sum"] + prior * 5) / (stats["count"] + 5)
        encoded[~train] = pd.Series(key.to_numpy()[~train]).map(rate).fillna(prior).to_numpy()
    auc = roc_auc_score(y, encoded)
    return float(max(auc, 1 - auc))


def present_mostly_on_converted(values: pd.Series, y: np.ndarray) -> bool:
    present = clean_text(values).notna().to_numpy()
    if present.sum() == 0 or y.sum() == 0:
        return False
    positive_share = y[present].mean()
    recall = present[y == 1].mean()
    return bool(positive_share >= PRESENT_POSITIVE_SHARE and recall >= PRESENT_MIN_RECALL)


def leaky_columns(frame: pd.DataFrame, y: np.ndarray, schema: Schema) -> list[Exclusion]:
    found = []
    for column in schema.columns:
        if column.name not in frame:
            continue
        if outcome_name(column.name):
            found.append(Exclusion(column.name, "name marks a later stage or outcome (label leak)"))
            continue
        values = frame[column.name]
        auc = single_column_auc(column_key(column.type, values), y)
        is_status = "status" in name_tokens(column.name) or "stage" in name_tokens(column.name)
        if auc >= LEAK_AUC:
            found.append(Exclusion(column.name, f"alone separates converted from not converted (ROC AUC {auc:.2f}): label leak"))
        elif is_status and auc >= STATUS_AUC:
            found.append(Exclusion(column.name, f"outcome-like status (alone ROC AUC {auc:.2f}): label leak"))
        elif present_mostly_on_converted(values, y):
            found.append(Exclusion(column.name, "filled in almost only on converted records: label leak"))
    return found


def late_filled_suspects(frame: pd.DataFrame, y: np.ndarray, schema: Schema) -> list[Exclusion]:
    """Columns filled in far more often on converted records: possibly written after contact. For review."""
    found = []
    for column in schema.columns:
        if column.name not in frame or y.sum() == 0 or y.sum() == len(y):
            continue
        present = clean_text(frame[column.name]).notna().to_numpy()
        if present.all() or not present.any():
            continue
        on_converted, on_others = present[y == 1].mean(), present[y == 0].mean()
        auc = roc_auc_score(y, present)
        if on_converted >= LATE_PRESENCE_RATIO * max(on_others, 1e-9) and auc >= LATE_PRESENCE_AUC:
            found.append(Exclusion(column.name, f"filled in on {on_converted:.0%} of converted records but "
                                                f"{on_others:.0%} of the others: check it is known before contact"))
    return found
