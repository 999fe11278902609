"""Contacts through hubspot-api-client: paging, get, create, update, and the batch endpoints' 200/207/400."""
from __future__ import annotations

import pytest
from hubspot.crm.contacts import (ApiException, BatchInputSimplePublicObjectBatchInput,
                                  BatchInputSimplePublicObjectBatchInputForCreate, BatchReadInputSimplePublicObjectId,
                                  SimplePublicObjectInput, SimplePublicObjectInputForCreate)


def test_get_all_pages_through_every_contact_100_at_a_time(hubspot, portal, hubspot_sandbox):
    everyone = hubspot.crm.contacts.get_all(properties=["email", "lifecyclestage"])
    assert len(everyone) == 300 and len({c.id for c in everyone}) == 300
    assert hubspot_sandbox.calls(portal.id)["read"] == 3
    assert all(isinstance(c.properties["email"], str) for c in everyone)
    with pytest.raises(ApiException) as too_big:
        hubspot.crm.contacts.basic_api.get_page(limit=101)
    assert too_big.value.status == 400


def test_create_then_get_and_a_duplicate_email_conflicts(hubspot):
    created = hubspot.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"email": "new@example.com", "annualrevenue": "5000", "notes_last_contacted": "1714564800000"}))
    assert created is not None  # the SDK returns None unless the status is exactly 201
    fetched = hubspot.crm.contacts.basic_api.get_by_id(created.id, properties=["annualrevenue", "notes_last_contacted"])
    assert fetched.properties == {"annualrevenue": "5000", "notes_last_contacted": "2024-05-01T12:00:00.000Z"}
    with pytest.raises(ApiException) as duplicate:
        hubspot.crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(properties={"email": "NEW@example.com"}))
    assert duplicate.value.status == 409


def test_single_write_to_an_unknown_property_is_a_validation_error(hubspot, portal):
    contact_id = str(portal.ids[0])
    with pytest.raises(ApiException) as refused:
        hubspot.crm.contacts.basic_api.update(contact_id, SimplePublicObjectInput(properties={"no_such": "1"}))
    assert refused.value.status == 400
    assert "VALIDATION_ERROR" in refused.value.body and "PROPERTY_DOESNT_EXIST" in refused.value.body


def test_batch_update_reports_unknown_ids_in_a_207_and_applies_the_rest(hubspot, portal, hubspot_sandbox):
    good = str(portal.ids[0])
    before = hubspot_sandbox.contact(portal.id, good)["lastmodifieddate"]
    hubspot_sandbox.clock.advance(5)
    answer = hubspot.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
        {"id": good, "properties": {"pricing_page_views": "9"}},
        {"id": "123456789", "properties": {"pricing_page_views": "1"}}]))
    assert answer.num_errors == 1 and answer.errors[0].category == "OBJECT_NOT_FOUND"
    assert [r.id for r in answer.results] == [good]
    stored = hubspot_sandbox.contact(portal.id, good)
    assert stored["pricing_page_views"] == "9" and stored["lastmodifieddate"] > before


def test_one_bad_value_refuses_the_whole_batch(hubspot, portal, hubspot_sandbox):
    # "if there is a single error in the list of contacts none of them will be processed" (HubSpot.NET#25)
    good, other = (str(i) for i in portal.ids[:2])
    with pytest.raises(ApiException) as refused:
        hubspot.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
            {"id": good, "properties": {"pricing_page_views": "12345"}},
            {"id": other, "properties": {"lifecyclestage": "not-a-stage"}}]))
    assert refused.value.status == 400 and "VALIDATION_ERROR" in refused.value.body
    assert hubspot_sandbox.contact(portal.id, good)["pricing_page_views"] != "12345"


def test_batches_over_100_inputs_are_refused(hubspot, portal):
    inputs = [{"id": str(i), "properties": {"pricing_page_views": "1"}} for i in portal.ids[:101]]
    with pytest.raises(ApiException) as refused:
        hubspot.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=inputs))
    assert refused.value.status == 400


def test_batch_create_is_201_and_batch_read_207_for_missing_ids(hubspot, portal):
    created = hubspot.crm.contacts.batch_api.create(BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
        {"properties": {"email": f"b{i}@example.com"}} for i in range(3)]))
    assert created is not None and len(created.results) == 3
    read = hubspot.crm.contacts.batch_api.read(BatchReadInputSimplePublicObjectId(
        inputs=[{"id": created.results[0].id}, {"id": "999999999"}], properties=["email"], properties_with_history=[]))
    assert read.num_errors == 1 and read.results[0].properties["email"] == "b0@example.com"


def test_bulk_edit_shares_one_lastmodifieddate(hubspot_sandbox, portal):
    ids = portal.ids[:50]
    hubspot_sandbox.bulk_edit(portal.id, ids, {"industry": "Imported"})
    stamps = {hubspot_sandbox.contact(portal.id, i)["lastmodifieddate"] for i in ids}
    assert len(stamps) == 1


def test_property_types_served_match_the_seeded_values(hubspot, portal, hubspot_sandbox):
    schema = {p.name: p for p in hubspot.crm.properties.core_api.get_all("contacts").results}
    contact = hubspot_sandbox.contact(portal.id, portal.ids[0])
    for name, value in contact.items():
        spec = schema[name]
        if spec.type == "enumeration" and value:
            assert value in {o.value for o in spec.options}, name
        if spec.type == "number" and value:
            float(value)
    converted = sum(hubspot_sandbox.contact(portal.id, i)["lifecyclestage"] in ("opportunity", "customer")
                    for i in portal.ids)
    assert 0.1 < converted / len(portal.ids) < 0.35
