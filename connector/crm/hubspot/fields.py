"""HubSpot contact properties: the score fields the connector owns, and the portal's schema in our vocabulary."""
from __future__ import annotations

from dataclasses import dataclass

from ..base import PropertySpec, PropertyType, ScoreFieldNames

GROUP_NAME = "leadscore"  # HubSpot asks integrations to keep their properties in their own group
GROUP_LABEL = "LeadScore"
TIERS = ("A", "B", "C", "D")


def hubspot_score_fields() -> ScoreFieldNames:
    """The default contact property names; an installation may rename them."""
    return ScoreFieldNames(score="leadscore_score", tier="leadscore_tier", reasons="leadscore_reasons",
                           scored_at="leadscore_scored_at", model="leadscore_model",
                           override_tier="leadscore_override_tier")


@dataclass(frozen=True)
class ScoreProperty:
    """What `properties.core_api.create` needs for one score field (HubSpot requires type and fieldType)."""

    name: str
    label: str
    type: str
    field_type: str
    description: str
    options: tuple[str, ...] = ()


def score_properties(names: ScoreFieldNames) -> list[ScoreProperty]:
    return [
        ScoreProperty(names.score, "Lead score", "number", "number", "LeadScore: 0-100, higher converts more often."),
        ScoreProperty(names.tier, "Lead tier", "enumeration", "select", "LeadScore: A (best) to D.", TIERS),
        ScoreProperty(names.reasons, "Lead score reasons", "string", "textarea",
                      "LeadScore: the main reasons behind the score, in plain words."),
        ScoreProperty(names.scored_at, "Lead scored at", "datetime", "date", "LeadScore: when the score was written."),
        ScoreProperty(names.model, "Lead score model", "string", "text", "LeadScore: the model version that scored."),
        ScoreProperty(names.override_tier, "Lead tier override", "enumeration", "select",
                      "Set by a rep to override the LeadScore tier.", TIERS),
    ]


# HubSpot property `type` -> the scoring side's vocabulary. `date` is a day (midnight UTC), still a time point.
_TYPES: dict[str, PropertyType] = {
    "number": "number",
    "enumeration": "enumeration",
    "bool": "boolean",
    "datetime": "datetime",
    "date": "datetime",
    "string": "string",
    "phone_number": "string",
}


def property_spec(prop) -> PropertySpec:
    """One SDK `Property` model as a `PropertySpec`; unknown HubSpot types read as strings."""
    kind = _TYPES.get(prop.type or "", "string")
    if prop.field_type == "booleancheckbox":
        kind = "boolean"
    options = tuple(o.value for o in (prop.options or []) if not getattr(o, "hidden", False)) \
        if kind == "enumeration" else ()
    read_only = bool(prop.modification_metadata and prop.modification_metadata.read_only_value)
    return PropertySpec(name=prop.name, label=prop.label or prop.name, type=kind, options=options,
                        calculated=bool(prop.calculated) or read_only)
