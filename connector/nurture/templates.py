"""What a task template may name: the values of the transition, then the record's own properties. Shared
by the rule form (which refuses unknown names) and the worker that renders templates."""
from __future__ import annotations

from typing import Any, Iterable

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

TEMPLATE_VARIABLES = ("score", "tier", "old_score", "old_tier", "model_tier", "override_tier", "crm_id", "reasons",
                      "reasons_text")
_env = SandboxedEnvironment()


def template_context(transition: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """The record's properties as last pulled (e.g. `firstname`), then score, tier, old_score, old_tier,
    model_tier, override_tier, crm_id, reasons (a list) and reasons_text (one a line, "- " first)."""
    reasons = list(transition.get("reasons") or [])
    values = {"score": transition.get("new_score"), "tier": transition.get("new_tier"),
              "old_score": transition.get("old_score"), "old_tier": transition.get("old_tier"),
              "model_tier": transition.get("model_tier"), "override_tier": transition.get("override_tier"),
              "crm_id": transition.get("crm_id"), "reasons": reasons,
              "reasons_text": "\n".join(f"- {reason}" for reason in reasons)}
    return {**properties, **values}


def unknown_variables(template: str, properties: Iterable[str]) -> list[str]:
    """Names the template reads that are neither template values nor one of `properties`, sorted.
    A template that does not parse has none here (its syntax error is reported on its own)."""
    try:
        names = meta.find_undeclared_variables(_env.parse(template or ""))
    except TemplateSyntaxError:
        return []
    return sorted(names - set(TEMPLATE_VARIABLES) - set(properties))
