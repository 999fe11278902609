"""Describe, single-record and collection writes, the converted-lead lock, tasks and campaign members."""
import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

TYPES = {"string", "picklist", "double", "int", "currency", "boolean", "datetime", "date", "textarea", "email",
         "phone", "id", "reference", "url", "address"}


def converted_and_open(salesforce_sandbox, org):
    leads = salesforce_sandbox.records(org.id, "Lead")
    return (next(r for r in leads if r["IsConverted"]), [r for r in leads if not r["IsConverted"]])


def test_describe_reports_typed_fields(sf):
    fields = {f["name"]: f for f in sf.Lead.describe()["fields"]}
    assert {f["type"] for f in fields.values()} == TYPES
    assert fields["Status"]["picklistValues"] and fields["Page_Views__c"]["custom"]
    assert not fields["SystemModstamp"]["updateable"] and fields["Title"]["updateable"]
    assert {"Email", "LastName", "OwnerId"} <= {f["name"] for f in sf.Contact.describe()["fields"]}
    # A real org's size: the standard Lead fields beyond the seeded ones (Salesforce Object Reference, Lead).
    assert len(fields) >= 70 and {"Jigsaw", "CleanStatus", "Address", "IsUnreadByOwner"} <= set(fields)
    assert not fields["CreatedById"]["updateable"]


def test_patch_moves_the_modstamp_and_get_reads_back(salesforce_sandbox, sf, org):
    _, open_leads = converted_and_open(salesforce_sandbox, org)
    lead = open_leads[0]
    assert sf.Lead.update(lead["Id"], {"Title": "VP Sales", "NumberOfEmployees": 250}) == 204
    stored = salesforce_sandbox.record(org.id, "Lead", lead["Id"])
    assert stored["Title"] == "VP Sales" and stored["SystemModstamp"] >= lead["SystemModstamp"]
    assert stored["LastModifiedDate"] == stored["SystemModstamp"]
    assert sf.Lead.get(lead["Id"])["Title"] == "VP Sales"


