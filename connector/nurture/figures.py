"""The feedback figures on the dashboard: conversion by tier over time, override rate by tier, AUC on
recent outcomes, score and feature drift (PSI), and whether they call for retraining."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sklearn.metrics import roc_auc_score
from sqlalchemy import func, select

from connector.db.models import (CurrentScore, ModelVersion, OutcomeEvent, OverrideFeedback, RecordSnapshot,
                                utcnow)
from connector.db.rules import TIERS
from connector.db.scope import InstallationScope
from scoring.drift import DriftReport, level
from scoring.model import ScoringModel

RECENT = timedelta(days=90)  # outcomes that count for "AUC on recent outcomes"
MIN_OUTCOMES = 30  # fewer, and an AUC is noise: shown as "not enough outcomes yet"
DRIFT_WINDOW = timedelta(days=7)  # the latest week's records against training
DRIFT_SAMPLE = 2000  # newest records of that week: enough for 10-bin PSI; this runs with every sync chunk


@dataclass(frozen=True)
class Health:
    auc: float | None
    auc_outcomes: int
    psi: float | None
    psi_level: str | None  # stable / watch / act (scoring.drift)
    feature_psi: dict[str, float]  # by source column, when the champion keeps a drift reference
    auc_floor: float  # the installation's thresholds (settings: retrain_auc_below, retrain_psi_from)
    psi_limit: float

    @property
    def retraining_reason(self) -> str | None:
        if self.psi is not None and self.psi >= self.psi_limit:
            return f"score drift PSI {self.psi:.2f} ≥ {self.psi_limit}"
        drifting = {column: value for column, value in self.feature_psi.items() if value >= self.psi_limit}
        if drifting:
            column = max(drifting, key=drifting.get)
            return f"feature drift PSI {drifting[column]:.2f} on {column} ≥ {self.psi_limit}"
        if self.auc is not None and self.auc < self.auc_floor:
            return f"AUC {self.auc:.2f} on {self.auc_outcomes} recent outcomes < {self.auc_floor}"
        return None


def week_of(moment: datetime) -> date:
    day = moment.date()
    return day - timedelta(days=day.weekday())


def conversion_by_tier(scope: InstallationScope) -> dict[str, list[tuple[date, float, int]]]:
    """Per tier (the tier the record had when the outcome came), per week: share converted among outcomes."""
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0])
    for event in scope.all(OutcomeEvent):
        cell = counts[(event.tier, week_of(event.observed_at))]
        cell[0] += event.outcome == "converted"
        cell[1] += 1
    series: dict[str, list[tuple[date, float, int]]] = {tier: [] for tier in TIERS}
    for (tier, week), (converted, total) in sorted(counts.items(), key=lambda item: item[0][1]):
        if tier in series:
            series[tier].append((week, converted / total, total))
    return series


@dataclass(frozen=True)
class HistoryOutcomes:
    """Outcomes the synced records already held, by the tier each record has today."""

    by_tier: list[tuple[str, int, int]]  # (tier, converted, records with an outcome field)

    @property
    def converted(self) -> int:
        return sum(converted for _, converted, _ in self.by_tier)

    @property
    def records(self) -> int:
        return sum(records for _, _, records in self.by_tier)


def history_outcomes(scope: InstallationScope) -> HistoryOutcomes:
    """Conversions present in the synced history (the label the models learn from), counted by today's tier,
    so the page has figures before the first outcome arrives after scoring began."""
    label = scope.installation.settings.label
    tiers = dict(scope.session.execute(
        select(CurrentScore.crm_id, func.coalesce(CurrentScore.override_tier, CurrentScore.tier))
        .where(CurrentScore.installation_id == scope.installation_id)).all())
    counts = {tier: [0, 0] for tier in TIERS}
    for crm_id, properties in scope.session.execute(
            select(RecordSnapshot.crm_id, RecordSnapshot.properties)
            .where(RecordSnapshot.installation_id == scope.installation_id)):
        outcome = label.converted(properties or {})
        tier = tiers.get(crm_id)
        if outcome is None or tier not in counts:
            continue
        counts[tier][0] += outcome
        counts[tier][1] += 1
    return HistoryOutcomes([(tier, converted, records) for tier, (converted, records) in counts.items()])


def override_rate_by_tier(scope: InstallationScope) -> list[tuple[str, int, int, float]]:
    """(model tier, records overridden, records in that tier now, rate) for A to D."""
    db, installation_id = scope.session, scope.installation_id
    scored = dict(db.execute(select(CurrentScore.tier, func.count()).where(
        CurrentScore.installation_id == installation_id).group_by(CurrentScore.tier)).all())
    overridden = dict(db.execute(select(OverrideFeedback.model_tier, func.count(func.distinct(OverrideFeedback.crm_id)))
                                 .where(OverrideFeedback.installation_id == installation_id)
                                 .group_by(OverrideFeedback.model_tier)).all())
    return [(tier, overridden.get(tier, 0), scored.get(tier, 0),
             overridden.get(tier, 0) / scored[tier] if scored.get(tier) else 0.0) for tier in TIERS]


def health(scope: InstallationScope, now: datetime | None = None) -> Health:
    now = now or utcnow()
    events = scope.all(OutcomeEvent, OutcomeEvent.observed_at >= now - RECENT)
    labels = [event.outcome == "converted" for event in events]
    auc = None
    if len(events) >= MIN_OUTCOMES and 0 < sum(labels) < len(labels):
        auc = float(roc_auc_score(labels, [event.score for event in events]))
    report = _model_drift(scope, now)
    value = report.score_psi if report is not None else None
    settings = scope.installation.settings
    return Health(auc=auc, auc_outcomes=len(events), psi=value, psi_level=None if value is None else level(value),
                  feature_psi=report.feature_psi if report is not None else {},
                  auc_floor=settings.retrain_auc_below, psi_limit=settings.retrain_psi_from)


def _model_drift(scope: InstallationScope, now: datetime) -> DriftReport | None:
    """`ScoringModel.drift` (the score and the top features against the reference kept at training) on the
    records synced in the latest week; None when there are too few, or the model was trained without a reference."""
    champion = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    if champion is None:
        return None
    rows = list(scope.session.scalars(select(RecordSnapshot.properties).where(
        RecordSnapshot.installation_id == scope.installation_id, RecordSnapshot.synced_at >= now - DRIFT_WINDOW)
        .order_by(RecordSnapshot.id.desc()).limit(DRIFT_SAMPLE)))
    if len(rows) < MIN_OUTCOMES:
        return None
    try:
        return ScoringModel.from_bytes(champion.artefact).drift(pd.DataFrame.from_records(rows))
    except ValueError:  # trained without a drift reference
        return None
