"""Fill an org: users, campaigns, and leads/contacts from the shared population (or a CSV), mapped to standard
Lead fields plus custom `__c` fields for behaviour, as a marketing-automation sync would leave them."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from ..csv_seed import read_csv
from ..population import Person, generate_people
from .soql import to_ms
from .store import FieldDef, IdSource, Org

SEEDED_USERS = ("Integration User", "Avery Sales", "Jordan Rep", "Morgan Closer")
CAMPAIGNS = ("Nurture - Tier A", "Nurture - Tier B", "Webinar Follow-up")
BEHAVIOUR = {  # custom field -> Person attribute
    "Page_Views__c": "page_views", "Visits__c": "visits", "Pricing_Page_Views__c": "pricing_page_views",
    "Email_Opens__c": "email_opens", "Email_Clicks__c": "email_clicks", "Form_Submissions__c": "form_submissions",
    "Days_Since_Last_Activity__c": "days_since_last_activity",
}
TEXT_FIELDS = {"Gender__c": "gender", "Seniority__c": "seniority"}
CSV_TYPES = {"number": "double", "enumeration": "picklist", "string": "string", "boolean": "boolean",
             "datetime": "datetime"}


def seed_users_and_campaigns(org: Org, ids: IdSource, now_ms: int) -> None:
    for index, name in enumerate(SEEDED_USERS):
        user_id = org.integration_user_id if index == 0 else ids.new("User")
        login = name.lower().replace(" ", ".")
        org.tables["User"][user_id] = {"Id": user_id, "Name": name, "Email": f"{login}@sandbox.example",
                                       "Username": f"{login}@{org.id.lower()}.sandbox", "IsActive": True,
                                       "_ms": now_ms, "_created_ms": now_ms}
    for name in CAMPAIGNS:
        campaign_id = ids.new("Campaign")
        org.tables["Campaign"][campaign_id] = {"Id": campaign_id, "Name": name, "IsActive": True,
                                               "_ms": now_ms, "_created_ms": now_ms}


def owners(org: Org) -> list[str]:
    """The reps who own records (not the integration user)."""
    return [u for u in org.tables["User"] if u != org.integration_user_id]


def add_behaviour_fields(org: Org, ids: IdSource) -> None:
    """Fields an admin created long ago: already visible (field-level security granted to everyone)."""
    for object_name in ("Lead", "Contact"):
        for name in BEHAVIOUR:
            _add_custom(org, ids, object_name, FieldDef(name, "double", label=name[:-3].replace("_", " "), custom=True))
        for name in TEXT_FIELDS:
            _add_custom(org, ids, object_name, FieldDef(name, "string", label=name[:-3], custom=True, length=40))


def _add_custom(org: Org, ids: IdSource, object_name: str, definition: FieldDef) -> None:
    org.fields[object_name][definition.name] = definition
    org.custom_field_ids[f"{object_name}.{definition.name}"] = ids.new("CustomField")


def seed_people(org: Org, ids: IdSource, leads: int, contacts: int, seed: int, now: datetime) -> None:
    reps = owners(org)
    for person in generate_people(leads, seed=seed, now=now):
        _add_lead(org, ids, person, reps, now)
    for person in generate_people(contacts, seed=seed + 1, now=now):
        _add_contact(org, ids, person, reps, now)


def _last_touch(person: Person, now: datetime) -> datetime:
    touched = now - timedelta(days=person.days_since_last_activity)
    return max(touched, person.converted_at or person.created_at, person.created_at)


def _person_fields(person: Person, reps: list[str]) -> dict:
    fields = {"FirstName": person.first_name, "LastName": person.last_name, "Email": person.email,
              "Phone": person.phone, "Title": person.job_title, "OwnerId": reps[person.owner_index % len(reps)],
              "LeadSource": person.lead_source, "Description": None}
    fields.update({name: float(getattr(person, attr)) for name, attr in BEHAVIOUR.items()})
    fields.update({name: getattr(person, attr) for name, attr in TEXT_FIELDS.items()})
    return fields


def _add_contact(org: Org, ids: IdSource, person: Person, reps: list[str], now: datetime) -> dict:
    record_id = ids.new("Contact")
    record = {"Id": record_id, **_person_fields(person, reps), "MailingCountry": person.country,
              "Name": f"{person.first_name} {person.last_name}",
              "_created_ms": to_ms(person.converted_at or person.created_at), "_ms": to_ms(_last_touch(person, now))}
    org.tables["Contact"][record_id] = record
    return record


def _add_lead(org: Org, ids: IdSource, person: Person, reps: list[str], now: datetime) -> None:
    record_id = ids.new("Lead")
    record = {"Id": record_id, **_person_fields(person, reps), "Name": f"{person.first_name} {person.last_name}",
              "Company": person.company, "Industry": person.industry, "NumberOfEmployees": person.employees,
              "AnnualRevenue": float(person.annual_revenue), "Country": person.country,
              "Status": "Open - Not Contacted", "Rating": None, "IsConverted": False, "ConvertedDate": None,
              "ConvertedContactId": None, "IsDeleted": False,
              "_created_ms": to_ms(person.created_at), "_ms": to_ms(_last_touch(person, now))}
    if person.converted:
        contact = _add_contact(org, ids, person, reps, now)
        record.update(IsConverted=True, Status="Closed - Converted", ConvertedContactId=contact["Id"],
                      ConvertedDate=person.converted_at.date().isoformat())
    elif person.days_since_last_activity > 90:
        record["Status"] = "Closed - Not Converted"
    elif person.email_clicks or person.form_submissions:
        record["Status"] = "Working - Contacted"
    org.tables["Lead"][record_id] = record
    org.propensity[record_id] = person.propensity


def seed_csv(org: Org, ids: IdSource, path: str | Path, now_ms: int) -> int:
    """Leads from a CSV: every column becomes a custom `__c` field (LastName/Company filled when absent)."""
    columns, rows = read_csv(path)
    names = {}
    for column in columns:
        name = _csv_field_name(column.name)
        names[column.name] = name
        _add_custom(org, ids, "Lead", FieldDef(name, CSV_TYPES.get(column.type, "string"), label=column.label,
                                               picklist=tuple(column.options), custom=True, length=255))
    reps, count = owners(org), 0
    for count, row in enumerate(rows, start=1):
        record_id = ids.new("Lead")
        record = {"Id": record_id, "LastName": f"Row {count}", "Company": "CSV import", "IsConverted": False,
                  "OwnerId": reps[count % len(reps)], "Status": "Open - Not Contacted",
                  "_created_ms": now_ms, "_ms": now_ms}
        record.update({names[key]: _csv_value(org.fields["Lead"][names[key]].type, value) for key, value in row.items()})
        org.tables["Lead"][record_id] = record
    return count


def _csv_field_name(column: str) -> str:
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in column).strip("_") or "Column"
    if not cleaned[0].isalpha():
        cleaned = "C_" + cleaned
    while "__" in cleaned:
        cleaned = cleaned.replace("__", "_")
    return cleaned[:37] + "__c"


def _csv_value(kind: str, value: str | None):
    if value is None:
        return None
    if kind == "double":
        return float(value)
    if kind == "boolean":
        return value.strip().lower() in ("true", "yes", "y", "1")
    return value
