"""Feedback and the action log: is A really converting more than D, how often reps disagree, drift and AUC,
and every nurture action with its outcome."""
from __future__ import annotations

from flask import render_template, request

from connector.db.models import ActionLog, NurtureRule
from connector.nurture.chart import conversion_chart
from connector.nurture.figures import conversion_by_tier, health, history_outcomes, override_rate_by_tier

from . import bp, scope_or_404

ACTIONS_SHOWN = 200


@bp.get("/installations/<int:installation_id>/feedback")
def feedback(installation_id: int):
    scope = scope_or_404(installation_id)
    history = history_outcomes(scope)
    empty = (f"No outcomes since scoring began.\nThe {history.converted:,} conversions already in the synced "
             "history\nare counted below.") if history.converted else "No outcomes recorded yet"
    return render_template("dashboard/feedback.html", installation=scope.installation,
                           chart=conversion_chart(conversion_by_tier(scope), empty),
                           overrides=override_rate_by_tier(scope), health=health(scope), history=history)


@bp.get("/installations/<int:installation_id>/actions")
def action_log(installation_id: int):
    scope = scope_or_404(installation_id)
    status = request.args.get("status") or None
    where = [ActionLog.status == status] if status else []
    rows = scope.all(ActionLog, *where, order_by=ActionLog.id.desc(), limit=ACTIONS_SHOWN)
    rules = {rule.id: rule for rule in scope.all(NurtureRule)}
    return render_template("dashboard/actions.html", installation=scope.installation, rows=rows, rules=rules,
                           status=status)
