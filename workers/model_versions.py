"""An installation's models in the database: the champion that scores, training a challenger on the
snapshots, and promotion by the registry's rule (`scoring.registry`: the challenger replaces the champion
unless its held-out ROC AUC, on the same rows, is worse by more than the tolerance)."""
from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from connector.crm.base import CrmClient
from connector.db.models import ModelVersion, RecordSnapshot
from connector.privacy.opt_out import not_opted_out
from connector.db.scope import InstallationScope
from connector.nurture.points_rules import rules_for
from scoring.evaluation import metrics as evaluate
from scoring.model import ScoringModel
from scoring.registry import DEFAULT_TOLERANCE
from scoring.report import render as render_report
from scoring.training import TrainingError, TrainingOptions, fingerprint, train

from .frames import CONVERTED_AT_COLUMN, LABEL_COLUMN, conversion_dates, labels, record_frame, training_schema


@dataclass(frozen=True)
class Promotion:
    promoted: bool
    reason: str
    challenger_auc: float | None = None
    champion_auc: float | None = None


class NoNewData(TrainingError):
    """The snapshots and options are those the latest version was trained on: it would come out again."""


def champion(scope: InstallationScope) -> ModelVersion | None:
    return scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))


def load_model(version: ModelVersion) -> ScoringModel:
    """The artefact, unpickled once per process: a version's bytes never change. Keyed by id *and* training
    time: SQLite hands a deleted row's id to the next insert (a disconnected installation's versions, then a
    new one's), and one process may serve several databases (tests), so an id alone can name another model."""
    key = (version.id, version.trained_at)
    model = _loaded.get(key)
    if model is None:
        model = _loaded[key] = ScoringModel.from_bytes(version.artefact)
        while len(_loaded) > MODELS_KEPT:
            _loaded.pop(next(iter(_loaded)))
    return model


MODELS_KEPT = 16  # one process serves many installations; keep their champions, not every model ever seen
_loaded: dict[tuple, ScoringModel] = {}


def train_challenger(scope: InstallationScope, client: CrmClient, learner: str = "auto",
                     max_rows: int | None = None, progress=lambda step: None) -> tuple[ModelVersion, Promotion]:
    """Train on the snapshots (a seeded random `max_rows` of them when given), store the result as the next
    version, and promote it if it wins.

    Raises `scoring.training.TrainingError` (one sentence) when the history cannot be trained on, and
    `NoNewData` when nothing changed since the latest version was trained."""
    settings = scope.installation.settings
    rows = _training_rows(scope, max_rows)
    frame = record_frame(rows, settings)
    frame[LABEL_COLUMN] = labels(rows, settings).to_numpy()
    frame[CONVERTED_AT_COLUMN] = conversion_dates(rows, settings).to_numpy()
    schema = training_schema(client.schema(), settings)
    schema = schema.without([c for c in schema.names if c not in frame])
    # The admin's points rules (None: learnt from the history) serve whenever the points learner is chosen.
    options = TrainingOptions(target=LABEL_COLUMN, learner=learner, protected=settings.protected_columns,
                              keep=settings.keep_columns, title=f"Lead scoring: installation {scope.installation_id}",
                              points_rules=rules_for(scope.installation), converted_at=CONVERTED_AT_COLUMN)
    inputs = _inputs_fingerprint(frame, options, max_rows)
    latest = scope.one_or_none(ModelVersion, ModelVersion.version == _next_version(scope) - 1)
    if latest is not None and latest.fingerprint == inputs:
        raise NoNewData(f"no new data since version {latest.version}")
    result = train(frame, options, schema=schema, progress=progress)
    model = result.model
    meta = model.summary()
    report_html, report_json = render_report(result.report) if result.report is not None else (None, None)
    version = ModelVersion(
        version=_next_version(scope), learner=meta["learner"], artefact=model.to_bytes(), features=meta["features"],
        excluded={e["column"]: e["reason"] for e in meta["excluded"]}, metrics=meta["metrics"],
        fingerprint=inputs, is_champion=False, report_html=report_html, report_json=report_json,
        backtest=meta.get("backtest"))
    scope.add(version)
    scope.session.flush()
    decision = _decide(scope, model, frame, meta["holdout_rows"])
    if decision.promoted:
        promote(scope, version)
    version.metrics = {**version.metrics, "promotion": decision.__dict__}
    return version, decision


