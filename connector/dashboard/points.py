"""Cold-start points rules: edit the installation's rules, and see how they would have ranked past records
next to the current model before saving them ("Compare" shows, "Save" stores; both validate)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from connector.db.audit import record_event
from connector.db.models import ModelVersion
from connector.nurture.points_rules import (champion_model, compare, features_of, parse_rules, rules_for,
                                            rules_text, save_rules)

from . import bp, scope_or_404
from .model_figures import held_out_by_tier
from .points_words import in_words, rounded


@bp.route("/installations/<int:installation_id>/points", methods=("GET", "POST"))
def points_rules(installation_id: int):
    scope = scope_or_404(installation_id)
    model = champion_model(scope)
    features = features_of(model)
    saved = rules_for(scope.installation)
    if request.method == "GET":
        # Nothing saved yet: start from the rules the points model learnt, when it is the champion.
        shown = saved if saved is not None else rounded(model.metadata.get("points_rules") if model is not None else None)
        return _render(scope, features, rules_text(shown), [], compare(scope, shown or [], model), saved, shown)
    text = request.form.get("rules", "")
    rules, problems = parse_rules(text, features)
    if problems:
        return _render(scope, features, text, problems, None, saved, None), 422
    if request.form.get("action") == "compare":
        return _render(scope, features, text, [], compare(scope, rules, model), saved, rules)
    save_rules(scope, rules, g.admin.email)
    record_event(scope.session, g.admin.email, "points_rules.updated", installation_id, rules=len(rules))
    scope.session.commit()
    flash(f"Points rules saved ({len(rules)} rules)." if rules else
          "Points rules cleared: the points model will learn its rules from the history.")
    return redirect(url_for("dashboard.points_rules", installation_id=installation_id))


def _render(scope, features, text, problems, comparison, saved, rules):
    champion = scope.one_or_none(ModelVersion, ModelVersion.is_champion.is_(True))
    metrics = champion.metrics if champion is not None else {}
    return render_template("dashboard/points.html", installation=scope.installation, features=features,
                           text=text, problems=problems, comparison=comparison, saved=saved,
                           words=in_words(rules, features), held_out=held_out_by_tier(metrics) if metrics else [],
                           held_out_auc=metrics.get("roc_auc"))
