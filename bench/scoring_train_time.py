"""Training time of `leadscore train` (default learner, one core) on 200,000 rows: X Education rows resampled
with +-10% noise on numeric columns (the same resampler as bench/scoring_speed.py)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from scoring_speed import DATA, resample, train


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        resample(pd.read_csv(DATA, low_memory=False), 200_000).to_csv(tmp / "big.csv", index=False)
        seconds = train(tmp / "big.csv", tmp / "model")
        print(f"leadscore train (default learner, incl. CV, calibration and report), 200000 rows: {seconds:.1f} s")


if __name__ == "__main__":
    main()