MODIFICATION_STAMPS = ("lastmodifieddate", "hs_lastmodifieddate", "SystemModstamp", "LastModifiedDate")


def _inputs_fingerprint(frame: pd.DataFrame, options: TrainingOptions, max_rows: int | None) -> str:
    """The training data and every option that changes what is learnt from it (a cold start's points model on a
    sample is not what "Retrain now" trains on the same rows). Modification stamps are left out: writing the
    scores back moves them on every record, and a record whose only change is its new score is not new data."""
    digest = hashlib.sha256(fingerprint(frame.drop(columns=[c for c in MODIFICATION_STAMPS if c in frame])).encode())
    digest.update(repr((options.learner, options.protected, options.keep, options.points_rules, max_rows)).encode())
    return digest.hexdigest()[:16]


def _training_rows(scope: InstallationScope, max_rows: int | None) -> list[dict]:
    """The snapshots' properties as plain dicts (no ORM objects: 100,000 of those would double the memory)."""
    # Opted-out records are never learnt from (connector.privacy.opt_out).
    ids = list(scope.session.scalars(scope.select(RecordSnapshot).with_only_columns(RecordSnapshot.id)
                                     .where(not_opted_out(scope.installation.settings)).order_by(RecordSnapshot.id)))
    if max_rows is not None and len(ids) > max_rows:
        ids = sorted(random.Random(scope.installation_id).sample(ids, max_rows))
    rows: list[dict] = []
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        rows += scope.session.scalars(scope.select(RecordSnapshot).with_only_columns(RecordSnapshot.properties)
                                      .where(RecordSnapshot.id.in_(chunk)).order_by(RecordSnapshot.id))
    return rows


ID_CHUNK = 5000


def promote(scope: InstallationScope, version: ModelVersion) -> None:
    current = champion(scope)
    if current is not None and current.id != version.id:
        current.is_champion = False
        scope.session.flush()  # the one-champion index must never see two
    version.is_champion = True
    scope.session.flush()


def _decide(scope: InstallationScope, challenger: ScoringModel, frame: pd.DataFrame, holdout: list[int]) -> Promotion:
    """A fair contest: when the champion's kind of learner competed in the challenger's training, it was fitted on
    the same training rows and checked on the same held-out rows, and that figure stands for it. The stored
    champion itself may have been trained on today's held-out rows (the points model fitted at install is), which
    would flatter it; it is scored as it stands only when its kind did not compete (a learner the caller forced)."""
    current = champion(scope)
    if current is None:
        return Promotion(True, "no champion yet")
    rows = frame.iloc[holdout]
    y = rows[LABEL_COLUMN].astype(float).to_numpy()
    features = rows.drop(columns=[LABEL_COLUMN])
    # The challenger's figure is its learner's, fitted without the held-out rows (the model shipped was refitted
    # on them too, so scoring them now would flatter it).
    challenger_auc = challenger.metadata["metrics"]["roc_auc"]
    refitted = challenger.metadata["metrics"].get(f"{current.learner}_holdout_roc_auc")
    champion_auc = refitted if refitted is not None else _auc(y, load_model(current).probability(features))
    how = f"{current.learner} refitted on the same rows" if refitted is not None else "as stored"
    if math.isnan(champion_auc) or math.isnan(challenger_auc):
        return Promotion(not math.isnan(challenger_auc), "held-out rows hold one class only",
                         challenger_auc, champion_auc)
    promoted = challenger_auc >= champion_auc - DEFAULT_TOLERANCE
    return Promotion(promoted, f"challenger AUC {challenger_auc:.4f} vs champion v{current.version} ({how}) "
                               f"{champion_auc:.4f} (tolerance {DEFAULT_TOLERANCE})", challenger_auc, champion_auc)


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    return evaluate(y, p)["roc_auc"]


def _next_version(scope: InstallationScope) -> int:
    latest = scope.session.scalar(select(func.max(ModelVersion.version))
                                  .where(ModelVersion.installation_id == scope.installation_id))
    return (latest or 0) + 1
