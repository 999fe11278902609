"""One "account" per CRM for the contract suite: an adapter on a seeded sandbox, plus the few questions the
suite asks the sandbox directly (what is stored, which tasks exist, who is enrolled, make it misbehave).

Everything CRM-specific the suite needs lives here, so `test_contract.py` reads the same for both CRMs."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from connector.crm.base import CrmClient, ScoreFieldNames

RECORDS = 300


@dataclass
class Account:
    crm: str
    client: CrmClient
    sandbox: Any
    names: ScoreFieldNames
    object_type: str  # what writes and actions name
    unknown_id: str  # well-formed, but no such record
    campaign: str  # a workflow (HubSpot) or campaign (Salesforce) to enroll in
    stored: Callable[[str, str], Any]  # (record id, field) -> the value in the sandbox's store
    bulk_edit: Callable[[list[str]], None]  # one edit, one timestamp, many records
    task_on: Callable[[str], str | None]  # task id -> the record it is about, None if no such task
    enrolled: Callable[[str, str], bool]  # (record id, target) -> enrolled there (once)
    expire_sessions: Callable[[], None]
    revoke_grant: Callable[[], None]
    connect: Callable[..., CrmClient]  # a fresh client on the same account, with options

    def writable_ids(self, ids: list[str]) -> list[str]:
        """Records whose write lands on the record itself (Salesforce redirects converted leads)."""
        return [i for i in ids if self.crm != "salesforce" or not self._converted(i)]

    def _converted(self, crm_id: str) -> bool:
        return self.object_type == "Lead" and bool(self.stored(crm_id, "IsConverted"))


@contextmanager
def open_account(crm: str, **client_options) -> Iterator[Account]:
    opener = {"hubspot": _hubspot, "salesforce": _salesforce}[crm]
    with opener(client_options) as account:
        try:
            yield account
        finally:
            account.sandbox.faults.clear()


@contextmanager
def _hubspot(options: dict) -> Iterator[Account]:
    from connector.crm.hubspot import hubspot_score_fields
    from tests.fixtures.hubspot_client import connect, seeded_sandbox

    with seeded_sandbox(contacts=RECORDS, seed=21) as (sandbox, portal_id, base_url):
        open_clients = []

        def new_client(**more):
            client = connect(sandbox, portal_id, base_url, **{**options, **more})
            open_clients.append(client)
            return client

        client = new_client()

        def revoke_grant() -> None:
            sandbox.revoke_refresh_token(client.credentials.refresh_token)
            sandbox.expire_all_tokens()

        def task_on(task_id: str) -> str | None:
            return next((a["toId"] for a in sandbox.associations(portal_id)
                         if a["fromType"] == "tasks" and a["fromId"] == task_id and a["toType"] == "contacts"), None)

        def enrolled(crm_id: str, target: str) -> bool:
            # HubSpot's legacy enrollment keeps no membership list: a repeat is one more enrollment event.
            return any(str(e["workflowId"]) == target and e["contactId"] == crm_id
                       for e in sandbox.enrollments(portal_id))

        yield Account(
            crm="hubspot", client=client, sandbox=sandbox, names=hubspot_score_fields(), object_type="contacts",
            unknown_id="999999999", campaign="101",
            stored=lambda crm_id, field: sandbox.contact(portal_id, crm_id).get(field),
            bulk_edit=lambda ids: sandbox.bulk_edit(portal_id, ids, {"jobtitle": "VP Sales"}),
            task_on=task_on, enrolled=enrolled, expire_sessions=sandbox.expire_all_tokens,
            revoke_grant=revoke_grant, connect=new_client)
        for opened in open_clients:
            opened.close()


@contextmanager
def _salesforce(options: dict) -> Iterator[Account]:
    from simple_salesforce import Salesforce

    from connector.crm.salesforce import salesforce_score_fields
    from tests.fixtures.salesforce_client import connect, seeded_sandbox

    with seeded_sandbox(leads=RECORDS, contacts=0, seed=21) as (sandbox, org_id, base_url):
        open_clients = []

        def new_client(**more):
            client = connect(sandbox, org_id, base_url, **{**options, **more})
            open_clients.append(client)
            return client

        client = new_client()
        tokens = sandbox.issue_tokens(org_id)
        look = Salesforce(instance_url=tokens["instance_url"], session_id=tokens["access_token"],
                          session=sandbox.local_session(base_url))
        campaign = look.query("SELECT Id FROM Campaign LIMIT 1")["records"][0]["Id"]

        def revoke_grant() -> None:
            sandbox.revoke_refresh_token(client.credentials.refresh_token)
            sandbox.expire_all_sessions()

        def task_on(task_id: str) -> str | None:
            task = next((t for t in sandbox.tasks(org_id) if t["Id"] == task_id), None)
            return None if task is None else task["WhoId"]

        def enrolled(crm_id: str, target: str) -> bool:
            return 1 == sum(1 for m in sandbox.campaign_members(org_id)
                            if target == m["CampaignId"] and crm_id in (m.get("LeadId"), m.get("ContactId")))

        yield Account(
            crm="salesforce", client=client, sandbox=sandbox, names=salesforce_score_fields(), object_type="Lead",
            unknown_id="00Q000000000000AAA", campaign=campaign,
            stored=lambda crm_id, field: sandbox.record(org_id, "Lead", crm_id).get(field),
            bulk_edit=lambda ids: sandbox.bulk_edit(org_id, "Lead", ids, {"Title": "VP Sales"}),
            task_on=task_on, enrolled=enrolled, expire_sessions=sandbox.expire_all_sessions,
            revoke_grant=revoke_grant, connect=new_client)
        for opened in open_clients:
            opened.close()
