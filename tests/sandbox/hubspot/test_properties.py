"""Property groups and properties through the SDK: 201 on create, 409 on a duplicate, types validated."""
from __future__ import annotations

import pytest
from hubspot.crm.properties import ApiException, PropertyCreate, PropertyGroupCreate


def test_create_group_and_property_then_duplicates_conflict(hubspot):
    api = hubspot.crm.properties
    group = api.groups_api.create("contacts", PropertyGroupCreate(name="leadscore", label="LeadScore"))
    assert group is not None and group.name == "leadscore"
    spec = PropertyCreate(name="leadscore_tier", label="Tier", type="enumeration", field_type="select",
                          group_name="leadscore", options=[{"label": t, "value": t, "displayOrder": i, "hidden": False}
                                                           for i, t in enumerate("ABCD")])
    created = api.core_api.create("contacts", spec)
    assert created is not None and [o.value for o in created.options] == list("ABCD")
    with pytest.raises(ApiException) as duplicate:
        api.core_api.create("contacts", spec)
    assert duplicate.value.status == 409
    with pytest.raises(ApiException) as duplicate_group:
        api.groups_api.create("contacts", PropertyGroupCreate(name="leadscore", label="again"))
    assert duplicate_group.value.status == 409
    assert "leadscore_tier" in {p.name for p in api.core_api.get_all("contacts").results}


@pytest.mark.parametrize("kind, field_type", [("numeric", "number"), ("number", "checkbox"), ("string", "nope")])
def test_bad_type_or_field_type_is_a_400(hubspot, kind, field_type):
    with pytest.raises(ApiException) as refused:
        hubspot.crm.properties.core_api.create("contacts", PropertyCreate(
            name="leadscore_score", label="Score", type=kind, field_type=field_type, group_name="contactinformation"))
    assert refused.value.status == 400


def test_enumeration_values_are_checked_on_write(hubspot, portal, hubspot_sandbox):
    from hubspot.crm.contacts import ApiException as ContactsError, SimplePublicObjectInput

    with pytest.raises(ContactsError) as refused:
        hubspot.crm.contacts.basic_api.update(str(portal.ids[0]), SimplePublicObjectInput(
            properties={"lifecyclestage": "astronaut"}))
    assert refused.value.status == 400 and "INVALID_OPTION" in refused.value.body
