"""Rules for the nurture actions: tasks for a lead's owner and campaign membership (once per lead and campaign)."""
from __future__ import annotations

from .errors import ApiError
from .store import Org


def check_create(org: Org, object_name: str, values: dict) -> None:
    if object_name == "Task":
        _check_task(org, values)
    elif object_name == "CampaignMember":
        _check_member(org, values)


def _check_task(org: Org, values: dict) -> None:
    who = values.get("WhoId")
    if who and who not in org.tables["Lead"] and who not in org.tables["Contact"]:
        raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "Name ID: id value of incorrect type: " + who, ["WhoId"])
    owner = values.get("OwnerId")
    if owner and owner not in org.tables["User"]:
        raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "Assigned To ID: owner cannot be blank", ["OwnerId"])


def _check_member(org: Org, values: dict) -> None:
    campaign, lead, contact = values.get("CampaignId"), values.get("LeadId"), values.get("ContactId")
    if campaign not in org.tables["Campaign"]:
        raise ApiError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", ["CampaignId"])
    if not (lead in org.tables["Lead"] or contact in org.tables["Contact"]):
        raise ApiError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [LeadId or ContactId]",
                       ["LeadId", "ContactId"])
    for member in org.tables["CampaignMember"].values():
        if member.get("CampaignId") == campaign and (member.get("LeadId"), member.get("ContactId")) == (lead, contact):
            raise ApiError(400, "DUPLICATE_VALUE", "Already a campaign member.", [])
