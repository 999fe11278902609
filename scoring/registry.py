"""Directory-based model registry: versions with artefact and summary, and a champion pointer.

Layout: ROOT/<version>/model.pkl, ROOT/<version>/model.json, ROOT/champion.json. The connector stores the
same artefact bytes in its database via `ScoringModel.to_bytes` / `from_bytes`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .evaluation import metrics as evaluate
from .model import SUMMARY, ScoringModel

CHAMPION = "champion.json"
# A challenger may be this much worse in held-out ROC AUC and still replace the champion (fresher data wins ties).
DEFAULT_TOLERANCE = 0.005


class Registry:
    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def versions(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if (p / SUMMARY).is_file())

    def register(self, model: ScoringModel) -> str:
        """Store a model as the next version (v0001, v0002, ...) and return that version."""
        existing = self.versions()
        version = f"v{(int(existing[-1][1:]) + 1 if existing else 1):04d}"
        model.metadata = {**model.metadata, "version": version}
        model.save(self.root / version)
        return version

    def load(self, version: str) -> ScoringModel:
        if version not in self.versions():
            raise KeyError(f"no model version {version!r} in {self.root}")
        return ScoringModel.load(self.root / version)

    def summary(self, version: str) -> dict:
        return json.loads((self.root / version / SUMMARY).read_text())

    def champion(self) -> str | None:
        path = self.root / CHAMPION
        return json.loads(path.read_text())["version"] if path.is_file() else None

    def set_champion(self, version: str, evidence: dict | None = None) -> None:
        if version not in self.versions():
            raise KeyError(f"no model version {version!r} in {self.root}")
        temporary = self.root / (CHAMPION + ".tmp")
        temporary.write_text(json.dumps({"version": version, "evidence": evidence or {}}, indent=2))
        os.replace(temporary, self.root / CHAMPION)  # atomic: readers never see a half-written pointer

    def consider(self, challenger: str, eval_frame: pd.DataFrame, eval_outcomes,
                 tolerance: float = DEFAULT_TOLERANCE) -> dict:
        """Promote the challenger unless its ROC AUC on the same evaluation rows is worse by more than tolerance."""
        y = np.asarray(eval_outcomes, dtype="float64")
        challenger_auc = evaluate(y, self.load(challenger).probability(eval_frame))["roc_auc"]
        champion = self.champion()
        decision = {"challenger": challenger, "challenger_auc": challenger_auc, "champion": champion,
                    "tolerance": tolerance, "rows": int(len(y))}
        if champion is None:
            decision.update(promoted=True, reason="no champion yet")
        else:
            champion_auc = evaluate(y, self.load(champion).probability(eval_frame))["roc_auc"]
            promoted = bool(challenger_auc >= champion_auc - tolerance)
            decision.update(champion_auc=champion_auc, promoted=promoted,
                            reason=(f"challenger AUC {challenger_auc:.4f} vs champion {champion_auc:.4f} "
                                    f"(tolerance {tolerance})"))
        if decision["promoted"]:
            self.set_champion(challenger, decision)
        return decision
