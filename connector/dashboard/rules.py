"""Nurture rules: list, create, edit. Saving a changed trigger or action list bumps the rule's version,
so the action log's once-per-version key lets the new version fire again."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from connector.db.audit import record_event
from connector.db.models import NurtureRule
from connector.db.rules import TIERS, rule_errors, trigger_errors
from connector.nurture.catalog import choice_errors, rule_choices
from connector.nurture.rule_preview import preview

from . import bp, scope_or_404
from .rule_form import chosen_values, form_values, parse_rule, template_errors


@bp.get("/installations/<int:installation_id>/rules")
def rules(installation_id: int):
    scope = scope_or_404(installation_id)
    rules = scope.all(NurtureRule, order_by=NurtureRule.name)
    return render_template("dashboard/rules.html", installation=scope.installation, rules=rules)


@bp.route("/installations/<int:installation_id>/rules/new", methods=("GET", "POST"))
@bp.route("/installations/<int:installation_id>/rules/<int:rule_id>", methods=("GET", "POST"))
def rule_form(installation_id: int, rule_id: int | None = None):
    scope = scope_or_404(installation_id)
    rule = None
    if rule_id is not None:
        rule = scope.get(NurtureRule, rule_id)
        if rule is None:
            abort(404, f"There is no rule {rule_id} in this installation.")
    choices = rule_choices(scope)
    if request.method == "GET":
        return _render(scope, rule, form_values(rule), {}, choices)

    name, trigger, actions, errors = parse_rule(request.form)
    if request.form.get("intent") == "preview":  # count what the rule would match; nothing is saved
        errors = trigger_errors(trigger) or errors
        counted = None if errors else preview(scope, trigger, scope.installation.settings.model_swaps_fire_rules)
        return _render(scope, rule, request.form, errors, choices,
                       counted.in_words(trigger) if counted else None), 422 if errors else 200
    errors = {**template_errors(scope, actions), **rule_errors(name, trigger, actions),
              **choice_errors(choices, chosen_values(actions)), **errors}
    if errors:
        return _render(scope, rule, request.form, errors, choices), 422
    enabled = request.form.get("enabled") == "on"
    if rule is None:
        rule = scope.add(NurtureRule(name=name, trigger=trigger, actions=actions, enabled=enabled, version=1))
        action = "rule.created"
    else:
        if (trigger, actions) != (rule.trigger, rule.actions):
            rule.version += 1
        rule.name, rule.trigger, rule.actions, rule.enabled = name, trigger, actions, enabled
        action = "rule.updated"
    scope.session.flush()
    record_event(scope.session, g.admin.email, action, installation_id, rule_id=rule.id, version=rule.version)
    scope.session.commit()
    flash(f"Rule “{name}” saved (version {rule.version}).")
    return redirect(url_for("dashboard.rules", installation_id=installation_id))


def _render(scope, rule, values, errors, choices, preview_text=None):
    return render_template("dashboard/rule_form.html", installation=scope.installation, rule=rule, values=values,
                           errors=errors, tiers=TIERS, choices=choices, preview_text=preview_text)
