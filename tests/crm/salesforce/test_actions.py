"""Nurture actions: a task for the record's owner, campaign membership (twice is harmless)."""
from datetime import datetime, timezone

import pytest

from connector.crm.errors import RecordRejected

from tests.crm.salesforce.sandbox_reads import sdk

DUE = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def a_lead(client, converted=False):
    flag = "true" if converted else "false"
    return next(r for batch in client.pull_changed(None) for r in batch.records
                if r.object_type == "Lead" and r.properties["IsConverted"] == flag)


def test_a_task_goes_to_the_leads_owner(salesforce_client, salesforce_sandbox, salesforce_org):
    lead = a_lead(salesforce_client)
    task_id = salesforce_client.create_task(lead.crm_id, "Lead", "Call now: tier A", "Big company", DUE, None)
    task = next(t for t in salesforce_sandbox.tasks(salesforce_org.id) if t["Id"] == task_id)
    assert task["WhoId"] == lead.crm_id and task["OwnerId"] == lead.properties["OwnerId"]
    assert task["Subject"] == "Call now: tier A" and task["ActivityDate"] == "2026-12-01"


def test_an_explicit_owner_wins_without_a_lookup(salesforce_client, salesforce_sandbox, salesforce_org):
    lead = a_lead(salesforce_client)
    owner = salesforce_sandbox.users(salesforce_org.id)[0]["Id"]
    reads = salesforce_client.api_calls["read"]
    task_id = salesforce_client.create_task(lead.crm_id, "Lead", "s", "b", DUE, owner)
    task = next(t for t in salesforce_sandbox.tasks(salesforce_org.id) if t["Id"] == task_id)
    assert task["OwnerId"] == owner
    assert salesforce_client.api_calls["read"] - reads == 1  # only the conversion check


def test_enrolling_twice_is_harmless(salesforce_client, salesforce_sandbox, salesforce_org):
    lead = a_lead(salesforce_client)
    campaign = sdk(salesforce_sandbox, salesforce_org.id).query("SELECT Id FROM Campaign")["records"][0]["Id"]
    salesforce_client.enroll(lead.crm_id, "Lead", campaign)
    salesforce_client.enroll(lead.crm_id, "Lead", campaign)
    members = [m for m in salesforce_sandbox.campaign_members(salesforce_org.id)
               if m.get("LeadId") == lead.crm_id and m["CampaignId"] == campaign]
    assert len(members) == 1


def test_actions_on_a_converted_lead_land_on_its_contact(salesforce_client, salesforce_sandbox, salesforce_org):
    lead = a_lead(salesforce_client, converted=True)
    task_id = salesforce_client.create_task(lead.crm_id, None, "s", "b", DUE, None)
    task = next(t for t in salesforce_sandbox.tasks(salesforce_org.id) if t["Id"] == task_id)
    assert task["WhoId"] == lead.properties["ConvertedContactId"]


def test_unknown_records_are_rejected_not_crashed(salesforce_client):
    with pytest.raises(RecordRejected):
        salesforce_client.create_task("00Q000000000000AAA", "Lead", "s", "b", DUE, None)
    with pytest.raises(RecordRejected):
        salesforce_client.enroll("nonsense", None, "701000000000000AAA")
