"""Score properties in their own group, created once."""
from connector.crm.hubspot import hubspot_score_fields

NAMES = hubspot_score_fields()
ALL = [NAMES.score, NAMES.tier, NAMES.reasons, NAMES.scored_at, NAMES.model, NAMES.override_tier]


def test_provisioning_twice_changes_nothing(hubspot_client):
    first = hubspot_client.provision_fields(NAMES)
    assert sorted(first.created) == sorted(ALL) and first.already_present == []
    schema_after_first = hubspot_client.schema()

    second = hubspot_client.provision_fields(NAMES)
    assert second.created == [] and sorted(second.already_present) == sorted(ALL)
    assert hubspot_client.schema() == schema_after_first


def test_score_properties_have_the_types_the_connector_writes(hubspot_client):
    hubspot_client.provision_fields(NAMES)
    specs = {p.name: p for p in hubspot_client.schema()}
    assert specs[NAMES.score].type == "number"
    assert specs[NAMES.tier].type == "enumeration" and specs[NAMES.tier].options == ("A", "B", "C", "D")
    assert specs[NAMES.override_tier].options == ("A", "B", "C", "D")
    assert specs[NAMES.reasons].type == "string" and specs[NAMES.model].type == "string"
    assert specs[NAMES.scored_at].type == "datetime"


def test_schema_maps_hubspot_types_to_the_scoring_vocabulary(hubspot_client):
    specs = {p.name: p for p in hubspot_client.schema()}
    assert specs["email"].type == "string"
    assert {p.type for p in specs.values()} <= {"number", "enumeration", "string", "boolean", "datetime"}
    assert specs["lastmodifieddate"].type == "datetime" and specs["lastmodifieddate"].calculated
