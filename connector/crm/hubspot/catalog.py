"""What a HubSpot nurture rule can name: the contact workflows to enroll in and the contact properties to set."""
from __future__ import annotations

from typing import Any, Sequence

from ..base import CatalogItem, ScoreFieldNames
from ..errors import CrmUnavailable

# The legacy v3 list, not the v4 flows API: its ids are the ones the v2 enrollment endpoint (`enroll`) takes
# (v4 flow ids differ and need a mapping call). It needs the `automation` scope, as enrollment does, answers
# every contact-based workflow in one unpaged `{"workflows": [...]}`, and has no method in hubspot-api-client.
# https://developers.hubspot.com/docs/api-reference/legacy/automation/workflows/v3/get-workflows
WORKFLOWS_PATH = "/automation/v3/workflows"


def workflow_items(answer: Any) -> list[CatalogItem]:
    """The enabled workflows of a v3 list answer; HubSpot runs nobody through a disabled one."""
    workflows = answer.get("workflows") if isinstance(answer, dict) else None
    if not isinstance(workflows, list):
        raise CrmUnavailable("HubSpot answered the workflow list without a list of workflows")
    items = [CatalogItem(str(w["id"]), str(w.get("name") or w["id"])) for w in workflows
             if isinstance(w, dict) and w.get("id") is not None and w.get("enabled", True)]
    return sorted(items, key=lambda item: item.label.lower())


def property_items(properties: Sequence[Any], own: ScoreFieldNames) -> list[CatalogItem]:
    """Contact properties (SDK `Property` models, from `properties.core_api.get_all`) a rule may set: values
    HubSpot lets an integration write (not `modificationMetadata.readOnlyValue`, not calculated, not hidden),
    and never the connector's own score fields, which the next sync would overwrite."""
    owned = own.written() | {own.override_tier}
    items = []
    for prop in properties:
        metadata = prop.modification_metadata
        if prop.name in owned or prop.calculated or prop.hidden or (metadata and metadata.read_only_value):
            continue
        items.append(CatalogItem(prop.name, prop.label or prop.name))
    return sorted(items, key=lambda item: item.label.lower())
