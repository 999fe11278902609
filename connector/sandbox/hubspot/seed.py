"""Fill a portal: HubSpot's standard contact properties (the seeded ones, then the rest of a real portal's
default schema from default_schema.py), owners, and contacts from the shared population
generator (standard properties where HubSpot has them, custom ones for the rest) or from a CSV.

Conversion shows the way it does in HubSpot: lifecycle stage reached opportunity or customer, with the
`hs_lifecyclestage_*_date` stamps of each stage passed.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from ..csv_seed import read_csv
from ..population import SOURCES, Person, generate_people
from .default_schema import GROUPS, default_contact_properties, label_of
from .properties import definition
from .store import Contact, Portal, iso

STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer")
EMPLOYEE_BANDS = ((5, "1-5"), (25, "5-25"), (50, "25-50"), (100, "50-100"), (500, "100-500"), (1000, "500-1000"),
                  (float("inf"), "1000+"))
CUSTOM_GROUP = "sandbox_custom"
OWNER_NAMES = (("Alex", "Morgan"), ("Sam", "Rivera"), ("Jordan", "Lee"), ("Casey", "Nguyen"), ("Riley", "Patel"))


def standard_schema(portal: Portal, created_ms: int) -> None:
    portal.groups = {name: {"name": name, "label": label, "displayOrder": -1, "archived": False}
                     for name, label in (("contactinformation", "Contact information"),
                                         ("analyticsinformation", "Web analytics history"),
                                         ("emailinformation", "Email information"),
                                         (CUSTOM_GROUP, "Sandbox custom properties"))}
    owner_ids = [o["id"] for o in portal.owners]
    specs = [
        ("email", "Email", "string", "text", "contactinformation", ()),
        ("firstname", "First Name", "string", "text", "contactinformation", ()),
        ("lastname", "Last Name", "string", "text", "contactinformation", ()),
        ("phone", "Phone Number", "string", "phonenumber", "contactinformation", ()),
        ("jobtitle", "Job Title", "string", "text", "contactinformation", ()),
        ("company", "Company Name", "string", "text", "contactinformation", ()),
        ("industry", "Industry", "string", "text", "contactinformation", ()),
        ("numemployees", "Number of Employees", "enumeration", "select", "contactinformation",
         [band for _, band in EMPLOYEE_BANDS]),
        ("annualrevenue", "Annual Revenue", "number", "number", "contactinformation", ()),
        ("country", "Country/Region", "string", "text", "contactinformation", ()),
        ("hs_analytics_source", "Original Source", "enumeration", "select", "analyticsinformation", list(SOURCES)),
        ("hs_analytics_num_page_views", "Number of Pageviews", "number", "number", "analyticsinformation", ()),
        ("hs_analytics_num_visits", "Number of Sessions", "number", "number", "analyticsinformation", ()),
        ("hs_email_open", "Marketing emails opened", "number", "number", "emailinformation", ()),
        ("hs_email_click", "Marketing emails clicked", "number", "number", "emailinformation", ()),
        ("num_conversion_events", "Number of Form Submissions", "number", "number", "contactinformation", ()),
        ("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", "contactinformation", STAGES),
        ("hubspot_owner_id", "Contact owner", "enumeration", "select", "contactinformation", owner_ids),
        ("notes_last_contacted", "Last Contacted", "datetime", "date", "contactinformation", ()),
        ("hs_email_optout", "Unsubscribed from all email", "bool", "booleancheckbox", "emailinformation",
         ("true", "false")),
    ] + [(f"hs_lifecyclestage_{s}_date", f"Became a {s} date", "datetime", "date", "contactinformation", ())
         for s in STAGES]
    for name, label, kind, field_type, group, options in specs:
        portal.properties[name] = definition(name, label, kind, field_type, group, options, created_ms=created_ms)
    for name, label in (("hs_object_id", "Record ID"),):
        portal.properties[name] = definition(name, label, "number", "number", calculated=True, created_ms=created_ms)
    for name, label in (("createdate", "Create Date"), ("lastmodifieddate", "Last Modified Date")):
        portal.properties[name] = definition(name, label, "datetime", "date", calculated=True, created_ms=created_ms)
    for group, label in GROUPS.items():
        portal.groups.setdefault(group, {"name": group, "label": label, "displayOrder": -1, "archived": False})
    for name, kind, field_type, group, calculated in default_contact_properties():
        portal.properties.setdefault(name, definition(name, label_of(name), kind, field_type, group,
                                                      calculated=calculated, created_ms=created_ms))
    custom = [("pricing_page_views", "Pricing page views", "number", "number", ()),
              ("gender", "Gender", "enumeration", "select", ("female", "male", "non_binary"))]
    for name, label, kind, field_type, options in custom:
        portal.properties[name] = definition(name, label, kind, field_type, CUSTOM_GROUP, options,
                                             created_ms=created_ms, custom=True)


def owners(portal_id: int, created_ms: int) -> list[dict]:
    return [{"id": str(portal_id % 1000 * 100 + i + 1), "email": f"{first.lower()}.{last.lower()}@example.com",
             "firstName": first, "lastName": last, "userId": 9000 + i, "createdAt": iso(created_ms),
             "updatedAt": iso(created_ms), "archived": False, "teams": []}
            for i, (first, last) in enumerate(OWNER_NAMES)]


# A portal's contact workflows, as the v3 list shows them; the disabled one is there to be left out of choices.
WORKFLOWS = ((4821, "Tier A: hand to sales", True), (4822, "Re-engage cold leads", True),
             (4823, "Welcome series (paused)", False))


def workflows(created_ms: int) -> list[dict]:
    return [{"id": workflow_id, "name": name, "type": "DRIP_DELAY", "enabled": enabled, "insertedAt": created_ms,
             "updatedAt": created_ms, "contactListIds": {"enrolled": workflow_id * 10, "active": workflow_id * 10 + 1,
                                                         "completed": workflow_id * 10 + 2}}
            for workflow_id, name, enabled in WORKFLOWS]


def seed_people(portal: Portal, count: int, seed: int, now: datetime, next_id) -> None:
    for person in generate_people(count, seed=seed, now=now):
        created = int(person.created_at.timestamp() * 1000)
        modified = int(min(now, person.converted_at or person.created_at + timedelta(days=1)).timestamp() * 1000)
        contact = Contact(next_id(), _properties(portal, person, now), created, max(created, modified))
        portal.add_contact(contact)
        portal.propensity[contact.id] = person.propensity


def _properties(portal: Portal, person: Person, now: datetime) -> dict[str, str]:
    stage_dates = _stage_dates(person, now)
    values = {
        "email": person.email, "firstname": person.first_name, "lastname": person.last_name, "phone": person.phone,
        "jobtitle": person.job_title, "company": person.company, "industry": person.industry,
        "numemployees": next(band for top, band in EMPLOYEE_BANDS if person.employees <= top),
        "annualrevenue": str(person.annual_revenue), "country": person.country,
        "hs_analytics_source": person.lead_source, "hs_analytics_num_page_views": str(person.page_views),
        "hs_analytics_num_visits": str(person.visits), "hs_email_open": str(person.email_opens),
        "hs_email_click": str(person.email_clicks), "num_conversion_events": str(person.form_submissions),
        "lifecyclestage": list(stage_dates)[-1],
        "hubspot_owner_id": portal.owners[person.owner_index % len(portal.owners)]["id"],
        "notes_last_contacted": iso((now - timedelta(days=person.days_since_last_activity)).timestamp() * 1000),
        "hs_email_optout": "false", "pricing_page_views": str(person.pricing_page_views), "gender": person.gender,
    }
    values.update({f"hs_lifecyclestage_{stage}_date": iso(at.timestamp() * 1000) for stage, at in stage_dates.items()})
    return values


def _stage_dates(person: Person, now: datetime) -> dict[str, datetime]:
    """The stages a person passed and when: converted people reach opportunity (customer if long enough ago)."""
    if person.converted:
        reached = 5 if person.converted_at and (now - person.converted_at).days > 45 else 4
    else:
        engagement = person.form_submissions + person.pricing_page_views
        reached = 1 + (engagement >= 2) + (engagement >= 4)
    start = person.created_at
    end = person.converted_at or min(now, start + timedelta(days=30))
    step = (end - start) / max(reached, 1)
    return {STAGES[i]: start + step * i for i in range(reached + 1)}


def seed_csv(portal: Portal, path: str | Path, stamp: int, next_id) -> int:
    """Custom properties from the CSV's columns, then one contact per row; returns the number of contacts."""
    columns, rows = read_csv(path)
    types = {"number": ("number", "number"), "enumeration": ("enumeration", "select"), "string": ("string", "text"),
             "boolean": ("bool", "booleancheckbox"), "datetime": ("datetime", "date")}
    for column in columns:
        if column.name in portal.properties:
            continue  # a column named like a standard property (e.g. email) fills that property
        kind, field_type = types[column.type]
        options = column.options if column.type == "enumeration" else (("true", "false") if kind == "bool" else ())
        portal.properties[column.name] = definition(column.name, column.label, kind, field_type, CUSTOM_GROUP,
                                                    options, created_ms=stamp, custom=True)
    booleans = {c.name for c in columns if c.type == "boolean"}
    count = 0
    for row in rows:
        values = {name: _bool(value) if name in booleans else value for name, value in row.items() if value is not None}
        portal.add_contact(Contact(next_id(), values, stamp, stamp))
        count += 1
    return count


def _bool(value: str) -> str:
    return "true" if value.lower() in ("true", "yes", "y", "1") else "false"
