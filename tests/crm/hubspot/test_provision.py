"""Score properties in their own group, created once."""
from connector.crm.hubspot import hubspot_score_fields

NAMES = hubspot_score_fields()
ALL = [NAMES.score, NAMES.tier, NAMES.reasons, NAMES.scored_at, NAMES.model, NAMES.override_tier, NAMES.arm,
       NAMES.next_step]


def test_provisioning_twice_changes_nothing(hubspot_client):
    first = hubspot_client.provision_fields(NAMES)
    assert sorted(first.created) == sorted(ALL) and first.already_present == []
    schema_after_first = hubspot_client.schema()

    second = hubspot_client.provision_fields(NAMES)
    assert second.created == [] and sorted(second.already_present) == sorted(ALL)
    assert hubspot_client.schema() == schema_after_first


def test_score_properties_have_the_types_the_connector_writes(hubspot_client, hubspot_sandbox, hubspot_portal):
    hubspot_client.provision_fields(NAMES)
    stored = hubspot_sandbox.portal(hubspot_portal.id).properties
    assert stored[NAMES.score]["type"] == "number" and stored[NAMES.scored_at]["type"] == "datetime"
    assert stored[NAMES.reasons]["type"] == "string" and stored[NAMES.model]["type"] == "string"
    specs = {p.name: p for p in hubspot_client.schema()}
    # The rep's override is pulled (a feature and feedback); the connector's own output never is (a leak).
    assert specs[NAMES.override_tier].type == "enumeration" and specs[NAMES.override_tier].options == tuple("ABCD")
    assert not {NAMES.score, NAMES.tier, NAMES.reasons, NAMES.scored_at, NAMES.model, NAMES.arm} & set(specs)
    assert stored[NAMES.arm]["type"] == "enumeration"  # the A/B arm, for the CRM's own reports


def test_schema_maps_hubspot_types_to_the_scoring_vocabulary(hubspot_client):
    specs = {p.name: p for p in hubspot_client.schema()}
    assert specs["email"].type == "string"
    assert {p.type for p in specs.values()} <= {"number", "enumeration", "string", "boolean", "datetime"}
    assert specs["lastmodifieddate"].type == "datetime" and specs["lastmodifieddate"].calculated
