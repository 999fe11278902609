"""Renders task subjects and bodies: sandboxed Jinja, so an admin's template can read values, not run code."""
from __future__ import annotations

from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

# A property the record lacks renders empty rather than failing the task: records differ in what is filled in.
_env = SandboxedEnvironment(autoescape=False)


def template_context(transition: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """What a template may name: the record's properties as last pulled (e.g. `firstname`), then score,
    tier, old_score, old_tier, model_tier, override_tier, reasons (a list) and reasons_text (one a line)."""
    reasons = list(transition.get("reasons") or [])
    return {**properties, "score": transition.get("new_score"), "tier": transition.get("new_tier"),
            "old_score": transition.get("old_score"), "old_tier": transition.get("old_tier"),
            "model_tier": transition.get("model_tier"), "override_tier": transition.get("override_tier"),
            "crm_id": transition.get("crm_id"), "reasons": reasons,
            "reasons_text": "\n".join(f"- {reason}" for reason in reasons)}


class TemplateFailed(ValueError):
    """A saved template cannot render (e.g. a filter misused); reported on the action, never raised past it."""


def render(template: str, context: dict[str, Any]) -> str:
    try:
        return _env.from_string(template or "").render(context)
    except TemplateError as exc:
        raise TemplateFailed(f"template error: {exc}") from None
