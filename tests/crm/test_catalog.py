"""What a nurture rule can name, read through the official clients from each sandbox over HTTP: HubSpot's
enabled contact workflows (legacy v3 list, the ids v2 enrollment takes) and writable contact properties;
Salesforce's active campaigns (SOQL) and the fields updateable on both Lead and Contact (describe). Neither
list offers the connector's own score fields, and an id from the list enrolls a record."""
from __future__ import annotations

from tests.crm.salesforce.sandbox_reads import sdk


def test_hubspot_lists_enabled_workflows_and_writable_properties(hubspot_client, hubspot_sandbox, hubspot_portal):
    targets = hubspot_client.enroll_targets()
    assert [(t.id, t.label) for t in targets] == [("4822", "Re-engage cold leads"), ("4821", "Tier A: hand to sales")]
    assert hubspot_sandbox.calls(hubspot_portal.id)["read"] >= 1  # one GET /automation/v3/workflows

    properties = {p.id: p.label for p in hubspot_client.settable_properties()}
    specs = hubspot_portal.properties
    assert properties and all(not specs[name]["modificationMetadata"]["readOnlyValue"] for name in properties)
    assert "hs_lead_status" in properties and properties["jobtitle"] == specs["jobtitle"]["label"]
    assert not [name for name in properties if name.startswith("leadscore_")]
    assert not {"hs_object_id", "lastmodifieddate", "createdate"} & set(properties)  # HubSpot refuses writes to them

    contact = next(r for batch in hubspot_client.pull_changed(None) for r in batch.records if r.properties.get("email"))
    hubspot_client.enroll(contact.crm_id, "contacts", targets[0].id)
    assert [e["workflowId"] for e in hubspot_sandbox.enrollments(hubspot_portal.id)] == [targets[0].id]


def test_salesforce_lists_active_campaigns_and_fields_settable_on_leads_and_contacts(
        salesforce_client, salesforce_sandbox, salesforce_org):
    campaigns = sdk(salesforce_sandbox, salesforce_org.id).query("SELECT Id, Name FROM Campaign")["records"]
    paused = next(c for c in campaigns if c["Name"] == "Webinar Follow-up")
    salesforce_org.tables["Campaign"][paused["Id"]]["IsActive"] = False  # an admin ended it

    targets = salesforce_client.enroll_targets()
    assert [t.label for t in targets] == ["Nurture - Tier A", "Nurture - Tier B"]
    assert paused["Id"] not in {t.id for t in targets}

    fields = {f.id: f.label for f in salesforce_client.settable_properties()}
    described = {name: {f["name"]: f for f in sdk(salesforce_sandbox, salesforce_org.id).restful(
        f"sobjects/{name}/describe")["fields"]} for name in ("Lead", "Contact")}
    assert fields and all(described[o][name]["updateable"] for name in fields for o in ("Lead", "Contact"))
    assert "Email" in fields and "Company" not in fields  # Company is a Lead field only
    assert not [name for name in fields if name.startswith("LeadScore_")]

    lead = next(r for batch in salesforce_client.pull_changed(None) for r in batch.records
                if r.object_type == "Lead" and r.properties["IsConverted"] == "false")
    salesforce_client.enroll(lead.crm_id, "Lead", targets[0].id)
    assert any(m["CampaignId"] == targets[0].id and m.get("LeadId") == lead.crm_id
               for m in salesforce_sandbox.campaign_members(salesforce_org.id))
