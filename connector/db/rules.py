"""The JSON shape of a nurture rule, and its validation (the engine that runs rules lives in `workers`).

trigger: {"type": "enters_tier", "tier": "A"}
         {"type": "moves", "direction": "up" | "down", "by": 1..3}
         {"type": "crosses", "direction": "up" | "down", "threshold": 1..99}
actions: [{"type": "task", "subject": tmpl, "body": tmpl, "due_in_hours": 0..720},
          {"type": "enroll", "target_id": "..."},          # HubSpot workflow / Salesforce campaign id
          {"type": "set_property", "name": "...", "value": "..."},
          {"type": "webhook", "url": "https://..."}]
Subject and body are Jinja templates rendered (sandboxed) with the record's properties, score and tier.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from .settings import PROPERTY_NAME

TIERS = ("A", "B", "C", "D")
TRIGGER_TYPES = ("enters_tier", "moves", "crosses")
ACTION_TYPES = ("task", "enroll", "set_property", "webhook")
MAX_DUE_HOURS = 30 * 24
TARGET_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_templates = SandboxedEnvironment()


def trigger_errors(trigger: dict[str, Any]) -> dict[str, str]:
    kind = trigger.get("type")
    if kind == "enters_tier":
        return {} if trigger.get("tier") in TIERS else {"trigger_tier": "Choose a tier A to D."}
    if kind == "moves":
        errors = {}
        if trigger.get("direction") not in ("up", "down"):
            errors["trigger_direction"] = "Choose up or down."
        if not isinstance(trigger.get("by"), int) or not 1 <= trigger["by"] <= 3:
            errors["trigger_by"] = "A record can move by 1 to 3 tiers."
        return errors
    if kind == "crosses":
        errors = {}
        if trigger.get("direction") not in ("up", "down"):
            errors["trigger_direction"] = "Choose up or down."
        if not isinstance(trigger.get("threshold"), int) or not 1 <= trigger["threshold"] <= 99:
            errors["trigger_threshold"] = "The threshold is a score from 1 to 99."
        return errors
    return {"trigger_type": "Choose what starts the rule."}


def action_errors(index: int, action: dict[str, Any]) -> dict[str, str]:
    """Problems with one action, keyed `<type>_<field>` as the form names its inputs."""
    kind = action.get("type")
    errors: dict[str, str] = {}
    if kind == "task":
        for key in ("subject", "body"):
            text = action.get(key) or ""
            if key == "subject" and not text.strip():
                errors["task_subject"] = "A task needs a subject."
                continue
            try:
                _templates.parse(text)
            except TemplateSyntaxError as exc:
                errors[f"task_{key}"] = f"Template error: {exc.message}."
        due = action.get("due_in_hours")
        if not isinstance(due, int) or not 0 <= due <= MAX_DUE_HOURS:
            errors["task_due_in_hours"] = f"Due in 0 to {MAX_DUE_HOURS} hours."
    elif kind == "enroll":
        if not TARGET_ID.match(str(action.get("target_id") or "")):
            errors["enroll_target_id"] = "Enter the workflow or campaign id (letters, digits, - and _)."
    elif kind == "set_property":
        if not PROPERTY_NAME.match(str(action.get("name") or "")):
            errors["set_property_name"] = "Enter a CRM property name."
        if len(str(action.get("value") or "")) > 1000:
            errors["set_property_value"] = "Keep the value under 1000 characters."
    elif kind == "webhook":
        url = urlsplit(str(action.get("url") or ""))
        if url.scheme not in ("http", "https") or not url.hostname:
            errors["webhook_url"] = "Enter an http(s) URL."
    else:
        errors[f"action_{index}"] = f"Unknown action {kind!r}."
    return errors


def rule_errors(name: str, trigger: dict[str, Any], actions: list[dict[str, Any]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip() or len(name) > 120:
        errors["name"] = "Give the rule a name (up to 120 characters)."
    errors.update(trigger_errors(trigger))
    if not actions:
        errors["actions"] = "Choose at least one action."
    for index, action in enumerate(actions):
        errors.update(action_errors(index, action))
    return errors
