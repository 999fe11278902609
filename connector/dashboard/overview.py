"""Read-only pages: the installations list, one installation's health, its sync runs, models and audit log."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from sqlalchemy import func, select

from connector import jobs
from connector.db import get_session
from connector.db.audit import record_event
from connector.db.models import AuditEvent, CurrentScore, Installation, InstallationStatus, ModelVersion, SyncRun

from . import bp, scope_or_404
from .model_figures import headline, named_metrics, outcomes, tier_rates
from .retraining import latest_retraining
from .setup import crm_setups

RUNS_SHOWN = 50
AUDIT_SHOWN = 200


def _latest_run(db, installation_id: int) -> SyncRun | None:
    query = (select(SyncRun).where(SyncRun.installation_id == installation_id)
             .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1))
    return db.scalars(query).first()


@bp.get("/")
def installations():
    db = get_session()
    rows = [(installation, _latest_run(db, installation.id))
            for installation in db.scalars(select(Installation).order_by(Installation.name, Installation.id))]
    return render_template("dashboard/installations.html", rows=rows, Status=InstallationStatus,
                           connectable=[setup.crm for setup in crm_setups() if setup.can_connect])


@bp.get("/installations/<int:installation_id>")
def installation(installation_id: int):
    scope = scope_or_404(installation_id)
    counts = dict(scope.session.execute(
        select(CurrentScore.tier, func.count()).where(CurrentScore.installation_id == installation_id)
        .group_by(CurrentScore.tier)).all())
    total = sum(counts.values())
    distribution = [(tier, counts.get(tier, 0), round(100 * counts.get(tier, 0) / total) if total else 0)
                    for tier in "ABCD"]
    champion = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    runs = scope.all(SyncRun, order_by=SyncRun.started_at.desc(), limit=5)
    return render_template("dashboard/installation.html", installation=scope.installation,
                           distribution=distribution, total=total, champion=champion, runs=runs,
                           retraining=latest_retraining(scope), **_model_context(champion))


@bp.get("/installations/<int:installation_id>/runs")
def runs(installation_id: int):
    scope = scope_or_404(installation_id)
    runs = scope.all(SyncRun, order_by=SyncRun.started_at.desc(), limit=RUNS_SHOWN)
    return render_template("dashboard/runs.html", installation=scope.installation, runs=runs)


@bp.get("/installations/<int:installation_id>/models")
def models(installation_id: int):
    scope = scope_or_404(installation_id)
    versions = scope.all(ModelVersion, order_by=ModelVersion.version.desc())
    champion = next((version for version in versions if version.is_champion), None)
    return render_template("dashboard/models.html", installation=scope.installation, versions=versions,
                           outcomes=outcomes(scope, versions), named_metrics=named_metrics, **_model_context(champion))


def _model_context(champion: ModelVersion | None) -> dict:
    """The champion's held-out figures, the same on every page that shows them."""
    metrics = champion.metrics if champion is not None else {}
    return {"headline": headline(metrics), "champion_metrics": named_metrics(metrics),
            "tier_rates": tier_rates(metrics) if metrics else []}


@bp.post("/installations/<int:installation_id>/sync")
def sync_now(installation_id: int):
    return _enqueue(installation_id, jobs.SYNC, "sync.requested", "Sync queued.")


@bp.post("/installations/<int:installation_id>/retrain")
def retrain_now(installation_id: int):
    return _enqueue(installation_id, jobs.TRAIN, "train.requested", "Retraining queued: this page follows it.")


def _enqueue(installation_id: int, task_name: str, action: str, message: str):
    scope = scope_or_404(installation_id)
    if scope.installation.status not in (InstallationStatus.ACTIVE, InstallationStatus.PAUSED):
        abort(409, "This installation is not connected: connect it again first.")
    task_id = jobs.enqueue(task_name, installation_id=installation_id, requested_by=g.admin.email)
    record_event(scope.session, g.admin.email, action, installation_id, task_id=task_id)
    scope.session.commit()
    flash(message)
    return redirect(url_for("dashboard.installation", installation_id=installation_id))


@bp.get("/audit")
def audit():
    db = get_session()
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
                        .limit(AUDIT_SHOWN)).all()
    names = {i.id: i.name or f"{i.crm.label} {i.account_id}" for i in db.scalars(select(Installation))}
    return render_template("dashboard/audit.html", events=events, names=names)
