"""One model version's stored report (page, JSON, downloads) and the side-by-side comparison of a version with the
champion, from which an admin promotes a challenger or rolls back to an earlier version by hand."""
from __future__ import annotations

import json

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.orm import undefer

from connector import jobs
from connector.db.audit import record_event
from connector.db.models import InstallationStatus, ModelVersion
from connector.db.scope import InstallationScope
from scoring.report.plots import lift_curve

from . import bp, scope_or_404
from .model_figures import named_metrics

# The report is generated HTML with embedded charts: let it render, but give it no scripts or cookies.
REPORT_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _version_or_404(scope: InstallationScope, version: int, *deferred) -> ModelVersion:
    query = scope.select(ModelVersion, ModelVersion.version == version).options(*(undefer(c) for c in deferred))
    model = scope.session.scalars(query).one_or_none()
    if model is None:
        abort(404, f"This installation has no model v{version}.")
    return model


def _download(response: Response, filename: str) -> Response:
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/installations/<int:installation_id>/models/<int:version>/report")
def model_report(installation_id: int, version: int):
    model = _version_or_404(scope_or_404(installation_id), version, ModelVersion.report_html)
    if not model.report_html:
        abort(404, f"Model v{version} was trained before reports were kept; retrain to get one.")
    response = Response(model.report_html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = REPORT_POLICY
    return _download(response, f"model-v{version}-report.html")


@bp.get("/installations/<int:installation_id>/models/<int:version>/report.json")
def model_report_json(installation_id: int, version: int):
    model = _version_or_404(scope_or_404(installation_id), version, ModelVersion.report_json)
    if not model.report_json:
        abort(404, f"Model v{version} was trained before reports were kept; retrain to get one.")
    return _download(Response(json.dumps(model.report_json, indent=1), mimetype="application/json"),
                     f"model-v{version}-report.json")


@bp.get("/installations/<int:installation_id>/models/compare")
def compare_models(installation_id: int):
    """The champion beside another version: by default the newest that is not the champion."""
    scope = scope_or_404(installation_id)
    versions = scope.all(ModelVersion, order_by=ModelVersion.version.desc())
    champion = next((v for v in versions if v.is_champion), None)
    others = [v for v in versions if not v.is_champion]
    wanted = request.args.get("version", type=int)
    other = next((v for v in others if v.version == wanted), None) if wanted is not None else \
        (others[0] if others else None)
    if wanted is not None and other is None:
        abort(404, f"There is no model v{wanted} other than the champion to compare.")
    curves = {f"v{m.version}{' (champion)' if m.is_champion else ''}": m.backtest["lift_curve"]
              for m in (champion, other) if m is not None and m.backtest}
    return render_template("dashboard/compare_models.html", installation=scope.installation, champion=champion,
                           other=other, others=others, named_metrics=_beside_backtest,
                           lift_svg=Markup(lift_curve(curves)) if curves else None)


def _beside_backtest(metrics: dict) -> list[tuple[str, str]]:
    """The held-out figures less the top-10% capture, which the backtest rows above already show."""
    return named_metrics({key: value for key, value in metrics.items() if key != "top_decile_capture"})


@bp.post("/installations/<int:installation_id>/models/<int:version>/promote")
def promote_model(installation_id: int, version: int):
    """Promote (a newer version) or roll back (to an older one): the worker swaps the champion and rescores
    every record under the sync lock, as a promotion after training does."""
    scope = scope_or_404(installation_id)
    model = _version_or_404(scope, version)
    if model.is_champion:
        abort(409, f"Model v{version} is already the champion.")
    if scope.installation.status not in (InstallationStatus.ACTIVE, InstallationStatus.PAUSED):
        abort(409, "This installation is not connected: connect it again first.")
    champion = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    kind = "rollback" if champion is not None and version < champion.version else "promote"
    task_id = jobs.enqueue(jobs.PROMOTE, installation_id=installation_id, version=version,
                           requested_by=g.admin.email, kind=kind)
    record_event(scope.session, g.admin.email, f"model.{kind}_requested", installation_id, version=version,
                 champion=champion.version if champion else None, task_id=task_id)
    scope.session.commit()
    flash(f"{'Rolling back' if kind == 'rollback' else 'Promoting'} to v{version}: every record is being "
          "rescored with it.")
    return redirect(url_for("dashboard.models", installation_id=installation_id))
