"""An org's Leads for `days.Days`: open while neither converted nor closed as not converting, nurtured once a
Task names them (`WhoId`), converted as Salesforce's lead conversion leaves them (`IsConverted`, the status
"Closed - Converted" and `ConvertedDate`; the connector's default label reads `IsConverted`)."""
from __future__ import annotations

from datetime import datetime, timezone

CLOSED = ("Closed - Converted", "Closed - Not Converted")


class OrgPeople:
    def __init__(self, sandbox, org_id: str):
        self.sandbox, self.org = sandbox, sandbox.org(org_id)
        self.clock = sandbox.clock

    def open_people(self) -> dict[str, float]:
        leads = self.org.tables["Lead"]
        return {lead_id: propensity for lead_id, propensity in self.org.propensity.items()
                if not leads[lead_id]["IsConverted"] and leads[lead_id]["Status"] not in CLOSED}

    def nurtured(self) -> set[str]:
        with self.org.lock:
            return {task.get("WhoId") for task in self.org.tables["Task"].values() if task.get("WhoId")}

    def convert(self, record_ids: list[str]) -> None:
        today = datetime.fromtimestamp(self.clock.time(), tz=timezone.utc).date().isoformat()
        self.sandbox.bulk_edit(self.org.id, "Lead", record_ids,
                               {"IsConverted": True, "Status": "Closed - Converted", "ConvertedDate": today})
