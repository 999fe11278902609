"""The A/B experiment page: start one (control share, how the control arm is nurtured), read the arms side by
side with their intervals and a verdict in plain words, and stop it, extend it or change the share. Every change
is in the audit log."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for

from connector.db.audit import record_event
from connector.db.models import Experiment, utcnow
from connector.db.models.lift import CONTROL_ARM, MODEL_ARM, NO_ACTIONS, POINTS_RULES
from connector.experiment.assignment import running
from connector.experiment.figures import experiment_figures
from connector.nurture.chart import conversion_chart

from . import bp, scope_or_404

METHODS = {NO_ACTIONS: "no scoring-driven actions", POINTS_RULES: "the points rules (the previous method's tiers)"}
MAX_SHARE = 0.5  # beyond half, the "control" is the main arm: the model would be the one being tested on few
MAX_DAYS = 365


@bp.get("/installations/<int:installation_id>/experiment")
def experiment(installation_id: int):
    scope = scope_or_404(installation_id)
    current = scope.one_or_none(Experiment)
    figures = experiment_figures(scope, current) if current is not None else None
    chart = (conversion_chart(figures.weekly, "Conversion rate by arm, per week (cumulative)", "Arm")
             if figures is not None else None)
    return render_template("dashboard/experiment.html", installation=scope.installation, experiment=current,
                           running=running(scope) is not None, figures=figures, chart=chart, methods=METHODS,
                           arms=(MODEL_ARM, CONTROL_ARM))


def _share(form) -> float:
    try:
        percent = float(form.get("control_percent", ""))
    except ValueError:
        abort(400, "The control share is a number of percent, e.g. 10.")
    if not 0 < percent <= 100 * MAX_SHARE:
        abort(400, f"The control share must be above 0% and at most {100 * MAX_SHARE:.0f}%.")
    return percent / 100


def _days(form) -> int | None:
    text = form.get("days", "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        abort(400, f"Run for a whole number of days from 1 to {MAX_DAYS}, or leave it empty to run until stopped.")
    return int(text)


@bp.post("/installations/<int:installation_id>/experiment")
def change_experiment(installation_id: int):
    scope = scope_or_404(installation_id)
    form, who, now = request.form, g.admin.email, utcnow()
    action = form.get("action")
    current = scope.one_or_none(Experiment)
    if action == "start":
        method = form.get("control_method", NO_ACTIONS)
        if method not in METHODS:
            abort(400, "Choose how the control arm is nurtured: no actions, or the points rules.")
        share, days = _share(form), _days(form)
        if current is not None and running(scope) is not None:
            abort(409, "An experiment is already running: stop it first.")
        if current is None:
            current = scope.add(Experiment())
        # A restart keeps earlier assignments: records keep their arms for ever, new ones follow the new share.
        current.control_share, current.control_method, current.started_at = share, method, now
        current.ends_at = now + timedelta(days=days) if days else None
        current.stopped_at, current.updated_by = None, who
        record_event(scope.session, who, "experiment.started", installation_id, control_share=share,
                     control_method=method, days=days)
        message = f"Experiment started: {share:.0%} of records form the control arm."
    elif current is None or running(scope) is None:
        abort(409, "No experiment is running.")
    elif action == "stop":
        current.stopped_at, current.updated_by = now, who
        record_event(scope.session, who, "experiment.stopped", installation_id)
        message = "Experiment stopped: every record now follows the model; arms stay recorded."
    elif action == "extend":
        days = _days(form)
        if days is None:
            abort(400, "Say by how many days to extend the experiment.")
        current.ends_at = (current.ends_at + timedelta(days=days)) if current.ends_at else None
        current.updated_by = who
        record_event(scope.session, who, "experiment.extended", installation_id, days=days,
                     ends_at=current.ends_at.isoformat() if current.ends_at else None)
        message = (f"Experiment extended to {current.ends_at:%Y-%m-%d}." if current.ends_at
                   else "The experiment has no end date: it runs until stopped.")
    elif action == "share":
        share = _share(form)
        record_event(scope.session, who, "experiment.share_changed", installation_id, before=current.control_share,
                     after=share)
        current.control_share, current.updated_by = share, who
        message = f"Control share now {share:.0%} for records not yet assigned; assigned records keep their arm."
    else:
        abort(400, "Unknown experiment action.")
    scope.session.commit()
    flash(message)
    return redirect(url_for("dashboard.experiment", installation_id=installation_id))
