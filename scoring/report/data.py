"""Everything the model report shows, gathered by training (the contract between pipeline and report)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class ReportData:
    title: str
    learner: str
    learner_reason: str
    y_true: np.ndarray            # held-out outcomes (0/1)
    probability: np.ndarray       # held-out calibrated probabilities
    tiers: np.ndarray             # held-out tiers ("A".."D")
    tier_cuts: dict[str, float]   # lowest score of each tier, e.g. {"A": 70, "B": 45, "C": 20, "D": 0}
    metrics: dict[str, float]     # roc_auc, pr_auc, log_loss, brier, top_decile_capture, lift_top_decile, ...
    top_factors: list[tuple[str, float]]   # (label, mean |contribution|) over held-out rows, largest first
    excluded: list[dict]          # [{"column": ..., "reason": ...}]
    segments: dict[str, np.ndarray]  # segment column -> held-out raw values, for the fairness table
    training_frame: pd.DataFrame  # every labelled record, trained or held out (missing rates, constants, duplicates)
    scores: np.ndarray            # scores 0-100 of all rows at training time (score distribution)
    drift: dict | None = None     # DriftReport.as_dict() of the held-out rows against the training reference
    backtest: dict | None = None  # scoring.evaluation.backtest of the held-out rows
    review: list[dict] = field(default_factory=list)  # kept columns to check: [{"column": ..., "reason": ...}]
