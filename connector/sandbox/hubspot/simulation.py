"""A portal's people for `days.Days`: open until their lifecycle stage reaches opportunity or customer (the
seed's converted people), nurtured once a task is associated with them, converted by reaching "customer"
(the stage the connector's default label counts) with its `hs_lifecyclestage_customer_date`."""
from __future__ import annotations

from .store import iso

CONVERTED_STAGES = ("opportunity", "customer")


class PortalPeople:
    def __init__(self, sandbox, portal_id: int):
        self.sandbox, self.portal = sandbox, sandbox.portal(portal_id)
        self.clock = sandbox.clock

    def open_people(self) -> dict[str, float]:
        return {str(contact_id): propensity for contact_id, propensity in self.portal.propensity.items()
                if self.portal.contacts[contact_id].properties.get("lifecyclestage") not in CONVERTED_STAGES}

    def nurtured(self) -> set[str]:
        return {a["toId"] for a in list(self.portal.associations)
                if a["fromType"] == "tasks" and a["toType"] == "contacts"}

    def convert(self, record_ids: list[str]) -> None:
        stamp = iso(self.clock.time() * 1000)
        self.sandbox.bulk_edit(self.portal.id, record_ids,
                               {"lifecyclestage": "customer", "hs_lifecyclestage_customer_date": stamp})
