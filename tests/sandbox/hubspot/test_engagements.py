"""Nurture actions through the SDK: owners, tasks with associations, v4 associations, workflow enrollment."""
from __future__ import annotations

import pytest
import requests
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.objects.tasks import ApiException, SimplePublicObjectInputForCreate


def test_a_task_for_the_owner_is_recorded_with_its_contact(hubspot, portal, hubspot_sandbox):
    owners = hubspot.crm.owners.owners_api.get_page().results
    assert len(owners) == 5
    contact_id = str(portal.ids[0])
    task = hubspot.crm.objects.tasks.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"hs_task_subject": "Call this A lead", "hs_timestamp": "2026-11-23T09:00:00Z",
                    "hubspot_owner_id": owners[0].id},
        associations=[{"to": {"id": contact_id},
                       "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]}]))
    assert task is not None
    recorded = hubspot_sandbox.tasks(portal.id)
    assert [t["properties"]["hs_task_subject"] for t in recorded] == ["Call this A lead"]
    links = hubspot.crm.associations.v4.batch_api.get_page("contacts", "tasks", {"inputs": [{"id": contact_id}]})
    assert [str(t.to_object_id) for t in links.results[0].to] == [task.id]


def test_a_task_needs_hs_timestamp(hubspot):
    with pytest.raises(ApiException) as refused:
        hubspot.crm.objects.tasks.basic_api.create(SimplePublicObjectInputForCreate(properties={"hs_task_subject": "x"}))
    assert refused.value.status == 400


def test_v4_associations_the_sdk_sends(hubspot, portal, hubspot_sandbox):
    task = hubspot.crm.objects.tasks.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"hs_task_subject": "t", "hs_timestamp": "2026-11-23T09:00:00Z"}))
    labelled = hubspot.crm.associations.v4.basic_api.create("tasks", task.id, "contacts", str(portal.ids[1]), [
        AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=204)])
    assert labelled is not None
    default = hubspot.crm.associations.v4.basic_api.create_default("tasks", task.id, "contacts", str(portal.ids[2]))
    assert default is not None
    linked = {a["toId"] for a in hubspot_sandbox.associations(portal.id) if a["fromId"] == task.id}
    assert linked == {str(portal.ids[1]), str(portal.ids[2])}
    assert hubspot_sandbox.calls(portal.id)["action"] == 3


def test_workflow_enrollment_by_email(hubspot, portal, hubspot_sandbox):
    email = hubspot_sandbox.contact(portal.id, portal.ids[0])["email"]
    url = f"{hubspot_sandbox.base_url}/automation/v2/workflows/777/enrollments/contacts/{email}"
    answer = requests.post(url, headers={"Authorization": f"Bearer {hubspot.access_token}"})
    assert answer.status_code == 204
    assert [(e["workflowId"], e["email"]) for e in hubspot_sandbox.enrollments(portal.id)] == [("777", email)]
    missing = requests.post(url.replace(email, "nobody@example.com"),
                            headers={"Authorization": f"Bearer {hubspot.access_token}"})
    assert missing.status_code == 404
