"""Renders task subjects and bodies: sandboxed Jinja, so an admin's template can read values, not run code.
What a template may name is `connector.nurture.templates.template_context`."""
from __future__ import annotations

from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

# A property the record lacks renders empty rather than failing the task: records differ in what is filled in.
_env = SandboxedEnvironment(autoescape=False)


class TemplateFailed(ValueError):
    """A saved template cannot render (e.g. a filter misused); reported on the action, never raised past it."""


def render(template: str, context: dict[str, Any]) -> str:
    try:
        return _env.from_string(template or "").render(context)
    except TemplateError as exc:
        raise TemplateFailed(f"template error: {exc}") from None
