"""A portal's data as HubSpot holds it: contacts (property values as strings), the property schema,
owners, tasks, associations and workflow enrollments.

Contact ids only grow, so `Portal.ids` stays sorted and searches can bisect on `hs_object_id`.
`lastmodifieddate` and `createdate` are kept as epoch milliseconds beside the strings, because searches
compare them as numbers on every page.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache

PROPERTY_TYPES = {"string", "number", "date", "datetime", "enumeration", "bool", "phone_number"}
FIELD_TYPES = {"text", "textarea", "number", "date", "select", "radio", "checkbox", "booleancheckbox", "file",
               "calculation_equation", "phonenumber", "html"}
# HubSpot refuses a fieldType that cannot show the type (e.g. a number as a checkbox).
FIELD_TYPES_FOR = {"string": {"text", "textarea", "file", "html", "phonenumber"}, "number": {"number", "calculation_equation"},
                   "date": {"date"}, "datetime": {"date"}, "phone_number": {"phonenumber", "text"},
                   "enumeration": {"select", "radio", "checkbox", "booleancheckbox"}, "bool": {"booleancheckbox"}}
NUMERIC_TYPES = {"number", "date", "datetime"}
DEFAULT_PROPERTIES = ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname")


def iso(ms: float) -> str:
    """HubSpot's datetime format: ISO-8601 with milliseconds and a Z (the SDK cannot parse epoch numbers)."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@lru_cache(maxsize=200_000)
def epoch_ms(value: str) -> float:
    """Epoch milliseconds from either form HubSpot accepts for dates: a millisecond number or ISO-8601."""
    try:
        return float(value)
    except ValueError:
        pass
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp() * 1000


@dataclass
class Contact:
    id: int
    properties: dict[str, str]
    created: int  # epoch ms
    modified: int  # epoch ms

    def value(self, name: str) -> str | None:
        if name == "hs_object_id":
            return str(self.id)
        if name == "lastmodifieddate":
            return iso(self.modified)
        if name == "createdate":
            return iso(self.created)
        return self.properties.get(name)


@dataclass
class Portal:
    id: int
    contacts: dict[int, Contact] = field(default_factory=dict, repr=False)
    ids: list[int] = field(default_factory=list, repr=False)
    by_email: dict[str, int] = field(default_factory=dict, repr=False)
    properties: dict[str, dict] = field(default_factory=dict, repr=False)
    groups: dict[str, dict] = field(default_factory=dict)
    owners: list[dict] = field(default_factory=list)
    tasks: dict[int, dict] = field(default_factory=dict)
    associations: list[dict] = field(default_factory=list)
    enrollments: list[dict] = field(default_factory=list)
    workflows: list[dict] = field(default_factory=list)
    # Not visible through the API: each generated person's chance of converting, for `simulation.py`.
    propensity: dict[int, float] = field(default_factory=dict, repr=False)

    def add_contact(self, contact: Contact) -> None:
        self.contacts[contact.id] = contact
        self.ids.append(contact.id)
        email = contact.properties.get("email")
        if email:
            self.by_email[email.lower()] = contact.id

    def remove_contact(self, contact: Contact) -> None:
        """Archived or GDPR-deleted: gone from reads and searches (the sandbox keeps no recycle bin)."""
        self.contacts.pop(contact.id, None)
        self.ids.remove(contact.id)
        email = (contact.properties.get("email") or "").lower()
        if self.by_email.get(email) == contact.id:
            del self.by_email[email]

    def render(self, contact: Contact, wanted: list[str] | None) -> dict:
        """A contact as the v3 API answers it: only the asked-for properties, all values strings or null."""
        names = wanted or DEFAULT_PROPERTIES
        return {"id": str(contact.id), "properties": {name: contact.value(name) for name in names},
                "createdAt": iso(contact.created), "updatedAt": iso(contact.modified), "archived": False}

    def property_type(self, name: str) -> str:
        spec = self.properties.get(name)
        return spec["type"] if spec else "string"


class IdSequence:
    """Record ids shared by every portal of a sandbox, like HubSpot's global-looking numeric ids."""

    def __init__(self, start: int = 1001):
        self._next = itertools.count(start)

    def __call__(self) -> int:
        return next(self._next)
