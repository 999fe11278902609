"""Lead and Contact fields: the score fields the connector owns (as Tooling API metadata), the org's schema
in the scoring side's vocabulary, and which fields a pull selects."""
from __future__ import annotations

import logging
from typing import Any, Iterable, Sequence

from ..base import PropertySpec, PropertyType, ScoreFieldNames

log = logging.getLogger(__name__)

OBJECTS = ("Lead", "Contact")
TIERS = ("A", "B", "C", "D")
PERMISSION_SET = "LeadScore_Connector"
PERMISSION_SET_LABEL = "LeadScore Connector"
# Always selected: the keyset columns, the owner (tasks), and conversion (label and write redirect).
ALWAYS = {"Lead": ("Id", "SystemModstamp", "OwnerId", "IsConverted", "ConvertedContactId"),
          "Contact": ("Id", "SystemModstamp", "OwnerId")}
# Standard fields the scoring side may learn from (firmographics, source, status, opt-outs, activity) and that
# labels and nurturing need (status for disqualification, conversion date, email and name for tasks). A real
# org's Lead and Contact carry 60-70 standard fields each, most of them addresses, audit ids and data.com
# bookkeeping: selecting those costs SOQL length and bytes on every page and adds only leakage risk.
_PERSON_PULLED = ("FirstName", "LastName", "Email", "Title", "LeadSource", "HasOptedOutOfEmail", "DoNotCall",
                  "CreatedDate", "LastActivityDate")
STANDARD_PULLED = {
    "Lead": _PERSON_PULLED + ("Company", "Industry", "NumberOfEmployees", "AnnualRevenue", "Country", "State",
                              "City", "Website", "Status", "Rating", "ConvertedDate"),
    "Contact": _PERSON_PULLED + ("AccountId", "Department", "MailingCountry", "MailingState", "MailingCity"),
}
# The REST query travels in a GET query string (Salesforce refuses URIs past 16,384 bytes); leave room for
# the WHERE clause, an IN list of ids and URL encoding.
SELECT_BUDGET = 6000
# Selecting two or more long text fields cuts query batches from 2,000 to 200 records: keep one.
LONG_TEXT_KEPT = 1


def salesforce_score_fields() -> ScoreFieldNames:
    """The default Lead/Contact custom field names; an installation may rename them."""
    return ScoreFieldNames(score="LeadScore_Score__c", tier="LeadScore_Tier__c", reasons="LeadScore_Reasons__c",
                           scored_at="LeadScore_Scored_At__c", model="LeadScore_Model__c",
                           override_tier="LeadScore_Override_Tier__c", arm="LeadScore_Arm__c",
                           next_step="LeadScore_Next_Step__c")


def _picklist(values: Iterable[str]) -> dict[str, Any]:
    return {"valueSet": {"restricted": True, "valueSetDefinition": {
        "sorted": False, "value": [{"fullName": v, "label": v, "default": False} for v in values]}}}


def score_field_metadata(names: ScoreFieldNames) -> dict[str, dict[str, Any]]:
    """Tooling API `CustomField.Metadata` per field name (the same on Lead and Contact)."""
    return {
        names.score: {"label": "Lead Score", "type": "Number", "precision": 3, "scale": 0,
                      "description": "LeadScore: 0-100, higher converts more often."},
        names.tier: {"label": "Lead Tier", "type": "Picklist", "description": "LeadScore: A (best) to D.",
                     **_picklist(TIERS)},
        names.reasons: {"label": "Lead Score Reasons", "type": "LongTextArea", "length": 32768, "visibleLines": 4,
                        "description": "LeadScore: the main reasons behind the score, in plain words."},
        names.scored_at: {"label": "Lead Scored At", "type": "DateTime",
                          "description": "LeadScore: when the score was written."},
        names.model: {"label": "Lead Score Model", "type": "Text", "length": 80,
                      "description": "LeadScore: the model version that scored."},
        names.override_tier: {"label": "Lead Tier Override", "type": "Picklist",
                              "description": "Set by a rep to override the LeadScore tier.", **_picklist(TIERS)},
        names.arm: {"label": "Lead Score Experiment Arm", "type": "Picklist", **_picklist(("model", "control")),
                    "description": "LeadScore: model (nurtured by score) or control (the previous method)."},
        names.next_step: {"label": "Lead Next Step", "type": "Text", "length": 255,
                          "description": "LeadScore: the suggested next step, from the tier and the strongest reasons."},
    }


def developer_name(field_name: str) -> str:
    """Tooling's `CustomField.DeveloperName` drops the `__c` suffix."""
    return field_name[:-3] if field_name.endswith("__c") else field_name


# describe `type` -> the scoring side's vocabulary; compound, binary and reference-only types are left out.
_TYPES: dict[str, PropertyType] = {
    "double": "number", "currency": "number", "int": "number", "long": "number", "percent": "number",
    "picklist": "enumeration", "multipicklist": "enumeration", "combobox": "enumeration",
    "boolean": "boolean", "datetime": "datetime", "date": "datetime", "time": "string",
    "string": "string", "textarea": "string", "email": "string", "phone": "string", "url": "string",
    "id": "string", "reference": "string",
}
_SKIPPED = {"address", "location", "base64", "anyType", "complexvalue", "encryptedstring"}


def property_spec(field: dict[str, Any]) -> PropertySpec | None:
    """One describe field as a `PropertySpec`; None for types the scoring side cannot use."""
    kind = _TYPES.get(field.get("type", ""))
    if kind is None:
        return None
    options = tuple(v["value"] for v in field.get("picklistValues") or [] if v.get("active", True)) \
        if kind == "enumeration" else ()
    calculated = bool(field.get("calculated")) or bool(field.get("autoNumber")) or not (
        field.get("updateable") or field.get("createable"))
    return PropertySpec(name=field["name"], label=field.get("label") or field["name"], type=kind, options=options,
                        calculated=calculated)


def is_long_text(field: dict[str, Any]) -> bool:
    return field.get("type") == "textarea" and int(field.get("length") or 0) > 255


def pull_fields(object_name: str, describe_fields: list[dict[str, Any]], names: ScoreFieldNames,
                extra: Sequence[str] = ()) -> list[str]:
    """The fields a pull selects, never all: the org's custom fields, the standard ones in `STANDARD_PULLED`,
    and `extra` (an installation's label, segment and kept columns); never the connector's own output (it
    would leak the previous score into the next model) except the rep's override; within the SOQL budget."""
    own = names.written()
    wanted = set(STANDARD_PULLED.get(object_name, ())) | set(extra)
    chosen = list(ALWAYS.get(object_name, ("Id", "SystemModstamp")))
    length = sum(len(n) + 2 for n in chosen)
    long_texts = 0
    dropped = []
    for field in describe_fields:
        name = field.get("name", "")
        if name in chosen or name in own or field.get("type") in _SKIPPED or property_spec(field) is None:
            continue
        if not (field.get("custom") or name in wanted):
            continue
        if is_long_text(field):
            if long_texts >= LONG_TEXT_KEPT:
                dropped.append(name)
                continue
            long_texts += 1
        if length + len(name) + 2 > SELECT_BUDGET:
            dropped.append(name)
            continue
        chosen.append(name)
        length += len(name) + 2
    if dropped:
        log.info("Salesforce %s pull leaves out %d fields (long text or SOQL length): %s",
                 object_name, len(dropped), ", ".join(dropped[:10]))
    return chosen
