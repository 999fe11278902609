"""Held-out metrics of a probability forecast."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score


def top_decile_capture(y: np.ndarray, p: np.ndarray) -> float:
    """Share of all conversions found in the 10% of records scored highest."""
    n_top = max(1, int(np.ceil(0.1 * len(y))))
    top = np.argsort(-p, kind="stable")[:n_top]
    return float(y[top].sum() / max(y.sum(), 1))


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