def test_converted_leads_are_locked_and_point_to_their_contact(salesforce_sandbox, sf, org):
    converted, _ = converted_and_open(salesforce_sandbox, org)
    assert salesforce_sandbox.record(org.id, "Contact", converted["ConvertedContactId"])["Email"] == converted["Email"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.Lead.update(converted["Id"], {"Title": "x"})
    assert raised.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def collection(sf, records, all_or_none=False, method="PATCH"):
    return sf.restful("composite/sobjects", method=method, json={"allOrNone": all_or_none, "records": records})


def test_collections_report_per_record_and_cap_at_200(salesforce_sandbox, sf, org):
    converted, open_leads = converted_and_open(salesforce_sandbox, org)
    body = [{"attributes": {"type": "Lead"}, "id": open_leads[0]["Id"], "Title": "A"},
            {"attributes": {"type": "Lead"}, "id": converted["Id"], "Title": "B"},
            {"attributes": {"type": "Lead"}, "id": open_leads[1]["Id"], "NumberOfEmployees": "many"}]
    results = collection(sf, body)
    assert [r["success"] for r in results] == [True, False, False]
    assert results[1]["errors"][0]["statusCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    assert salesforce_sandbox.record(org.id, "Lead", open_leads[0]["Id"])["Title"] == "A"
    too_many = [{"attributes": {"type": "Lead"}, "id": r["Id"], "Title": "C"} for r in open_leads[:201]]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        collection(sf, too_many)
    assert raised.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_all_or_none_rolls_back_the_good_records(salesforce_sandbox, sf, org):
    converted, open_leads = converted_and_open(salesforce_sandbox, org)
    before = salesforce_sandbox.record(org.id, "Lead", open_leads[2]["Id"])
    results = collection(sf, [{"attributes": {"type": "Lead"}, "id": open_leads[2]["Id"], "Title": "Z"},
                              {"attributes": {"type": "Lead"}, "id": converted["Id"], "Title": "Z"}], True)
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert salesforce_sandbox.record(org.id, "Lead", open_leads[2]["Id"]) == before


def test_collection_post_creates_and_bulk_edit_shares_one_stamp(salesforce_sandbox, sf, org):
    results = collection(sf, [{"attributes": {"type": "Lead"}, "LastName": f"N{i}", "Company": "Acme"}
                              for i in range(3)] + [{"attributes": {"type": "Lead"}, "LastName": "NoCompany"}],
                         method="POST")
    assert [r["success"] for r in results] == [True, True, True, False]
    assert results[0]["id"].startswith("00Q") and len(results[0]["id"]) == 18
    created = [r["id"] for r in results[:3]]
    salesforce_sandbox.bulk_edit(org.id, "Lead", created, {"Rating": "Hot"})
    assert len({salesforce_sandbox.record(org.id, "Lead", i)["SystemModstamp"] for i in created}) == 1


def test_tasks_and_one_membership_per_lead_and_campaign(salesforce_sandbox, sf, org):
    _, open_leads = converted_and_open(salesforce_sandbox, org)
    owner = open_leads[0]["OwnerId"]
    assert owner in {u["Id"] for u in salesforce_sandbox.users(org.id)}
    task = sf.Task.create({"WhoId": open_leads[0]["Id"], "OwnerId": owner, "Subject": "Call: now tier A",
                           "Description": "Visited pricing 4 times", "ActivityDate": "2026-12-01"})
    assert task["success"] and salesforce_sandbox.tasks(org.id)[0]["WhoId"] == open_leads[0]["Id"]
    campaign = sf.query("SELECT Id FROM Campaign LIMIT 1")["records"][0]["Id"]
    assert sf.CampaignMember.create({"CampaignId": campaign, "LeadId": open_leads[0]["Id"]})["success"]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        sf.CampaignMember.create({"CampaignId": campaign, "LeadId": open_leads[0]["Id"]})
    assert raised.value.content[0]["errorCode"] == "DUPLICATE_VALUE"
    assert len(salesforce_sandbox.campaign_members(org.id)) == 1
    assert salesforce_sandbox.calls(org.id)["action"] == 3


def alternating(salesforce_sandbox, org, count):
    """`count` records alternating Lead, Contact, Lead...: every record starts a new type chunk."""
    _, open_leads = converted_and_open(salesforce_sandbox, org)
    contacts = salesforce_sandbox.records(org.id, "Contact")
    pools = [("Lead", open_leads), ("Contact", contacts)]
    return [{"attributes": {"type": pools[i % 2][0]}, "id": pools[i % 2][1][i // 2]["Id"], "Title": "Alternating"}
            for i in range(count)]


def test_collections_refuse_more_than_ten_type_chunks(salesforce_sandbox, sf, org):
    # REST API Developer Guide, "Update Records Using sObject Collections" (resources_composite_sobjects_
    # collections_update): objects of more than one type "are processed as chunks ... A single request can
    # process up to 10 chunks." The whole request is refused and nothing is written.
    ten = alternating(salesforce_sandbox, org, 10)
    assert all(r["success"] for r in collection(sf, ten))
    eleven = alternating(salesforce_sandbox, org, 11)
    eleven[0]["Title"] = "Never written"
    with pytest.raises(SalesforceMalformedRequest) as raised:
        collection(sf, eleven)
    assert raised.value.content[0]["message"].startswith("Cannot have more than 10 chunks")
    assert salesforce_sandbox.record(org.id, "Lead", eleven[0]["id"])["Title"] == "Alternating"
    grouped = sorted(eleven, key=lambda r: r["attributes"]["type"])  # two chunks: accepted
    assert all(r["success"] for r in collection(sf, grouped))


def test_a_hidden_field_fails_the_whole_collection(salesforce_sandbox, sf, org):
    # An unknown or FLS-hidden field fails the request's parsing: one 400, no record tried. REST API Developer
    # Guide, "Status Codes and Error Responses"
    # (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm): 400 "The
    # request couldn't be understood, usually because the JSON or XML body contains an error", the body a list
    # of {message, errorCode, fields}. The guide prints no INVALID_FIELD text; "No such column 'X' on sobject
    # of type Lead" is the wording seen from real orgs (wadewegner/Force.com-Toolkit-for-NET#90).
    _, open_leads = converted_and_open(salesforce_sandbox, org)
    body = [{"attributes": {"type": "Lead"}, "id": open_leads[3]["Id"], "Title": "Kept out"},
            {"attributes": {"type": "Lead"}, "id": open_leads[4]["Id"], "Hidden__c": "x"}]
    with pytest.raises(SalesforceMalformedRequest) as raised:
        collection(sf, body)
    assert raised.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert raised.value.content[0]["fields"] == ["Hidden__c"]
    assert salesforce_sandbox.record(org.id, "Lead", open_leads[3]["Id"])["Title"] != "Kept out"
