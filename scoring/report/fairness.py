"""Fairness table: how each value of an admin-marked segment column fares, with the four-fifths ratio."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

FOUR_FIFTHS = 0.8


def fairness_table(segments: dict, y, probability, tiers, tier_names: list[str]) -> list[dict]:
    """One row per (segment column, value): count, tier shares, conversion rate, AUC where both classes
    exist, and the A+B rate against the best-off value of the same column (flagged below 0.8)."""
    y = np.asarray(y).astype(int)
    probability = np.asarray(probability, dtype="float64")
    tiers = np.asarray(tiers).astype(str)
    table = []
    for column, values in segments.items():
        shown = pd.Series(values, dtype="object").fillna("(missing)").astype(str).to_numpy()
        rows = []
        for value in sorted(set(shown)):
            mask = shown == value
            ys = y[mask]
            rows.append({
                "column": column, "value": value, "count": int(mask.sum()),
                "tier_share": {t: float(np.mean(tiers[mask] == t)) for t in tier_names},
                "conversion_rate": float(ys.mean()),
                "roc_auc": float(roc_auc_score(ys, probability[mask])) if 0 < ys.sum() < len(ys) else None,
                "ab_rate": float(np.mean(np.isin(tiers[mask], ["A", "B"]))),
            })
        best = max((r["ab_rate"] for r in rows), default=0.0)
        for r in rows:
            r["four_fifths_ratio"] = r["ab_rate"] / best if best > 0 else None
            r["flagged"] = r["four_fifths_ratio"] is not None and r["four_fifths_ratio"] < FOUR_FIFTHS
        table.extend(rows)
    return table
