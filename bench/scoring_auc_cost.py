"""Held-out ROC AUC cost of the fast-reasons additive learner against the unconstrained LightGBM.

X Education: the data README's split (stratified 80/20, random_state 42, all columns but ids and `Tags`) and a
5-fold stratified average; plus a 200,000-row synthetic set with interactions (generator below), one split."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from scoring.features.builder import FeatureBuilder  # noqa: E402
from scoring.models.additive import AdditiveBoostingClassifier  # noqa: E402
from scoring.models.lightgbm_full import FullLightGBMClassifier  # noqa: E402
from scoring.schema import infer_schema  # noqa: E402

DATA = ROOT.parent / "shared/data/leads_x_education.csv"


def aucs(frame: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> tuple[float, float]:
    builder = FeatureBuilder(infer_schema(frame))
    X_train = builder.fit_transform(frame.iloc[train], y[train])
    X_test = builder.transform(frame.iloc[test])
    cats = builder.categorical_features_
    out = []
    for learner in (AdditiveBoostingClassifier(categorical_features=cats, n_jobs=1),
                    FullLightGBMClassifier(categorical_features=cats, n_jobs=1)):
        learner.fit(X_train, y[train])
        out.append(roc_auc_score(y[test], learner.predict_proba(X_test)[:, 1]))
    return out[0], out[1]


def synthetic(n: int = 200_000, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    visits = rng.poisson(3, n)
    minutes = rng.exponential(8, n)
    industry = rng.choice(["Healthcare", "Retail", "Software", "Finance", "Education"], n)
    source = rng.choice(["Ads", "Referral", "Organic", "Event"], n)
    size = rng.lognormal(4, 1.2, n)
    z = (0.6 * np.log1p(visits) + 0.08 * minutes - 0.002 * minutes ** 2 + 0.9 * (industry == "Software")
         + 0.5 * (source == "Referral") + 0.4 * (source == "Referral") * (industry == "Finance")
         + 0.2 * np.log1p(size) - 2.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return pd.DataFrame({"visits": visits, "minutes": minutes, "industry": industry, "source": source,
                         "size": size}), y


def main() -> None:
    raw = pd.read_csv(DATA, low_memory=False)
    y = raw["Converted"].to_numpy().astype(int)
    frame = raw.drop(columns=["Prospect ID", "Lead Number", "Tags", "Converted"])
    positions = np.arange(len(frame))
    train, test = train_test_split(positions, test_size=0.2, stratify=y, random_state=42)
    a, f = aucs(frame, y, train, test)
    print(f"X Education README split: additive AUC {a:.4f}, unconstrained AUC {f:.4f}, cost {f - a:+.4f} AUC")
    folds = [aucs(frame, y, tr, te) for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(frame, y)]
    a, f = np.mean(folds, axis=0)
    print(f"X Education 5-fold mean: additive AUC {a:.4f}, unconstrained AUC {f:.4f}, cost {f - a:+.4f} AUC")
    frame, y = synthetic()
    train, test = train_test_split(np.arange(len(y)), test_size=0.2, stratify=y, random_state=42)
    a, f = aucs(frame, y, train, test)
    print(f"synthetic 200000 rows: additive AUC {a:.4f}, unconstrained AUC {f:.4f}, cost {f - a:+.4f} AUC")


if __name__ == "__main__":
    main()
