"""Nurture actions: a task for the contact's owner, a legacy workflow enrollment by email."""
from datetime import datetime, timedelta, timezone

import pytest

from connector.crm.errors import RecordRejected


def first_contact(client):
    return next(r for batch in client.pull_changed(None) for r in batch.records if r.properties.get("email"))


def test_a_task_goes_to_the_contacts_owner_and_is_associated(hubspot_client, hubspot_sandbox, hubspot_portal):
    contact = first_contact(hubspot_client)
    owner = hubspot_sandbox.contact(hubspot_portal.id, contact.crm_id).get("hubspot_owner_id")
    due = datetime.now(timezone.utc) + timedelta(days=1)
    task_id = hubspot_client.create_task(contact.crm_id, "contacts", "Call now: tier A", "Reasons...", due, None)
    task = next(t for t in hubspot_sandbox.tasks(hubspot_portal.id) if str(t["id"]) == task_id)
    assert task["properties"]["hs_task_subject"] == "Call now: tier A"
    assert task["properties"].get("hubspot_owner_id") == owner
    assert any({str(v) for v in link.values()} >= {task_id, contact.crm_id}
               for link in hubspot_sandbox.associations(hubspot_portal.id))


def test_an_explicit_owner_wins(hubspot_client, hubspot_sandbox, hubspot_portal):
    contact = first_contact(hubspot_client)
    owner_id = str(hubspot_sandbox.owners(hubspot_portal.id)[0]["id"])
    task_id = hubspot_client.create_task(contact.crm_id, "contacts", "s", "b", datetime.now(timezone.utc), owner_id)
    task = next(t for t in hubspot_sandbox.tasks(hubspot_portal.id) if str(t["id"]) == task_id)
    assert task["properties"]["hubspot_owner_id"] == owner_id
    assert hubspot_client.api_calls["read"] == 0  # no need to look the owner up


def test_enrolling_by_email_twice_is_harmless(hubspot_client, hubspot_sandbox, hubspot_portal):
    contact = first_contact(hubspot_client)
    hubspot_client.enroll(contact.crm_id, "contacts", "101")
    hubspot_client.enroll(contact.crm_id, "contacts", "101")
    enrolled = hubspot_sandbox.enrollments(hubspot_portal.id)
    assert contact.properties["email"] in str(enrolled)


def test_an_unknown_contact_is_rejected_not_crashed(hubspot_client):
    with pytest.raises(RecordRejected):
        hubspot_client.create_task("999999999", "contacts", "s", "b", datetime.now(timezone.utc), None)
