"""Records per second of scoring with reasons: the real `leadscore score` command on 200,000 rows, and the
learner + reasons inner loop alone. One core (OMP_NUM_THREADS=1). The 200,000 rows are X Education rows
resampled with replacement, numeric columns jittered by +-10% noise so rows are not exact copies."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared/data/leads_x_education.csv"
LEADSCORE = [sys.executable, "-c", "from connector.cli import cli; cli()"]
ONE_CORE = {**os.environ, "OMP_NUM_THREADS": "1"}


def resample(frame: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = frame.iloc[rng.integers(0, len(frame), n)].reset_index(drop=True)
    for column in out.select_dtypes("number").columns:
        if column not in ("Converted", "Lead Number"):
            out[column] = out[column] * rng.uniform(0.9, 1.1, n)
    out["Prospect ID"] = [f"P-{i}" for i in range(n)]
    return out


def train(csv: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*LEADSCORE, "train", "--csv", str(csv), "--target", "Converted", "--id", "Prospect ID",
                    "--out", str(out)], check=True, env=ONE_CORE, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train(DATA, tmp / "model")
        big = resample(pd.read_csv(DATA, low_memory=False), 200_000)
        big.to_csv(tmp / "big.csv", index=False)
        start = time.perf_counter()
        subprocess.run([*LEADSCORE, "score", "--model", str(tmp / "model"), "--csv", str(tmp / "big.csv"),
                        "--out", str(tmp / "scored.csv"), "--id", "Prospect ID"], check=True, env=ONE_CORE,
                       capture_output=True)
        seconds = time.perf_counter() - start
        print(f"leadscore score with reasons, 200000 rows (incl. CSV read/write, process start): "
              f"{200_000 / seconds:,.0f} records/s")
        inner_loop(tmp / "model", big)


def inner_loop(model_dir: Path, big: pd.DataFrame) -> None:
    sys.path.insert(0, str(ROOT))
    from scoring.model import ScoringModel
    from scoring.reasons import reasons_for

    model = ScoringModel.load(model_dir)
    X = model.builder.transform(big)
    if hasattr(model.learner, "n_jobs"):
        model.learner.n_jobs = 1
    start = time.perf_counter()
    contributions = model.learner.contributions(X)
    middle = time.perf_counter()
    texts = [r.text() for r in reasons_for(contributions, X, big, model.feature_info)]
    end = time.perf_counter()
    print(f"learner: {type(model.learner).__name__}")
    print(f"contributions only: {len(X) / (middle - start):,.0f} records/s")
    print(f"contributions + reasons (inner loop): {len(X) / (end - start):,.0f} records/s")
    print(f"example reasons: {texts[0]}")
    sample = X.iloc[:5000]
    if hasattr(model.learner, "booster_"):
        start = time.perf_counter()
        model.learner.booster_.predict(sample.to_numpy(), pred_contrib=True, num_threads=1)
        print(f"LightGBM TreeSHAP on the same model, for comparison: {5000 / (time.perf_counter() - start):,.0f} "
              f"records/s")


if __name__ == "__main__":
    main()
