"""Held-out metrics of a probability forecast, and the backtest an admin reads before trusting a model."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

TOP_SHARES = (0.1, 0.2, 0.3)  # "work the top 10/20/30% of leads": the cut-offs sales teams actually use
CURVE_POINTS = 20  # the lift curve at every 5% of records: smooth enough to read, small enough to store


def capture_at(y: np.ndarray, p: np.ndarray, share: float) -> float:
    """Share of all conversions found in the `share` of records scored highest (ties kept in input order)."""
    n_top = max(1, int(np.ceil(share * len(y))))
    top = np.argsort(-p, kind="stable")[:n_top]
    return float(y[top].sum() / max(y.sum(), 1))


def top_decile_capture(y: np.ndarray, p: np.ndarray) -> float:
    return capture_at(y, p, 0.1)


def backtest(y, p, tiers) -> dict:
    """What working the leads in score order would have caught on held-out history: the share of conversions in
    the top 10/20/30%, the cumulative-gains (lift) curve, and conversion by tier. Plain JSON, stored with the
    model version."""
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    tiers = np.asarray(tiers).astype(str)
    base = float(y.mean()) if len(y) else 0.0
    shares = [(i + 1) / CURVE_POINTS for i in range(CURVE_POINTS)]
    by_tier = []
    for tier in sorted(set(tiers.tolist())):
        mask = tiers == tier
        rate = float(y[mask].mean()) if mask.any() else 0.0
        by_tier.append({"tier": tier, "records": int(mask.sum()), "conversions": int(y[mask].sum()),
                        "conversion_rate": rate, "lift": rate / base if base else 0.0})
    return {
        "rows": int(len(y)), "conversions": int(y.sum()), "base_rate": base,
        "capture": {f"top_{round(100 * s)}": capture_at(y, p, s) for s in TOP_SHARES},
        "lift_curve": {"record_share": shares, "conversion_share": [capture_at(y, p, s) for s in shares]},
        "by_tier": by_tier,
    }


def metrics(y, p) -> dict[str, float]:
    y = np.asarray(y, dtype="float64")
    p = np.clip(np.asarray(p, dtype="float64"), 1e-6, 1 - 1e-6)
    both = 0 < y.sum() < len(y)
    capture = top_decile_capture(y, p)
    return {
        "roc_auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if both else float("nan"),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "brier": float(brier_score_loss(y, p)),
        "top_decile_capture": capture,
        "lift_top_decile": capture / 0.1,
        "base_rate": float(y.mean()),
        "rows": float(len(y)),
    }
