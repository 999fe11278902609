"""Cold-start points rules: what an admin edits on the dashboard, what workers train the points model with,
and how those rules would have ranked past records next to the model.

Workers call `rules_for(installation)` and pass the result as `TrainingOptions.points_rules`: None means
"no rules edited, learn them from the data" (the points model's default); a list is used as written.

The form holds one rule per line, `feature op value : points`, e.g.

    pricing_page_views >= 3 : 15
    email is_missing : -20
    industry == Software : 8

where a feature is a column of the current model's feature matrix (listed on the page) and op is one of
`scoring.models.points.OPS`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sqlalchemy import select
from sqlalchemy.orm import object_session

from connector.db.models import CurrentScore, Installation, ModelVersion, PointsRuleSet, RecordSnapshot
from connector.db.rules import TIERS
from connector.db.scope import InstallationScope
from scoring.features.info import FeatureInfo
from scoring.model import ScoringModel
from scoring.models.points import OPS, PointsModel

from .feedback import outcome_reader

MAX_RULES = 30
MAX_POINTS = 100
COMPARED = 5_000  # newest records compared: plenty for rates and an AUC, and the page loads in about a second
MIN_RECORDS = 30  # fewer, and a rate or an AUC is noise


def rules_for(installation: Installation) -> list[dict[str, Any]] | None:
    """The admin's rules for this installation, or None when none were saved (then the points model
    learns its rules from univariate lift on the history)."""
    session = object_session(installation)
    row = InstallationScope(session, installation).one_or_none(PointsRuleSet) if session is not None else None
    return list(row.rules) if row is not None and row.rules else None


def save_rules(scope: InstallationScope, rules: list[dict[str, Any]], by: str) -> PointsRuleSet:
    """Store (replace) the installation's rules; an empty list goes back to learnt rules. Not committed."""
    row = scope.one_or_none(PointsRuleSet) or scope.add(PointsRuleSet(rules=[]))
    row.rules, row.updated_by = rules, by
    return row


def champion_model(scope: InstallationScope) -> ScoringModel | None:
    version = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    return ScoringModel.from_bytes(version.artefact) if version is not None else None


def features_of(model: ScoringModel | None) -> dict[str, FeatureInfo]:
    """The features a rule may name: the current model's columns (none before the first sync)."""
    return {info.name: info for info in model.feature_info} if model is not None else {}


# --- the form's text ------------------------------------------------------------------------------------


def rules_text(rules: list[dict[str, Any]] | None) -> str:
    lines = []
    for rule in rules or []:
        when = rule["when"]
        value = "" if when["op"] == "is_missing" else f" {_plain(when['value'])}"
        lines.append(f"{when['column']} {when['op']}{value} : {int(rule['points']):+d}")
    return "\n".join(lines)


def parse_rules(text: str, features: dict[str, FeatureInfo]) -> tuple[list[dict[str, Any]], list[str]]:
    """(rules, problems); each problem names its line and what is wrong, so nothing is saved half-read."""
    rules, problems = [], []
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_RULES:
        problems.append(f"Keep to {MAX_RULES} rules at most (there are {len(lines)}).")
    for number, line in lines:
        rule, problem = _parse_line(line, features)
        if problem:
            problems.append(f"Line {number} ({line}): {problem}")
        else:
            rules.append(rule)
    return rules, problems


def _parse_line(line: str, features: dict[str, FeatureInfo]) -> tuple[dict | None, str | None]:
    condition, colon, points_text = line.rpartition(":")
    if not colon:
        return None, "write it as  feature op value : points  (e.g. pricing_page_views >= 3 : 15)."
    try:
        points = int(points_text.strip())
    except ValueError:
        return None, f"the points must be a whole number, not {points_text.strip()!r}."
    if points == 0 or abs(points) > MAX_POINTS:
        return None, f"the points must be between -{MAX_POINTS} and {MAX_POINTS}, and not 0."
    parts = condition.split(None, 2)
    if len(parts) < 2:
        return None, "name a feature and an operator."
    column, op, value_text = parts[0], parts[1], (parts[2].strip() if len(parts) > 2 else "")
    info = features.get(column)
    if info is None:
        return None, f"there is no feature named {column!r}."
    if op not in OPS:
        return None, f"unknown operator {op!r}; use one of {', '.join(OPS)}."
    when: dict[str, Any] = {"column": column, "op": op}
    if op == "is_missing":
        if value_text:
            return None, "is_missing takes no value."
        return {"when": when, "points": points}, None
    if not value_text:
        return None, f"{op} needs a value."
    if info.kind == "category":
        if op not in ("==", "!="):
            return None, f"{column} is a category: use == or !=."
        if value_text not in info.categories:
            return None, f"{value_text!r} is not a category of {column} ({', '.join(info.categories)})."
        when["value"] = value_text
    else:
        try:
            when["value"] = float(value_text)
        except ValueError:
            return None, f"{column} is a number: {value_text!r} is not."
        if not math.isfinite(when["value"]):
            return None, "the value must be a finite number."
    return {"when": when, "points": points}, None


