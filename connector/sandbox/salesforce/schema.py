"""The standard fields of the objects the sandbox serves, as a describe reports them."""
from __future__ import annotations

from ..population import INDUSTRIES, SOURCES
from .store import FieldDef, Org

LEAD_STATUS = ("Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted")
RATING = ("Hot", "Warm", "Cold")
LEAD_SOURCE = tuple(SOURCES)
INDUSTRY = tuple(INDUSTRIES)


def _f(name, kind, *picklist, length=0):
    return FieldDef(name, kind, label=name, picklist=tuple(picklist), length=length)


_PERSON = [_f("Id", "id"), _f("OwnerId", "reference"), _f("FirstName", "string", length=40),
           _f("LastName", "string", length=80), _f("Name", "string", length=121), _f("Email", "email", length=80),
           _f("Phone", "phone", length=40), _f("Title", "string", length=128), _f("Description", "textarea", length=32000),
           _f("CreatedDate", "datetime"), _f("LastModifiedDate", "datetime"), _f("SystemModstamp", "datetime"),
           _f("IsDeleted", "boolean")]

STANDARD = {
    "Lead": _PERSON + [
        _f("Company", "string", length=255), _f("Industry", "picklist", *INDUSTRY), _f("NumberOfEmployees", "int"),
        _f("AnnualRevenue", "currency"), _f("Country", "string", length=80), _f("LeadSource", "picklist", *LEAD_SOURCE),
        _f("Status", "picklist", *LEAD_STATUS), _f("Rating", "picklist", *RATING), _f("IsConverted", "boolean"),
        _f("ConvertedDate", "date"), _f("ConvertedContactId", "reference")],
    "Contact": _PERSON + [_f("AccountId", "reference"), _f("MailingCountry", "string", length=80),
                          _f("LeadSource", "picklist", *LEAD_SOURCE), _f("Department", "string", length=80)],
    "User": [_f("Id", "id"), _f("Name", "string"), _f("Email", "email"), _f("Username", "string"),
             _f("IsActive", "boolean")],
    "Campaign": [_f("Id", "id"), _f("Name", "string"), _f("IsActive", "boolean")],
    "Task": [_f("Id", "id"), _f("WhoId", "reference"), _f("OwnerId", "reference"), _f("Subject", "string"),
             _f("Description", "textarea"), _f("ActivityDate", "date"), _f("Status", "picklist", "Not Started",
                                                                             "Completed"),
             _f("Priority", "picklist", "High", "Normal", "Low"), _f("CreatedDate", "datetime")],
    "CampaignMember": [_f("Id", "id"), _f("CampaignId", "reference"), _f("LeadId", "reference"),
                       _f("ContactId", "reference"), _f("Status", "string")],
    "PermissionSet": [_f("Id", "id"), _f("Name", "string"), _f("Label", "string"), _f("Description", "textarea")],
    "FieldPermissions": [_f("Id", "id"), _f("ParentId", "reference"), _f("SobjectType", "string"),
                         _f("Field", "string"), _f("PermissionsRead", "boolean"), _f("PermissionsEdit", "boolean")],
    "PermissionSetAssignment": [_f("Id", "id"), _f("AssigneeId", "reference"), _f("PermissionSetId", "reference")],
}
REQUIRED = {"Lead": ("LastName", "Company"), "Contact": ("LastName",), "PermissionSet": ("Name", "Label"),
            "FieldPermissions": ("ParentId", "SobjectType", "Field"),
            "PermissionSetAssignment": ("AssigneeId", "PermissionSetId"), "CampaignMember": ("CampaignId",),
            "Campaign": ("Name",)}


# The rest of the standard Lead and Contact fields a new org's describe lists (Salesforce's object reference,
# "Lead" and "Contact"; the compound address and geolocation fields included): present, mostly empty, so a
# describe and a pull are the size they are on a real org.
_ADDRESS = [("Street", "textarea", 255), ("City", "string", 40), ("State", "string", 80), ("PostalCode", "string", 20),
            ("Latitude", "double", 0), ("Longitude", "double", 0), ("GeocodeAccuracy", "picklist", 0),
            ("Address", "address", 0)]
_PERSON_MORE = [("MasterRecordId", "reference", 0), ("Salutation", "picklist", 0), ("MiddleName", "string", 40),
                ("Suffix", "string", 40), ("MobilePhone", "phone", 40), ("Fax", "phone", 40),
                ("HasOptedOutOfEmail", "boolean", 0), ("HasOptedOutOfFax", "boolean", 0), ("DoNotCall", "boolean", 0),
                ("CreatedById", "reference", 0), ("LastModifiedById", "reference", 0), ("LastActivityDate", "date", 0),
                ("LastViewedDate", "datetime", 0), ("LastReferencedDate", "datetime", 0), ("PhotoUrl", "url", 255),
                ("Jigsaw", "string", 20), ("JigsawContactId", "string", 20), ("CleanStatus", "picklist", 0),
                ("EmailBouncedReason", "string", 255), ("EmailBouncedDate", "datetime", 0),
                ("IndividualId", "reference", 0)]
REAL_SIZE = {
    "Lead": _PERSON_MORE + _ADDRESS + [
        ("Country", "string", 80), ("Website", "url", 255), ("ConvertedAccountId", "reference", 0),
        ("ConvertedOpportunityId", "reference", 0), ("IsUnreadByOwner", "boolean", 0),
        ("LastTransferDate", "date", 0), ("CompanyDunsNumber", "string", 9), ("DandbCompanyId", "reference", 0),
        ("IsPriorityRecord", "boolean", 0)],
    "Contact": _PERSON_MORE + [(f"{kind}{name}", field_type, length) for kind in ("Mailing", "Other")
                               for name, field_type, length in _ADDRESS] + [
        ("HomePhone", "phone", 40), ("OtherPhone", "phone", 40), ("AssistantPhone", "phone", 40),
        ("AssistantName", "string", 40), ("ReportsToId", "reference", 0), ("Birthdate", "date", 0),
        ("LastCURequestDate", "datetime", 0), ("LastCUUpdateDate", "datetime", 0), ("IsEmailBounced", "boolean", 0),
        ("ContactSource", "picklist", 0)],
}


def install_standard_fields(org: Org) -> None:
    for object_name, fields in STANDARD.items():
        for definition in fields:
            org.fields[object_name][definition.name] = definition
    for object_name, fields in REAL_SIZE.items():
        for name, kind, length in fields:
            org.fields[object_name].setdefault(name, _f(name, kind, length=length))


def describe_field(definition: FieldDef) -> dict:
    return {"name": definition.name, "label": definition.label or definition.name, "type": definition.type,
            "custom": definition.custom, "calculated": False, "updateable": definition.updateable,
            "createable": definition.updateable, "nillable": definition.name not in ("Id", "LastName"),
            "length": definition.length, "referenceTo": [],
            "picklistValues": [{"value": v, "label": v, "active": True, "defaultValue": False}
                               for v in definition.picklist]}
