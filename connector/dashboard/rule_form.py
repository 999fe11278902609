"""The nurture rule form (plain HTML, no JavaScript): one fieldset per action type, ticked to include it."""
from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from connector.db.models import NurtureRule, RecordSnapshot
from connector.db.rules import ACTION_TYPES
from connector.db.scope import InstallationScope
from connector.nurture.templates import TEMPLATE_VARIABLES, unknown_variables

ACTION_FIELDS = {
    "task": ("subject", "body", "due_in_hours"),
    "enroll": ("target_id",),
    "set_property": ("name", "value"),
    "webhook": ("url",),
}
INTEGER_FIELDS = {"trigger_by", "trigger_threshold", "task_due_in_hours"}
TEMPLATE_FIELDS = ("subject", "body")
PROPERTY_SAMPLE = 500  # recent records whose property names a template may use


def _value(form: MultiDict, key: str, errors: dict[str, str]) -> Any:
    raw = form.get(key, "").strip()
    if key not in INTEGER_FIELDS:
        return raw
    try:
        return int(raw)
    except ValueError:
        errors[key] = "Enter a whole number."
        return None


# While the CRM cannot be reached the form offers a text box beside each list (`<field>_typed`), for what was
# created in the CRM since the list was last read; a typed value wins over the list's.
TYPED_SUFFIX = "_typed"


def parse_rule(form: MultiDict) -> tuple[str, dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    errors: dict[str, str] = {}
    form = MultiDict(form)
    for key in list(form):
        if key.endswith(TYPED_SUFFIX) and form.get(key, "").strip():
            form[key[:-len(TYPED_SUFFIX)]] = form[key]
    kind = form.get("trigger_type", "")
    trigger: dict[str, Any] = {"type": kind}
    needed = {"enters_tier": ("tier",), "moves": ("direction", "by"), "crosses": ("direction", "threshold")}
    for key in needed.get(kind, ()):
        trigger[key] = _value(form, f"trigger_{key}", errors)
    actions = []
    for action_type in ACTION_TYPES:
        if form.get(f"action_{action_type}") == "on":
            action = {"type": action_type}
            for key in ACTION_FIELDS[action_type]:
                action[key] = _value(form, f"{action_type}_{key}", errors)
            actions.append(action)
    return form.get("name", "").strip(), trigger, actions, errors


def chosen_values(actions: list[dict[str, Any]]) -> dict[str, str]:
    """The list-backed choices in `actions`, keyed by their form field (see `connector.nurture.catalog.FIELDS`)."""
    keys = {"enroll": ("target_id", "enroll_target_id"), "set_property": ("name", "set_property_name")}
    return {keys[a["type"]][1]: str(a.get(keys[a["type"]][0]) or "") for a in actions if a["type"] in keys}


def form_values(rule: NurtureRule | None) -> dict[str, str]:
    if rule is None:
        return {"trigger_type": "enters_tier", "trigger_tier": "A", "trigger_direction": "up", "trigger_by": "1",
                "trigger_threshold": "80", "task_due_in_hours": "24", "enabled": "on"}
    values = {"name": rule.name, "enabled": "on" if rule.enabled else ""}
    values.update({f"trigger_{key}": str(value) for key, value in rule.trigger.items()})
    for action in rule.actions:
        values[f"action_{action['type']}"] = "on"
        values.update({f"{action['type']}_{key}": str(value) for key, value in action.items() if key != "type"})
    return values


def template_errors(scope: InstallationScope, actions: list[dict[str, Any]]) -> dict[str, str]:
    """An unknown name in a task template, named in the error: a typo would otherwise render empty in every
    task. Names allowed: the template values and the properties seen on the installation's records. Before
    the first sync there are no records to know property names from, and only the check is skipped."""
    properties = property_names(scope)
    if properties is None:
        return {}
    errors = {}
    for action in actions:
        if action["type"] != "task":
            continue
        for key in TEMPLATE_FIELDS:
            unknown = unknown_variables(action.get(key) or "", properties)
            if unknown:
                errors[f"task_{key}"] = (f"Unknown variable{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                                         f"Use {', '.join(TEMPLATE_VARIABLES)} or a property of the records.")
    return errors


def property_names(scope: InstallationScope) -> set[str] | None:
    """Property names on the installation's recent synced records (None before the first sync)."""
    snapshots = scope.all(RecordSnapshot, order_by=RecordSnapshot.id.desc(), limit=PROPERTY_SAMPLE)
    if not snapshots:
        return None
    return {name for snapshot in snapshots for name in (snapshot.properties or {})}
