"""What a Salesforce nurture rule can name: the campaigns to add a record to and the fields to set."""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from ..base import CatalogItem, ScoreFieldNames

# Inactive campaigns still take members, but an admin picking a nurture campaign means a running one.
ACTIVE_CAMPAIGNS = "SELECT Id, Name FROM Campaign WHERE IsActive = true ORDER BY Name"


def campaign_items(rows: Iterable[dict[str, Any]]) -> list[CatalogItem]:
    return sorted((CatalogItem(str(row["Id"]), str(row.get("Name") or row["Id"])) for row in rows if row.get("Id")),
                  key=lambda item: item.label.lower())


def field_items(describes: Mapping[str, Sequence[dict[str, Any]]], own: ScoreFieldNames) -> list[CatalogItem]:
    """Fields a rule may set, from each object's describe: `updateable` and not `calculated` on every object a
    rule fires for (a rule meets Leads and Contacts alike, and a field missing on one would fail there), never
    the connector's own score fields. Labelled as the first object (Lead) labels them."""
    owned = own.written() | {own.override_tier}
    settable: dict[str, str] | None = None
    for fields in describes.values():
        here = {f["name"]: f.get("label") or f["name"] for f in fields
                if f.get("updateable") and not f.get("calculated") and f.get("name") not in owned}
        settable = here if settable is None else {name: label for name, label in settable.items() if name in here}
    return sorted((CatalogItem(name, label) for name, label in (settable or {}).items()),
                  key=lambda item: item.label.lower())
