"""Score fields through the Tooling API, unwritable until the permission set grants them; idempotent."""
from connector.crm.base import FieldWrite
from connector.crm.salesforce import salesforce_score_fields

from tests.crm.salesforce.sandbox_reads import sdk

NAMES = salesforce_score_fields()


def first_lead(client):
    return next(r for batch in client.pull_changed(None) for r in batch.records
                if r.object_type == "Lead" and r.properties["IsConverted"] == "false")


def test_fields_are_unwritable_until_the_permission_set_grants_them(salesforce_client, salesforce_sandbox,
                                                                    salesforce_org):
    lead = first_lead(salesforce_client)
    created, present = salesforce_client.provisioner(NAMES).create_fields()
    assert len(created) == 16 and present == []  # 8 fields on Lead and Contact
    before = salesforce_client.write_fields([FieldWrite(lead.crm_id, "Lead", {NAMES.score: "42"})])
    # Salesforce refuses the whole request (INVALID_FIELD, "No such column"); reported, never raised.
    assert before.written == [] and [(r.crm_id, r.code) for r in before.rejected] == [(lead.crm_id, "INVALID_FIELD")]
    assert NAMES.score in before.rejected[0].reason

    result = salesforce_client.provision_fields(NAMES)
    assert result.created == [] and len(result.already_present) == 16
    after = salesforce_client.write_fields([FieldWrite(lead.crm_id, "Lead", {NAMES.score: "42"})])
    assert after.written == [lead.crm_id]
    assert float(salesforce_sandbox.record(salesforce_org.id, "Lead", lead.crm_id)[NAMES.score]) == 42
    assert NAMES.override_tier in {s.name for s in salesforce_client.schema()}


def test_provisioning_twice_changes_nothing(salesforce_client, salesforce_sandbox, salesforce_org):
    first = salesforce_client.provision_fields(NAMES)
    assert sorted(first.created) == sorted(f"{o}.{f}" for o in ("Lead", "Contact") for f in (
        NAMES.score, NAMES.tier, NAMES.reasons, NAMES.scored_at, NAMES.model, NAMES.override_tier, NAMES.arm,
        NAMES.next_step))
    look = sdk(salesforce_sandbox, salesforce_org.id)
    state = lambda: (  # noqa: E731
        look.restful("tooling/query/", params={"q": "SELECT Id FROM CustomField WHERE TableEnumOrId IN ('Lead', 'Contact')"})["totalSize"],
        look.query("SELECT Id FROM PermissionSet WHERE Name = 'LeadScore_Connector'")["totalSize"],
        look.query("SELECT Id FROM FieldPermissions")["totalSize"],
        look.query("SELECT Id FROM PermissionSetAssignment")["totalSize"])
    before, calls = state(), salesforce_client.api_calls.copy()
    second = salesforce_client.provision_fields(NAMES)
    assert second.created == [] and sorted(second.already_present) == sorted(first.created)
    assert state() == before
    assert salesforce_client.api_calls["schema"] - calls["schema"] == 4  # four reads, no writes


def test_schema_types_and_options(salesforce_client):
    salesforce_client.provision_fields(NAMES)
    specs = {s.name: s for s in salesforce_client.schema_for("Lead")}
    # What a pull carries: the rep's override tier, never the connector's own score fields.
    assert specs[NAMES.override_tier].type == "enumeration" and specs[NAMES.override_tier].options == tuple("ABCD")
    assert NAMES.score not in specs and NAMES.tier not in specs and NAMES.arm not in specs
    assert specs["IsConverted"].type == "boolean" and specs["SystemModstamp"].calculated
    assert specs["Email"].type == "string"