def _plain(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# --- how the rules would have ranked past records -----------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    name: str
    auc: float | None
    by_tier: list[tuple[str, int, int, float]]  # (tier, records, converted, rate)


@dataclass(frozen=True)
class Comparison:
    records: int
    converted: int
    population: str  # which records were compared, in words
    points: Ranking
    model: Ranking


def compare(scope: InstallationScope, rules: list[dict[str, Any]], model: ScoringModel | None) -> Comparison | None:
    """The rules' ranking next to the model's current scores, on past records whose outcome is known.

    Records are those that converted or were disqualified when there are enough of both; otherwise every
    scored record, converted against not (yet) converted. Points tiers get the same shares as the model's
    tiers, so a tier's conversion rate compares like with like. The model was trained on these records, so
    its figures are in-sample and flatter it; the rules' are not. None when there is too little to compare."""
    if model is None or not rules:
        return None
    # Plain columns, newest snapshots first by id (indexed): ORM objects and a sort on modified_at cost more
    # than the comparison itself.
    rows = scope.session.execute(
        select(RecordSnapshot.properties, CurrentScore.probability, CurrentScore.tier)
        .join(CurrentScore, (CurrentScore.installation_id == RecordSnapshot.installation_id)
              & (CurrentScore.object_type == RecordSnapshot.object_type)
              & (CurrentScore.crm_id == RecordSnapshot.crm_id))
        .where(RecordSnapshot.installation_id == scope.installation_id)
        .order_by(RecordSnapshot.id.desc()).limit(COMPARED)).all()
    outcome_of = outcome_reader(scope.installation)
    outcomes = [outcome_of(properties or {}) for properties, _, _ in rows]
    decided = [i for i, outcome in enumerate(outcomes) if outcome is not None]
    decided_labels = [outcomes[i] == "converted" for i in decided]
    if len(decided) >= MIN_RECORDS and 0 < sum(decided_labels) < len(decided_labels):
        keep, population = decided, "records that converted or were disqualified"
    else:
        keep, population = list(range(len(rows))), "every scored record: converted vs not (yet) converted"
    if len(keep) < MIN_RECORDS:
        return None
    y = np.array([outcomes[i] == "converted" for i in keep], dtype=float)
    frame = pd.DataFrame.from_records([rows[i][0] or {} for i in keep])
    X = model.builder.transform(frame)
    labels = {f.name: f.categories for f in model.feature_info if f.kind == "category"}
    points = PointsModel(rules=rules, category_labels=labels).fit(X, y).total_points(X)
    model_tiers = np.array([rows[i][2] for i in keep])
    return Comparison(
        records=len(keep), converted=int(y.sum()), population=population,
        points=Ranking("Your points rules", _auc(y, points), _by_tier(y, _tiers_like(points, model_tiers))),
        model=Ranking("Current model", _auc(y, np.array([rows[i][1] for i in keep])), _by_tier(y, model_tiers)))


def _tiers_like(points: np.ndarray, model_tiers: np.ndarray) -> np.ndarray:
    """Tiers by points, best first, with as many records in each tier as the model put there."""
    order = np.argsort(-points, kind="stable")
    tiers = np.empty(len(points), dtype=object)
    start = 0
    for tier in TIERS:
        count = int((model_tiers == tier).sum())
        tiers[order[start:start + count]] = tier
        start += count
    tiers[order[start:]] = TIERS[-1]
    return tiers


def _by_tier(y: np.ndarray, tiers: np.ndarray) -> list[tuple[str, int, int, float]]:
    rows = []
    for tier in TIERS:
        hit = tiers == tier
        total, converted = int(hit.sum()), int(y[hit].sum())
        rows.append((tier, total, converted, converted / total if total else 0.0))
    return rows


def _auc(y: np.ndarray, ranking: np.ndarray) -> float | None:
    return float(roc_auc_score(y, ranking)) if 0 < y.sum() < len(y) else None
