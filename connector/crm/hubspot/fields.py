"""HubSpot contact properties: the score fields the connector owns, and the portal's schema in our vocabulary."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..base import PropertySpec, PropertyType, ScoreFieldNames

GROUP_NAME = "leadscore"  # HubSpot asks integrations to keep their properties in their own group
GROUP_LABEL = "LeadScore"
TIERS = ("A", "B", "C", "D")
ARMS = ("model", "control")


def hubspot_score_fields() -> ScoreFieldNames:
    """The default contact property names; an installation may rename them."""
    return ScoreFieldNames(score="leadscore_score", tier="leadscore_tier", reasons="leadscore_reasons",
                           scored_at="leadscore_scored_at", model="leadscore_model",
                           override_tier="leadscore_override_tier", arm="leadscore_arm",
                           next_step="leadscore_next_step")


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
        ScoreProperty(names.arm, "Lead score experiment arm", "enumeration", "select",
                      "LeadScore: model (nurtured by score) or control (the previous method), for A/B reports.",
                      ARMS),
        ScoreProperty(names.next_step, "Lead next step", "string", "text",
                      "LeadScore: the suggested next step, from the tier and the strongest reasons."),
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


# HubSpot-defined contact properties the scoring side may learn from: firmographics, web and email behaviour,
# forms, sales touches, source. A real portal has a few hundred default properties; the rest are bookkeeping
# (owner and team ids, source details, phone-number variants), per-stage timers that restate the label, or
# HubSpot's own scores. Sending their names in every search and reading their values on every page costs
# bytes and time and adds only leakage risk, so a pull never asks for "all".
SCORING_PROPERTIES = (
    "jobtitle", "company", "industry", "numemployees", "annualrevenue", "country", "state", "city", "website",
    "seniority", "job_function", "hs_persona", "hs_buying_role", "hs_language", "hs_analytics_source",
    "hs_latest_source", "hs_analytics_num_page_views", "hs_analytics_num_visits", "hs_analytics_num_event_completions",
    "hs_analytics_average_page_views", "hs_email_open", "hs_email_click", "hs_email_delivered", "hs_email_bounce",
    "hs_email_replied", "hs_email_optout", "num_conversion_events", "num_unique_conversion_events",
    "first_conversion_event_name", "recent_conversion_event_name", "recent_conversion_date",
    "notes_last_contacted", "num_contacted_notes", "hs_sales_email_last_replied", "hs_social_num_broadcast_clicks",
)
# The label and outcomes (lifecycle stage and the dates it reached each stage, lead status for
# disqualification), what nurturing needs (owner, email, name), and the record's own stamps.
LABEL_AND_NURTURE = ("lifecyclestage", "hs_lead_status", "email", "firstname", "lastname", "hubspot_owner_id",
                     "hs_object_id", "createdate", "lastmodifieddate")
STAGE_DATE_PREFIX = "hs_lifecyclestage_"


def pull_properties(portal_properties: Sequence[Any], names: ScoreFieldNames, extra: Sequence[str] = ()) -> list[str]:
    """The contact properties a pull asks for, in the portal's order: the account's own (custom) properties,
    the HubSpot-defined ones above, and `extra` (an installation's label, segment and kept columns). Never
    the connector's own output, which would leak the previous score into the next model; the rep's override
    tier is kept."""
    own = names.written()
    wanted = set(SCORING_PROPERTIES) | set(LABEL_AND_NURTURE) | set(extra)
    chosen = [p.name for p in portal_properties if p.name not in own and (
        p.name in wanted or not p.hubspot_defined or
        (p.name.startswith(STAGE_DATE_PREFIX) and p.name.endswith("_date")))]
    return list(dict.fromkeys(chosen + ["lastmodifieddate"]))
